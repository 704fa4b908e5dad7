/** Benchmark: N requests at concurrency C → p50/p95/p99/max against the target, errors, histogram. */
import type { BenchmarkSummary } from '../../src/protocol/predict';
import { histogramChart } from './chart';
import { h, ms, type Child } from './dom';

export interface BenchState {
  count: number;
  concurrency: number;
  probe: boolean;
  progress?: { done: number; total: number; phase: 'probe' | 'run' };
  result?: BenchmarkSummary;
  failure?: string;
}

export interface BenchActions {
  run(): void;
  cancel(): void;
}

function numberField(label: string, value: number, min: number, max: number, set: (n: number) => void, testid: string): HTMLElement {
  const tf = h('vscode-textfield', { type: 'number', min, max, 'data-testid': testid, className: 'narrow' }) as HTMLElement & { value: string };
  tf.value = String(value);
  tf.addEventListener('input', () => {
    const n = Number(tf.value);
    if (Number.isInteger(n) && n >= min && n <= max) set(n);
  });
  return h('label', {}, `${label} `, tf);
}

export function renderBenchmark(s: BenchState, targetMs: number, busy: boolean, a: BenchActions): Child[] {
  const probe = h('vscode-checkbox', { checked: s.probe, 'data-testid': 'bench-probe' }, 'Cold-start probe first (time to first success)') as HTMLElement & { checked: boolean };
  probe.addEventListener('change', () => { s.probe = probe.checked; });
  const out: Child[] = [
    h('h2', {}, 'Benchmark'),
    h('div', { className: 'row' },
      numberField('Requests', s.count, 1, 10000, n => { s.count = n; }, 'bench-count'),
      numberField('Concurrency', s.concurrency, 1, 64, n => { s.concurrency = n; }, 'bench-concurrency'),
      probe,
      busy ? h('vscode-button', { secondary: true, onclick: a.cancel, 'data-testid': 'bench-cancel' }, 'Cancel')
        : h('vscode-button', { onclick: a.run, 'data-testid': 'bench-run' }, 'Run benchmark')),
  ];
  if (busy && s.progress) out.push(h('p', { className: 'muted' }, s.progress.phase === 'probe' ? 'Probing cold start…' : `${s.progress.done} / ${s.progress.total} requests`));
  if (s.failure) out.push(h('p', { className: 'error-box' }, s.failure));
  const r = s.result;
  if (!r) return out;
  const target = r.targetMs || targetMs;
  const cell = (name: string, v: number | undefined) => h('td', { className: v !== undefined && v > target ? 'num over' : 'num' }, v === undefined ? '—' : ms(v));
  out.push(
    h('table', { className: 'stats', 'data-testid': 'bench-stats' },
      h('thead', {}, h('tr', {}, ...['p50', 'p95', 'p99', 'max', 'mean', 'errors', 'req/s'].map(x => h('th', {}, x)))),
      h('tbody', {}, h('tr', {}, cell('p50', r.stats?.p50), cell('p95', r.stats?.p95), cell('p99', r.stats?.p99), cell('max', r.stats?.max), cell('mean', r.stats?.mean),
        h('td', { className: r.errors ? 'num over' : 'num' }, `${r.errors}${Object.keys(r.errorsByStatus).length ? ` (${Object.entries(r.errorsByStatus).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`),
        h('td', { className: 'num' }, r.throughputRps.toFixed(1))))),
    h('p', { className: 'muted' },
      `${r.completed} of ${r.count} requests at concurrency ${r.concurrency} in ${ms(r.wallMs)}${r.cancelled ? ' (cancelled)' : ''}. Target ${target} ms: `,
      r.stats ? h('strong', { className: r.stats.p95 <= target ? 'pass' : 'fail' }, r.stats.p95 <= target ? 'p95 within target' : 'p95 over target') : 'no successful requests'),
  );
  if (r.firstError) out.push(h('p', { className: 'error-box' }, `First error: ${r.firstError}`));
  if (r.coldStart) {
    out.push(h('p', { 'data-testid': 'bench-cold-start' }, `Time to first success: ${ms(r.coldStart.timeToFirstSuccessMs)}`,
      r.coldStart.retries ? ` after ${r.coldStart.retries} retr${r.coldStart.retries === 1 ? 'y' : 'ies'} (the service was scaling from zero)` : ' (already warm)',
      r.coldStart.status >= 300 ? ` — ended with HTTP ${r.coldStart.status}` : ''));
  }
  if (r.stats) out.push(histogramChart(r.histogram, target, { p50: r.stats.p50, p95: r.stats.p95, p99: r.stats.p99 }));
  return out;
}
