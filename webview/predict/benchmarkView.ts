/**
 * Benchmark, two modes. Closed loop: N requests at concurrency C → p50/p95/p99/max against the
 * target, errors, histogram. Open loop: Poisson arrivals at a rate for a duration with a mix of
 * saved payloads → p50/p95/p99, throughput, errors, goodput, latency over time, cold-start probe,
 * and Save Report.
 */
import type { BenchmarkSummary, LoadTestSummary, SavedPayload } from '../../src/protocol/predict';
import { LIMITS } from '../../src/protocol/predict';
import { histogramChart, latencyOverTimeChart } from './chart';
import { h, ms, type Child } from '../shared/dom';

/** What the panel is waiting for (state.ts's Pending['kind']). */
export type PendingKind = 'send' | 'benchmark' | 'loadTest';

export interface BenchState {
  mode: 'closed' | 'open';
  count: number;
  concurrency: number;
  probe: boolean;
  progress?: { done: number; total: number; phase: 'probe' | 'run' };
  result?: BenchmarkSummary;
  failure?: string;
  /** Open loop: requests per second, seconds, the latency target (default: the setting), saved payloads in the mix. */
  rate: number;
  durationSec: number;
  targetMs?: number;
  mix: string[];
  loadProgress?: { phase: 'probe' | 'run'; sent: number; scheduled: number };
  open?: { id: string; result: LoadTestSummary };
  openFailure?: string;
}

export interface BenchActions {
  run(): void;
  runOpen(): void;
  saveReport(requestId: string): void;
  cancel(): void;
  rerender(): void;
}

function numberField(label: string, value: number, min: number, max: number, set: (n: number) => void, testid: string, whole = true): HTMLElement {
  const tf = h('vscode-textfield', { type: 'number', min, max, 'data-testid': testid, className: 'narrow' }) as HTMLElement & { value: string };
  tf.value = String(value);
  tf.addEventListener('input', () => {
    const n = Number(tf.value);
    if ((whole ? Number.isInteger(n) : Number.isFinite(n)) && n >= min && n <= max) set(n);
  });
  return h('label', {}, `${label} `, tf);
}

export function renderBenchmark(s: BenchState, targetMs: number, pending: PendingKind | undefined, payloads: SavedPayload[], a: BenchActions): Child[] {
  const modes = h('div', { className: 'row', role: 'radiogroup', 'aria-label': 'Load mode' },
    h('vscode-button', { secondary: s.mode !== 'closed', 'data-testid': 'bench-mode-closed', onclick: () => { s.mode = 'closed'; a.rerender(); } }, 'Closed loop (concurrency)'),
    h('vscode-button', { secondary: s.mode !== 'open', 'data-testid': 'bench-mode-open', onclick: () => { s.mode = 'open'; a.rerender(); } }, 'Open loop (rate)'));
  return [h('h2', {}, 'Benchmark'), modes, ...(s.mode === 'open' ? renderOpenLoop(s, targetMs, pending, payloads, a) : renderClosedLoop(s, targetMs, pending === 'benchmark', a))];
}

function probeBox(s: BenchState): HTMLElement {
  const probe = h('vscode-checkbox', { checked: s.probe, 'data-testid': 'bench-probe' }, 'Cold-start probe first (time to first success)') as HTMLElement & { checked: boolean };
  probe.addEventListener('change', () => { s.probe = probe.checked; });
  return probe;
}

