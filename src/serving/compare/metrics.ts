/**
 * Comparing two serving versions on the same requests: overlap of the top-K item ids (recall of
 * A's top-K in B's, Jaccard@K), Spearman rank correlation of the shared items, the largest score
 * change, errors either side, latency percentiles, and one verdict. Pure: the caller sends.
 */

export interface Ranking {
  /** Item ids, best first. */
  ids: string[];
  /** Scores aligned with ids, when the model returns them. */
  scores?: number[];
}

/** One side's answer to one request: the rankings (one per instance) or an error. */
export interface SideResult {
  ms: number;
  rankings?: Ranking[];
  error?: string;
}

export interface RankingComparison {
  recall: number;
  jaccard: number;
  /** Spearman's rho over the items in both top-Ks; null with fewer than 2 shared items. */
  spearman: number | null;
  /** Largest |score_B - score_A| over shared items, with the item; null without scores. */
  maxScoreChange: { id: string; a: number; b: number; delta: number } | null;
}

export interface RequestRow {
  name: string;
  a: SideResult;
  b: SideResult;
  /** Per instance; empty when either side failed or the answers differ in length. */
  instances: RankingComparison[];
  /** Means over the instances (null when none). */
  recall: number | null;
  jaccard: number | null;
  spearman: number | null;
  maxScoreChange: RankingComparison['maxScoreChange'];
  note?: string;
}

export interface CompareSummary {
  k: number;
  requests: number;
  instances: number;
  recall: number | null;
  jaccard: number | null;
  spearman: number | null;
  maxScoreChange: (RankingComparison['maxScoreChange'] & { request: string }) | null;
  errorsA: number;
  errorsB: number;
  latencyA: { p50: number; p99: number } | null;
  latencyB: { p50: number; p99: number } | null;
  verdict: string;
}

