/** Small statistics for the benchmark: medians and percentiles of samples. */

export function median(samples: number[]): number {
  if (!samples.length) throw new Error('samples: expected at least one value');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) throw new Error('samples: expected at least one value');
  if (!(p >= 0 && p <= 100)) throw new Error(`p: expected 0..100, got ${p}`);
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}

/** Rounds for display and JSON: 2 decimals below 100, 1 below 10,000, integers above. */
export function round(v: number): number {
  const a = Math.abs(v);
  return a < 100 ? Math.round(v * 100) / 100 : a < 10_000 ? Math.round(v * 10) / 10 : Math.round(v);
}