function renderClosedLoop(s: BenchState, targetMs: number, busy: boolean, a: BenchActions): Child[] {
  const probe = probeBox(s);
  const out: Child[] = [
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

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function renderOpenLoop(s: BenchState, settingTargetMs: number, pending: PendingKind | undefined, payloads: SavedPayload[], a: BenchActions): Child[] {
  const busy = pending === 'loadTest';
  const target = s.targetMs ?? settingTargetMs;
  const mix = payloads.length
    ? h('div', { className: 'row mix', 'data-testid': 'open-mix' }, h('span', { className: 'muted' }, 'Payload mix:'),
        ...payloads.map(p => {
          const cb = h('vscode-checkbox', { checked: s.mix.includes(p.name), 'data-payload': p.name }, p.name) as HTMLElement & { checked: boolean };
          cb.addEventListener('change', () => { s.mix = cb.checked ? [...new Set([...s.mix, p.name])] : s.mix.filter(n => n !== p.name); });
          return cb;
        }))
    : h('p', { className: 'muted' }, 'No saved payloads: the run sends the request above. Save payloads to send a mix.');
  const out: Child[] = [
    h('div', { className: 'row' },
      numberField('Rate (req/s)', s.rate, 0.1, LIMITS.maxRate, n => { s.rate = n; }, 'open-rate', false),
      numberField('Duration (s)', s.durationSec, 1, LIMITS.maxDurationSec, n => { s.durationSec = n; }, 'open-duration'),
      numberField('Latency target (ms)', target, 1, LIMITS.maxTargetMs, n => { s.targetMs = n; }, 'open-target'),
      probeBox(s),
      busy ? h('vscode-button', { secondary: true, onclick: a.cancel, 'data-testid': 'open-cancel' }, 'Cancel')
        : h('vscode-button', { onclick: a.runOpen, disabled: pending !== undefined && pending !== 'send', 'data-testid': 'open-run' }, 'Run open loop')),
    mix,
    h('p', { className: 'muted' }, 'Requests arrive on a Poisson process at the rate, each sent when due whatever earlier ones are doing, so queueing shows. This is real traffic.'),
  ];
  if (busy && s.loadProgress) {
    out.push(h('p', { className: 'muted', 'data-testid': 'open-progress' }, s.loadProgress.phase === 'probe' ? 'Probing cold start…' : `${s.loadProgress.sent} / ${s.loadProgress.scheduled} requests sent`));
  }
  if (s.openFailure) out.push(h('p', { className: 'error-box' }, s.openFailure));
  if (!s.open) return out;
  const { id, result: r } = s.open;
  const rep = r.report;
  const over = (v: number | undefined) => (v !== undefined && v > rep.targetMs ? 'num over' : 'num');
  out.push(
    h('table', { className: 'stats', 'data-testid': 'open-stats' },
      h('thead', {}, h('tr', {}, ...['p50', 'p95', 'p99', 'throughput', 'errors', 'goodput'].map(x => h('th', {}, x)))),
      h('tbody', {}, h('tr', {},
        h('td', { className: over(rep.latency?.p50) }, rep.latency ? ms(rep.latency.p50) : '—'),
        h('td', { className: over(rep.latency?.p95) }, rep.latency ? ms(rep.latency.p95) : '—'),
        h('td', { className: over(rep.latency?.p99) }, rep.latency ? ms(rep.latency.p99) : '—'),
        h('td', { className: 'num' }, `${rep.throughput.toFixed(2)} /s`),
        h('td', { className: rep.errors ? 'num over' : 'num', 'data-testid': 'open-errors' }, String(rep.errors)),
        h('td', { className: 'num', 'data-testid': 'open-goodput' }, pct(rep.goodput))))),
    h('p', { className: 'muted' },
      `${rep.completed} of ${rep.scheduled} scheduled requests answered, ${r.rate} req/s for ${r.durationSec} s${r.mix.length ? ` (mix: ${r.mix.join(', ')})` : ''}${r.cancelled ? ' (cancelled)' : ''}. Goodput: the share answered successfully within ${rep.targetMs} ms.`),
    h('p', { 'data-testid': 'open-cold-start' }, r.coldStart.measured
      ? `Cold start: the first request took ${ms(r.coldStart.firstMs)}, ${ms(r.coldStart.extraMs)} more than the warm p50.`
      : `Cold start not measured: ${r.coldStart.reason}.`),
    latencyOverTimeChart(r.points, rep.timeline, rep.targetMs, r.durationSec * 1000),
    r.pointsOmitted ? h('p', { className: 'muted' }, `The chart shows ${r.points.length} of ${r.points.length + r.pointsOmitted} requests, evenly spread.`) : null,
    h('div', { className: 'row' }, h('vscode-button', { secondary: true, 'data-testid': 'open-save', onclick: () => a.saveReport(id) }, 'Save Report')),
  );
  return out;
}
