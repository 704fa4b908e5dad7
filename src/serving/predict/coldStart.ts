/**
 * The load test's cold-start probe: one request timed before the run, read against the warm p50
 * of the run. A cold start is claimed only when it clearly shows; otherwise the report says why it
 * could not be measured (an instance kept warm, an instance already up, the request failed). Pure.
 */

export interface ColdStartInput {
  /** The serving revision's min instances (0 or undefined: it may scale to zero). */
  minInstances?: number;
  /** The probe: the first request's latency, and whether it succeeded. */
  firstMs?: number;
  firstOk: boolean;
  firstError?: string;
  /** p50 of the run's successful requests (warm). */
  warmP50?: number;
}

export type ColdStart =
  | { measured: true; firstMs: number; warmP50: number; extraMs: number }
  | { measured: false; reason: string; firstMs?: number };

/** A first request counts as a cold start when it took at least twice the warm p50 and 300 ms more. */
export const COLD_FACTOR = 2;
export const COLD_EXTRA_MS = 300;

export function coldStartResult(i: ColdStartInput): ColdStart {
  const f = (x: number) => `${x.toFixed(0)} ms`;
  if (i.minInstances !== undefined && i.minInstances > 0) {
    return { measured: false, firstMs: i.firstMs, reason: `min instances is ${i.minInstances}: an instance is kept warm, so requests never wait for a cold start` };
  }
  if (!i.firstOk || i.firstMs === undefined) return { measured: false, firstMs: i.firstMs, reason: `the probe request failed${i.firstError ? ` (${i.firstError})` : ''}` };
  if (i.warmP50 === undefined) return { measured: false, firstMs: i.firstMs, reason: 'no successful request in the run to compare the probe with' };
  if (i.firstMs >= COLD_FACTOR * i.warmP50 && i.firstMs - i.warmP50 >= COLD_EXTRA_MS) {
    return { measured: true, firstMs: i.firstMs, warmP50: i.warmP50, extraMs: i.firstMs - i.warmP50 };
  }
  return {
    measured: false, firstMs: i.firstMs,
    reason: `the first request (${f(i.firstMs)}) was about as fast as warm ones (p50 ${f(i.warmP50)}): an instance was already up. Cloud Run scales an idle revision to zero after some minutes without requests; run again after a quiet spell to measure a cold start`,
  };
}

/** The line the summary shows. */
export function coldStartLine(c: ColdStart): string {
  return c.measured
    ? `| cold start (first request) | ${c.firstMs.toFixed(0)} ms, ${c.extraMs.toFixed(0)} ms more than the warm p50 |`
    : `| cold start | not measured: ${c.reason.replace(/\|/g, '\\|')} |`;
}
