/**
 * N requests at concurrency C with one payload: latency percentiles, errors and a histogram. An
 * optional probe first measures the time to the first success while the service scales from zero.
 * No vscode import.
 */
import type { BenchmarkSummary } from '../../protocol/predict';
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
