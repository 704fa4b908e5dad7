/** Latency as the logs show it (entry.ts and format.ts both need it, so it sits apart: no cycle). */

/** 0.4 ms, 23 ms, 1.25 s */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
