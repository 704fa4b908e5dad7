import { strict as assert } from 'node:assert';
import { compareRankings, compareRequest, percentile, rankingsFromResponse, summarize } from '../../src/serving/compare/metrics';

/** Seeded LCG so the random cases are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Independent reference: Pearson correlation of the shared items' positions (equals Spearman without ties). */
function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b) / x.length, my = y.reduce((a, b) => a + b) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; syy += (y[i] - my) ** 2; }
  return sxy / Math.sqrt(sxx * syy);
}
function reference(a: string[], b: string[], k: number) {
  const ta = a.slice(0, k), tb = b.slice(0, k);
  const shared = ta.filter(x => tb.includes(x));
  const union = ta.concat(tb.filter(x => !ta.includes(x)));
  // Ranks within the shared set, by position in each list.
  const ra = shared.map(id => shared.filter(o => ta.indexOf(o) < ta.indexOf(id)).length);
  const rb = shared.map(id => shared.filter(o => tb.indexOf(o) < tb.indexOf(id)).length);
  return { recall: shared.length / ta.length, jaccard: shared.length / union.length, spearman: shared.length >= 2 ? pearson(ra, rb) : null };
}

describe('compare metrics', () => {
  it('recall@K, Jaccard@K and Spearman agree with an independent computation on random rankings', () => {
    const r = rng(7);
    for (let t = 0; t < 200; t++) {
      const items = Array.from({ length: 30 }, (_, i) => `p${i}`);
      const shuffle = (xs: string[]) => xs.map(x => [r(), x] as const).sort((p, q) => p[0] - q[0]).map(([, x]) => x);
      const a = shuffle(items), b = r() < 0.5 ? shuffle(items) : [...a.slice(0, 5), ...shuffle(a.slice(5))];
      const k = 1 + Math.floor(r() * 15);
      const got = compareRankings({ ids: a }, { ids: b }, k);
      const want = reference(a, b, k);
      assert.ok(Math.abs(got.recall - want.recall) < 1e-12, `recall case ${t}`);
      assert.ok(Math.abs(got.jaccard - want.jaccard) < 1e-12, `jaccard case ${t}`);
      if (want.spearman === null || Number.isNaN(want.spearman)) assert.ok(got.spearman === null || want.spearman !== null, `spearman null case ${t}`);
      else assert.ok(Math.abs(got.spearman! - want.spearman) < 1e-9, `spearman case ${t}: ${got.spearman} vs ${want.spearman}`);
    }
  });

  it('finds the largest score change among shared items, and a hand-checked case', () => {
    const c = compareRankings({ ids: ['a', 'b', 'c', 'd'], scores: [4, 3, 2, 1] }, { ids: ['b', 'a', 'e', 'c'], scores: [3.5, 3.4, 3, 0.5] }, 4);
    assert.equal(c.recall, 3 / 4);
    assert.equal(c.jaccard, 3 / 5);
    // shared a,b,c: ranks A (0,1,2), B (1,0,2) → d² = 1+1+0 = 2, rho = 1 - 6·2/(3·8) = 0.5
    assert.equal(c.spearman, 0.5);
    assert.deepEqual(c.maxScoreChange, { id: 'c', a: 2, b: 0.5, delta: -1.5 });
  });

  it('percentiles are nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), null);
  });

  it('summarizes errors either side and says not to promote a version that fails more', () => {
    const ok = (ids: string[], ms: number) => ({ ms, rankings: [{ ids }] });
    const rows = [
      compareRequest('r1', ok(['a', 'b'], 10), ok(['a', 'b'], 12), 2),
      compareRequest('r2', ok(['a', 'b'], 20), { ms: 5, error: 'HTTP 500' }, 2),
    ];
    const s = summarize(rows, 2, { a: 'rev-a', b: 'rev-b' });
    assert.equal(s.errorsA, 0);
    assert.equal(s.errorsB, 1);
    assert.equal(s.recall, 1);
    assert.deepEqual(s.latencyA, { p50: 10, p99: 20 });
    assert.deepEqual(s.latencyB, { p50: 12, p99: 12 });
    assert.match(s.verdict, /^Do not promote rev-b: it failed 1 of 2/);
    const same = summarize([rows[0]], 2, { a: 'rev-a', b: 'rev-b' });
    assert.match(same.verdict, /rev-b ranks like rev-a \(recall@2 100%\)/);
  });

  it('reads rankings from row and column answers', () => {
    assert.deepEqual(rankingsFromResponse({ predictions: [{ product_ids: ['x', 'y'], scores: [2, 1] }] }), [{ ids: ['x', 'y'], scores: [2, 1] }]);
    assert.deepEqual(rankingsFromResponse({ outputs: { product_ids: [['x'], ['z']], scores: [[1], [3]] } }), [{ ids: ['x'], scores: [1] }, { ids: ['z'], scores: [3] }]);
    assert.deepEqual(rankingsFromResponse({ predictions: [[0.1, 0.9, 0.5]] }), [{ ids: ['1', '2', '0'], scores: [0.9, 0.5, 0.1] }]);
    assert.throws(() => rankingsFromResponse({ nope: 1 }), /neither "predictions" nor "outputs"/);
  });
});
