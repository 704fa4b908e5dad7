/**
 * The panel's two load modes. Closed loop: N requests at concurrency C with one payload (latency
 * percentiles, errors, a histogram; an optional probe first measures the time to the first success
 * while the service scales from zero). Open loop: the pure engine of serving/predict/openLoop (the
 * same as the "Open-loop Load Test" command), driven with the panel's target. No vscode import.
 */
import { MAX_CHART_POINTS, type BenchmarkSummary, type LoadTestSummary } from '../../protocol/predict';
import { coldStartLine, coldStartResult, type ColdStart } from '../../serving/predict/coldStart';
import { openLoopReport, poissonSchedule, runOpenLoop, type OpenLoopReport } from '../../serving/predict/openLoop';
import { renderOpenLoopReport } from '../../serving/predict/openLoopReport';
import { histogram, latencyStats } from '../../serving/predict/stats';

export interface Attempt {
  status: number;
  latencyMs: number;
  /** Network failure or timeout (no status). */
  error?: string;
}

export interface BenchmarkOptions {
  count: number;
  concurrency: number;
  targetMs: number;
  signal?: AbortSignal;
  /** One request; must not throw for HTTP errors (return the status), may throw on abort. */
  send(signal?: AbortSignal): Promise<Attempt>;
  /** The probe: one request retrying 503/429, resolved at the first answer. */
  probe?: (signal?: AbortSignal) => Promise<{ status: number; totalMs: number; retries: number }>;
  onProgress?(done: number, total: number, phase: 'probe' | 'run'): void;
}

export async function runBenchmark(o: BenchmarkOptions): Promise<BenchmarkSummary> {
  let coldStart: BenchmarkSummary['coldStart'];
  if (o.probe) {
    o.onProgress?.(0, 1, 'probe');
    const p = await o.probe(o.signal);
    coldStart = { timeToFirstSuccessMs: p.totalMs, retries: p.retries, status: p.status };
    o.onProgress?.(1, 1, 'probe');
  }
  const latencies: number[] = [];
  const errorsByStatus: Record<string, number> = {};
  let firstError: string | undefined;
  let next = 0;
  let done = 0;
  let cancelled = false;
  const t0 = performance.now();
  let lastReport = 0;
  const worker = async () => {
    while (next < o.count) {
      if (o.signal?.aborted) { cancelled = true; return; }
      next++;
      let a: Attempt;
      try {
        a = await o.send(o.signal);
      } catch (e) {
        if (o.signal?.aborted) { cancelled = true; return; }
        a = { status: 0, latencyMs: 0, error: (e as Error).message };
      }
      done++;
      if (a.status >= 200 && a.status < 300 && !a.error) latencies.push(a.latencyMs);
      else {
        const key = a.error ? 'network' : String(a.status);
        errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
        firstError ??= a.error ?? `HTTP ${a.status}`;
      }
      const now = performance.now();
      if (now - lastReport > 100 || done === o.count) { lastReport = now; o.onProgress?.(done, o.count, 'run'); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  const wallMs = performance.now() - t0;
  const errors = Object.values(errorsByStatus).reduce((a, b) => a + b, 0);
  return {
    count: o.count,
    concurrency: o.concurrency,
    completed: done,
    succeeded: latencies.length,
    errors,
    errorsByStatus,
    firstError,
    stats: latencyStats(latencies),
    histogram: histogram(latencies),
    wallMs,
    throughputRps: wallMs > 0 ? (done / wallMs) * 1000 : 0,
    cancelled,
    targetMs: o.targetMs,
    coldStart,
  };
}

export interface PanelLoadTestOptions {
  rate: number;
  durationSec: number;
  targetMs: number;
  seed: number;
  /** Time one first request alone before the run (the request a cold start delays). */
  probe: boolean;
  /** The mix, sent in equal shares. */
  bodies: string[];
  signal?: AbortSignal;
  /** One request; `retry` only for the probe (503/429 while scaling from zero). May throw on network errors and abort. */
  send(body: string, signal: AbortSignal | undefined, retry: boolean): Promise<{ status: number }>;
  onProgress?(phase: 'probe' | 'run', sent: number, scheduled: number): void;
  /** Clock and sleep (tests pass their own). */
  now?(): number;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface PanelLoadTestRun {
  report: OpenLoopReport;
  coldStart: ColdStart;
  points: LoadTestSummary['points'];
  pointsOmitted: number;
  /** The readable summary, as the command writes it. */
  markdown(title: string): string;
}

const abortableSleep = (ms: number, signal?: AbortSignal) => new Promise<void>(resolve => {
  const t = setTimeout(done, ms);
  function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
  signal?.addEventListener('abort', done, { once: true });
});

export async function runPanelLoadTest(o: PanelLoadTestOptions): Promise<PanelLoadTestRun> {
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? abortableSleep;
  const schedule = poissonSchedule({ ratePerSec: o.rate, durationMs: o.durationSec * 1000, seed: o.seed, weights: o.bodies.map(() => 1) });
  const ok = async (body: string, retry: boolean): Promise<{ ok: boolean; error?: string }> => {
    try {
      const r = await o.send(body, o.signal, retry);
      return r.status >= 200 && r.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${r.status}` };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  };
  let probe: { ok: boolean; error?: string; ms: number } | undefined;
  if (o.probe) {
    o.onProgress?.('probe', 0, schedule.length);
    const t0 = now();
    probe = { ...(await ok(o.bodies[0], true)), ms: now() - t0 };
  }
  let sent = 0, lastReport = 0;
  const result = await runOpenLoop(schedule, {
    now, sleep: ms => sleep(ms, o.signal),
    cancelled: () => o.signal?.aborted ?? false,
    send: async i => {
      sent++;
      const t = now();
      if (t - lastReport > 250) { lastReport = t; o.onProgress?.('run', sent, schedule.length); }
      return (await ok(o.bodies[i], false)).ok;
    },
  });
  o.onProgress?.('run', sent, schedule.length);
  const report = openLoopReport(result.samples, schedule.length, result.runMs, o.targetMs);
  const coldStart: ColdStart = probe
    ? coldStartResult({ firstMs: probe.ms, firstOk: probe.ok, firstError: probe.error, warmP50: report.latency?.p50 })
    : { measured: false, reason: 'the probe was off for this run' };
  // The chart gets at most MAX_CHART_POINTS samples, evenly spread over the run.
  const step = Math.max(1, Math.ceil(result.samples.length / MAX_CHART_POINTS));
  const points = result.samples.filter((_, i) => i % step === 0).map(s => [Math.round(s.startMs), Math.round(s.latencyMs * 10) / 10, s.ok ? 1 : 0] as [number, number, 0 | 1]);
  return {
    report, coldStart, points, pointsOmitted: result.samples.length - points.length,
    markdown: title => renderOpenLoopReport(title, o.rate, o.durationSec * 1000, report, [coldStartLine(coldStart)]),
  };
}
