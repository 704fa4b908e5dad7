import { strict as assert } from 'node:assert';
import { compareLoadTestReports, parseLoadTestReport } from '../../src/serving/reports/compareReports';
import { savedReport } from '../../src/serving/reports/savedReport';

const report = (revision: string, p50: number, goodput: number, extra: Record<string, unknown> = {}) => savedReport(
  { kind: 'load-test', service: 'svc', revision, modelVersion: '3', savedAt: '2026-11-30T12:00:00.000Z' },
  { rate: 5, durationSec: 10, scheduled: 50, completed: 50, errors: 1, latency: { p50, p95: p50 * 2, p99: p50 * 3 }, throughput: 4.9, goodput, targetMs: 300, coldStart: { measured: false, reason: 'kept warm' }, ...extra });

describe('reports: two load tests side by side', () => {
  it('puts each number of A and B in its own column, with B − A', () => {
    const { rows, markdown } = compareLoadTestReports(report('svc-00001-a', 20, 0.9), report('svc-00002-b', 25.5, 0.96), ['one', 'two']);
    const row = (l: string) => rows.find(r => r.label === l)!;
    assert.deepEqual(row('revision'), { label: 'revision', a: 'svc-00001-a', b: 'svc-00002-b' });
    assert.deepEqual(row('p50'), { label: 'p50', a: '20.0 ms', b: '25.5 ms', delta: '+5.5 ms' });
    assert.deepEqual(row('p99'), { label: 'p99', a: '60.0 ms', b: '76.5 ms', delta: '+16.5 ms' });
    assert.deepEqual(row('goodput'), { label: 'goodput', a: '90.0%', b: '96.0%', delta: '+6.0 pts' });
    assert.equal(row('cold start').a, 'not measured (kept warm)');
    assert.match(markdown, /^# Load test reports: one vs two/);
    assert.match(markdown, /\| p95 \| 40\.0 ms \| 51\.0 ms \| \+11\.0 ms \|/);
  });

  it('shows "—" for numbers a hand-edited file lacks, and escapes table pipes', () => {
    const { rows, markdown } = compareLoadTestReports(report('a|b', 20, 0.9, { latency: 'fast' }), report('b', 10, 0.5), ['x', 'y']);
    assert.deepEqual(rows.find(r => r.label === 'p50'), { label: 'p50', a: '—', b: '10.0 ms', delta: '—' });
    assert.match(markdown, /\| revision \| a\\\|b \| b \|/);
  });

  it('reads a file back only when it is a load-test report, naming the file and field', () => {
    assert.equal(parseLoadTestReport(JSON.stringify(report('r', 1, 1)), 'f.json').meta.revision, 'r');
    assert.throws(() => parseLoadTestReport('{', 'f.json'), /f\.json: not JSON/);
    assert.throws(() => parseLoadTestReport(JSON.stringify({ format: 'x' }), 'g.json'), /g\.json: format:/);
    const cmp = savedReport({ kind: 'comparison', service: 's', revision: 'b', against: 'a', savedAt: '2026-11-30T12:00:00Z' }, {});
    assert.throws(() => parseLoadTestReport(JSON.stringify(cmp), 'c.json'), /c\.json: meta\.kind: expected "load-test"/);
  });
});
