/** The benchmark's own pieces: statistics, budget verdicts and the vscode stub. No timings asserted. */
import { strict as assert } from 'node:assert';
import { median, percentile } from './stats';
import { budgetResults, table, type Figures } from './report';
import { createContext, createVscodeStub } from './vscodeStub';

describe('bench harness', () => {
  it('takes medians and nearest-rank percentiles, and refuses empty input', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
    assert.throws(() => median([]), /samples/);
    assert.throws(() => percentile([1], 101), /p: expected/);
  });

  it('judges each budget, and reports an unmeasured figure as null, not as a pass', () => {
    const f: Figures = {
      notes: [], activation_ms: 8, activation_speedup: 40, vsix_bytes: 5_000_000, tree_cold_ms: null, tree_warm_ms: 151,
      predict_overhead_ratio: 1.05, predict_added_ms: 0.4,
      log_tail: { lost: 0, duplicated: 1, event_loop_lag_p99_ms: 20, heap_growth_mb: 3 },
    };
    assert.deepEqual(budgetResults(f), {
      activation: false, vsix_bytes: true, tree_cold_ms: null, tree_warm_ms: false, predict_overhead: true,
      log_tail_lost_duplicated: false, log_tail_lag: true, log_tail_heap: true, serving_b1: null, serving_cold_start: null,
    });
    // Serving: p50 within 10 ms but 2.5 ms over the floor is a miss; cold start within 5 s passes.
    const serving = { b1_c1: { p50_ms: 3, p95_ms: 5, p99_ms: 9 }, floor_b1: { p50_ms: 0.5, p95_ms: 1, p99_ms: 2 }, added_over_floor_b1_ms: 2.5, cold_start_ms: 4200 };
    assert.deepEqual([budgetResults({ ...f, serving }).serving_b1, budgetResults({ ...f, serving }).serving_cold_start], [false, true]);
    assert.equal(budgetResults({ ...f, serving: { ...serving, added_over_floor_b1_ms: 1.9, cold_start_ms: 5001 } }).serving_b1, true);
    assert.equal(budgetResults({ ...f, serving: { ...serving, cold_start_ms: 5001 } }).serving_cold_start, false);
    const t = table({ ...f, notes: ['tree: failed: example'] });
    assert.match(t, /tree_cold_ms \(first page\)\s+n\/a.*not measured/);
    assert.match(t, /- tree: failed: example/);
  });

  it('stubs vscode well enough for activation: working events, disposables, channels, no thenables', async () => {
    const counters = { commands: 0, treeViews: 0, outputChannels: 0, otherCalls: 0 };
    const vscode = createVscodeStub(counters) as any;
    const emitter = new vscode.EventEmitter();
    const got: number[] = [];
    const sub = emitter.event((n: number) => got.push(n));
    emitter.fire(1);
    sub.dispose();
    emitter.fire(2);
    assert.deepEqual(got, [1]);
    vscode.commands.registerCommand('x', () => {}).dispose();
    const channel = vscode.window.createOutputChannel('c', { log: true });
    channel.info('hello');
    assert.deepEqual(channel.lines, ['hello']);
    assert.equal(vscode.workspace.getConfiguration('mlServing').get('regions', ['r']).length, 1);
    assert.equal(await vscode.commands.executeCommand('setContext', 'k', true), undefined);
    // An API the stub does not list still answers, and awaiting it does not hang.
    const unknown = vscode.window.someFutureApi({ a: 1 });
    assert.equal(await unknown, unknown);
    assert.deepEqual(counters, { commands: 1, treeViews: 0, outputChannels: 1, otherCalls: 1 });
    const ctx = createContext('/tmp/ext', { name: 'n', publisher: 'p', version: '1.2.3' });
    assert.equal(ctx.extension.id, 'p.n');
    assert.equal(ctx.asAbsolutePath('media/x.svg'), '/tmp/ext/media/x.svg');
  });
});
