// The panel's message validator (untrusted webview input) and its DOM-free model: filters,
// pause buffering, the line cap, clear.
import { strict as assert } from 'node:assert';
import { MAX_COPY_CHARS, parseWebviewMessage, type EntryItem, type LogItem } from '../../src/protocol/logs';
import { LogModel, matches, NO_FILTERS } from '../../src/serving/logs/viewModel';

let seq = 0;
function entry(message: string, extra: Partial<EntryItem> = {}): EntryItem {
  seq++;
  return { kind: 'entry', seq, key: `k${seq}`, timestamp: seq, time: new Date(seq).toISOString(), severity: 'INFO', log: 'stderr', message, revision: 'svc-00001-aaa', ...extra };
}

describe('logs panel: webview messages', () => {
  it('accepts the protocol messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', text: 'a\nb' }), { type: 'copy', text: 'a\nb' });
    assert.deepEqual(parseWebviewMessage({ type: 'clear', upToSeq: 12 }), { type: 'clear', upToSeq: 12 });
    assert.deepEqual(parseWebviewMessage({ type: 'action', id: 'fix-3' }), { type: 'action', id: 'fix-3' });
  });

  it('rejects anything else, naming the field', () => {
    assert.throws(() => parseWebviewMessage('ready'), /message: expected an object/);
    assert.throws(() => parseWebviewMessage({ type: 'runCommand', command: 'workbench.action.quit' }), /type: unknown message type "runCommand"/);
    assert.throws(() => parseWebviewMessage({ type: 'copy', text: 42 }), /copy\.text/);
    assert.throws(() => parseWebviewMessage({ type: 'copy', text: 'x'.repeat(MAX_COPY_CHARS + 1) }), /copy\.text: longer/);
    assert.throws(() => parseWebviewMessage({ type: 'clear', upToSeq: -1 }), /clear\.upToSeq/);
    assert.throws(() => parseWebviewMessage({ type: 'action', id: 'mlServing.deploy"; rm' }), /action\.id/);
    // One parser for both panels: a field nobody declared is refused, not silently dropped.
    assert.throws(() => parseWebviewMessage({ type: 'action', id: 'fix-3', extra: 'x' }), /action\.extra: unexpected field/);
  });
});

describe('logs panel: model', () => {
  it('filters by minimum severity, revision and text; markers always pass the severity and revision filters', () => {
    const m = new LogModel(100);
    const marker: LogItem = { kind: 'marker', seq: ++seq, timestamp: seq, level: 'gap', text: 'entries may be missing' };
    m.add([
      entry('starting', { severity: 'INFO' }),
      entry('slow request', { severity: 'WARNING', revision: 'svc-00002-bbb' }),
      entry('predict failed', { severity: 'ERROR', json: { model: 'retrieval' } }),
      marker,
      entry('', { severity: 'INFO', request: { method: 'POST', url: '/v1/models/retrieval:predict', status: 500 } }),
    ]);
    m.setFilters({ minSeverity: 'WARNING' });
    assert.deepEqual(m.visible.map(i => (i.kind === 'entry' ? i.message : i.text)), ['slow request', 'predict failed', 'entries may be missing']);
    m.setFilters({ minSeverity: 'DEFAULT', revision: 'svc-00002-bbb' });
    assert.deepEqual(m.visible.map(i => i.seq), [m.items[1].seq, marker.seq]);
    m.setFilters({ revision: '', text: 'RETRIEVAL' });
    // matched in the JSON payload and in the request URL, case-insensitively
    assert.deepEqual(m.visible.map(i => i.seq), [m.items[2].seq, m.items[4].seq]);
    assert.equal(matches(marker, { ...NO_FILTERS, text: 'missing' }), true);
  });

  it('buffers while paused and shows the buffer on resume', () => {
    const m = new LogModel(100);
    m.add([entry('a')]);
    m.pause();
    const r = m.add([entry('b'), entry('c')]);
    assert.deepEqual(r, { appended: 0, trimmed: 0 });
    assert.equal(m.visible.length, 1);
    assert.equal(m.buffered.length, 2);
    const after = m.resume();
    assert.equal(after.appended, 2);
    assert.deepEqual(m.visible.map(i => (i as EntryItem).message), ['a', 'b', 'c']);
  });

  it('keeps at most maxLines, dropping the oldest', () => {
    const m = new LogModel(1000);
    const many = Array.from({ length: 2500 }, (_, i) => entry(`line ${i}`));
    for (let i = 0; i < many.length; i += 100) m.add(many.slice(i, i + 100));
    assert.equal(m.items.length, 1000);
    assert.equal(m.visible.length, 1000);
    assert.equal(m.dropped, 1500);
    assert.equal((m.items[0] as EntryItem).message, 'line 1500');
    assert.equal((m.visible[999] as EntryItem).message, 'line 2499');
  });

  it('clear empties it and returns the last sequence number for the host', () => {
    const m = new LogModel(10);
    const last = entry('x');
    m.add([entry('w'), last]);
    assert.equal(m.clear(), last.seq);
    assert.equal(m.items.length + m.visible.length, 0);
  });
});
