/**
 * Recommenders answer with ids and scores (`product_ids` [-1,10] and `scores` [-1,10]): shown as a
 * ranked table per instance instead of two tensors.
 */

export interface RankedRow {
  rank: number;
  id: string;
  score: number;
}

export interface RankedTable {
  idsOutput: string;
  scoresOutput: string;
  /** One list of rows per instance. */
  instances: RankedRow[][];
}

const ID_NAME = /(^|_)(ids?|item|items|product|products|class|classes|label|labels|candidates?|titles?|names?|keys?|tokens?|movies?|docs?|documents?)($|_)/i;
const SCORE_NAME = /(score|prob|logit|similarit|distance|rating|affinit|relevance|weight)/i;

const isIdLike = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));

/** Per-instance lists from an output column: [[...k], ...] batched, or [...k] for one instance. */
function perInstance(v: unknown, test: (x: unknown) => boolean): unknown[][] | undefined {
  if (!Array.isArray(v) || !v.length) return undefined;
  if (v.every(row => Array.isArray(row) && row.every(test))) return v as unknown[][];
  if (v.every(test)) return [v];
  return undefined;
}

export function detectRanked(outputs: Record<string, unknown>): RankedTable | undefined {
  const names = Object.keys(outputs);
  const ids = names.map(n => ({ n, v: perInstance(outputs[n], isIdLike) })).filter(c => c.v);
  const scores = names.map(n => ({ n, v: perInstance(outputs[n], x => typeof x === 'number') })).filter(c => c.v);
  // Prefer names that say what they are; a numeric output may qualify as ids only by its name.
  const idCands = ids.filter(c => ID_NAME.test(c.n) || (c.v!.flat().some(x => typeof x === 'string')));
  const scoreCands = scores.filter(c => SCORE_NAME.test(c.n));
  for (const i of idCands.sort((a, b) => Number(ID_NAME.test(b.n)) - Number(ID_NAME.test(a.n)))) {
    for (const s of scoreCands) {
      if (s.n === i.n) continue;
      const a = i.v!;
      const b = s.v!;
      if (a.length !== b.length || a.some((row, k) => row.length !== b[k].length || row.length === 0)) continue;
      return {
        idsOutput: i.n,
        scoresOutput: s.n,
        instances: a.map((row, k) => row.map((id, j) => ({ rank: j + 1, id: String(id), score: b[k][j] as number }))),
      };
    }
  }
  return undefined;
}
