/** Latency statistics of a benchmark: nearest-rank percentiles and histogram bins. */

export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending list (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function latencyStats(samples: number[]): LatencyStats | undefined {
  if (!samples.length) return undefined;
  const s = [...samples].sort((a, b) => a - b);
  return {
    count: s.length,
    min: s[0],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1],
  };
}

export interface HistogramBin {
  /** Inclusive lower edge, ms. */
  from: number;
  /** Exclusive upper edge (inclusive for the last bin), ms. */
  to: number;
  count: number;
}

/** Equal-width bins from min to max; the width is rounded to a readable step. */
export function histogram(samples: number[], maxBins = 20): HistogramBin[] {
  if (!samples.length) return [];
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  const raw = (max - min) / maxBins || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 2.5, 5, 10].map(m => m * mag).find(w => w >= raw) ?? raw;
  const start = Math.floor(min / width) * width;
  const n = Math.max(1, Math.ceil((max - start) / width + 1e-9) || 1);
  const bins: HistogramBin[] = Array.from({ length: n }, (_, i) => ({ from: round(start + i * width), to: round(start + (i + 1) * width), count: 0 }));
  for (const x of samples) bins[Math.min(n - 1, Math.floor((x - start) / width))].count++;
  return bins;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