/** Spearman's rho of two rank lists over the same items (no ties: ranks are positions). */
export function spearman(ranksA: number[], ranksB: number[]): number | null {
  const n = ranksA.length;
  if (n < 2) return null;
  // Re-rank within the shared items so the formula's 1..n assumption holds.
  const rerank = (r: number[]) => {
    const order = r.map((v, i) => [v, i]).sort((x, y) => x[0] - y[0]);
    const out = new Array<number>(n);
    order.forEach(([, i], pos) => { out[i] = pos + 1; });
    return out;
  };
  const a = rerank(ranksA), b = rerank(ranksB);
  const d2 = a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

export function compareRankings(a: Ranking, b: Ranking, k: number): RankingComparison {
  const topA = a.ids.slice(0, k), topB = b.ids.slice(0, k);
  const posB = new Map<string, number>();
  topB.forEach((id, i) => { if (!posB.has(id)) posB.set(id, i); });
  const setA = new Set(topA);
  const shared = [...setA].filter(id => posB.has(id));
  const union = new Set([...topA, ...topB]);
  const posA = new Map<string, number>();
  topA.forEach((id, i) => { if (!posA.has(id)) posA.set(id, i); });
  let maxScoreChange: RankingComparison['maxScoreChange'] = null;
  if (a.scores && b.scores) {
    for (const id of shared) {
      const sa = a.scores[posA.get(id)!], sb = b.scores[posB.get(id)!];
      const delta = sb - sa;
      if (Number.isFinite(delta) && (!maxScoreChange || Math.abs(delta) > Math.abs(maxScoreChange.delta))) maxScoreChange = { id, a: sa, b: sb, delta };
    }
  }
  return {
    recall: setA.size ? shared.length / setA.size : 1,
    jaccard: union.size ? shared.length / union.size : 1,
    spearman: spearman(shared.map(id => posA.get(id)!), shared.map(id => posB.get(id)!)),
    maxScoreChange,
  };
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const biggest = <T extends { delta: number }>(xs: Array<T | null>): T | null =>
  xs.reduce<T | null>((best, x) => (x && (!best || Math.abs(x.delta) > Math.abs(best.delta)) ? x : best), null);

/** Nearest-rank percentile (p in 0..100) of the values; null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function compareRequest(name: string, a: SideResult, b: SideResult, k: number): RequestRow {
  const row: RequestRow = { name, a, b, instances: [], recall: null, jaccard: null, spearman: null, maxScoreChange: null };
  if (a.error || b.error || !a.rankings || !b.rankings) return row;
  if (a.rankings.length !== b.rankings.length) {
    row.note = `A answered ${a.rankings.length} instances, B ${b.rankings.length}`;
    return row;
  }
  row.instances = a.rankings.map((ra, i) => compareRankings(ra, b.rankings![i], k));
  row.recall = mean(row.instances.map(c => c.recall));
  row.jaccard = mean(row.instances.map(c => c.jaccard));
  row.spearman = mean(row.instances.map(c => c.spearman).filter((x): x is number => x !== null));
  row.maxScoreChange = biggest(row.instances.map(c => c.maxScoreChange));
  return row;
}

export function summarize(rows: RequestRow[], k: number, names = { a: 'A', b: 'B' }): CompareSummary {
  const all = rows.flatMap(r => r.instances);
  const lat = (side: 'a' | 'b') => {
    const ms = rows.filter(r => !r[side].error).map(r => r[side].ms);
    return ms.length ? { p50: percentile(ms, 50)!, p99: percentile(ms, 99)! } : null;
  };
  const big = biggest(rows.map(r => (r.maxScoreChange ? { ...r.maxScoreChange, request: r.name } : null)));
  const s: CompareSummary = {
    k, requests: rows.length, instances: all.length,
    recall: mean(all.map(c => c.recall)), jaccard: mean(all.map(c => c.jaccard)),
    spearman: mean(all.map(c => c.spearman).filter((x): x is number => x !== null)),
    maxScoreChange: big,
    errorsA: rows.filter(r => r.a.error).length, errorsB: rows.filter(r => r.b.error).length,
    latencyA: lat('a'), latencyB: lat('b'), verdict: '',
  };
  s.verdict = verdict(s, names);
  return s;
}

/** One line a user can act on. Thresholds are deliberately plain: they explain themselves. */
export function verdict(s: Omit<CompareSummary, 'verdict'>, n: { a: string; b: string }): string {
  if (!s.requests) return 'No requests were compared.';
  if (s.errorsB > s.errorsA) return `Do not promote ${n.b}: it failed ${s.errorsB} of ${s.requests} requests (${n.a}: ${s.errorsA}).`;
  if (s.recall === null) return `No rankings to compare (${n.a} failed ${s.errorsA}, ${n.b} failed ${s.errorsB} of ${s.requests}).`;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const slower = s.latencyA && s.latencyB && s.latencyB.p99 > 1.5 * s.latencyA.p99 + 5;
  const speed = slower ? ` but its p99 latency is ${s.latencyB!.p99.toFixed(0)} ms vs ${s.latencyA!.p99.toFixed(0)} ms` : '';
  if (s.recall >= 0.9) return `${n.b} ranks like ${n.a} (recall@${s.k} ${pct(s.recall)})${speed}: ${slower ? 'check its latency before promoting' : 'safe to promote on these requests'}.`;
  if (s.recall >= 0.5) return `${n.b} changes part of the top ${s.k} (recall@${s.k} ${pct(s.recall)}, Jaccard ${pct(s.jaccard!)})${speed}: review the rows that moved most before promoting.`;
  return `${n.b} ranks very differently from ${n.a} (recall@${s.k} ${pct(s.recall)})${speed}: promote only if that change is intended.`;
}

/**
 * Rankings from a TF Serving REST predict answer: `predictions` (rows) or `outputs` (columns);
 * ids from the output holding string lists (or `idsOutput`), scores from the numeric one (or
 * `scoresOutput`). A model with scores only ranks item indices by score.
 */
export function rankingsFromResponse(body: unknown, opts: { idsOutput?: string; scoresOutput?: string } = {}): Ranking[] {
  const o = body as { predictions?: unknown; outputs?: unknown };
  let rows: unknown[];
  if (Array.isArray(o?.predictions)) rows = o.predictions;
  else if (o?.outputs !== undefined && typeof o.outputs === 'object' && o.outputs !== null && !Array.isArray(o.outputs)) {
    const cols = o.outputs as Record<string, unknown[]>;
    const n = Math.max(0, ...Object.values(cols).map(v => (Array.isArray(v) ? v.length : 0)));
    rows = Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Array.isArray(v) ? v[i] : v])));
  } else if (Array.isArray(o?.outputs)) rows = o.outputs;
  else throw new Error('the answer has neither "predictions" nor "outputs"');
  return rows.map((r, i) => {
    const named: Record<string, unknown> = typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : { output: r };
    const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === 'string' || typeof x === 'number') && v.some(x => typeof x === 'string');
    const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every(x => typeof x === 'number');
    const idsKey = opts.idsOutput ?? Object.keys(named).find(k => isStrings(named[k]));
    const scoresKey = opts.scoresOutput ?? Object.keys(named).find(k => isNumbers(named[k]));
    const scores = scoresKey && isNumbers(named[scoresKey]) ? named[scoresKey] : undefined;
    if (idsKey && isStrings(named[idsKey])) return { ids: named[idsKey].map(String), scores };
    if (scores) {
      const order = scores.map((s, j) => [s, j] as const).sort((x, y) => y[0] - x[0]);
      return { ids: order.map(([, j]) => String(j)), scores: order.map(([s]) => s) };
    }
    throw new Error(`prediction ${i}: no output with item ids or scores (outputs: ${Object.keys(named).join(', ')})`);
  });
}
