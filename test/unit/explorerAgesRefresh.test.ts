// Issue 16 item 12: relative times are relabelled each minute, only while the view is visible.
import { strict as assert } from 'node:assert';
import { AGE_REFRESH_MS, keepAgesFresh, type Clock } from '../../src/features/explorer/agesRefresh';

function fakes() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  const clock: Clock = {
    setInterval: (fn, ms) => { timers.set(next, { fn, ms }); return next++; },
    clearInterval: h => { timers.delete(h as number); },
  };
  let listener: (() => void) | undefined;
  const view = {
    visible: false,
    onDidChangeVisibility: (l: () => void) => { listener = l; return { dispose: () => { listener = undefined; } }; },
    set(v: boolean) { this.visible = v; listener?.(); },
  };
  /** Runs every active timer once, as one minute passing would. */
  const minute = () => [...timers.values()].forEach(t => t.fn());
  return { timers, clock, view, minute, listening: () => listener !== undefined };
}

describe('explorer: relative times stay fresh (issue 16 item 12)', () => {
  it('relabels every minute while visible, not while hidden, and stops on dispose', () => {
    const f = fakes();
    let relabels = 0;
    const d = keepAgesFresh(f.view, () => relabels++, f.clock);
    assert.equal(f.timers.size, 0, 'hidden at start: no timer');
    f.view.set(true);
    assert.equal(f.timers.size, 1);
    assert.equal([...f.timers.values()][0].ms, AGE_REFRESH_MS);
    f.minute();
    f.minute();
    assert.equal(relabels, 2);
    f.view.set(false);
    assert.equal(f.timers.size, 0, 'hidden: timer stopped');
    f.minute();
    assert.equal(relabels, 2);
    f.view.set(true);
    f.view.set(true);
    assert.equal(f.timers.size, 1, 'one timer however often it is shown');
    d.dispose();
    assert.equal(f.timers.size, 0);
    assert.equal(f.listening(), false);
  });

  it('a view visible at start gets its timer at once', () => {
    const f = fakes();
    f.view.visible = true;
    keepAgesFresh(f.view, () => undefined, f.clock);
    assert.equal(f.timers.size, 1);
  });
});
