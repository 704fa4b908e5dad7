import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { curlCommand, shellQuote } from '../../src/serving/predict/curl';
import { errorHint } from '../../src/serving/predict/hints';
import { parseLenientJson, stringifyLenient } from '../../src/serving/predict/lenientJson';
import { detectRanked } from '../../src/serving/predict/ranked';
import { htmlErrorText, parsePredictResponse } from '../../src/serving/predict/response';
import { histogram, latencyStats, percentile } from '../../src/serving/predict/stats';
import { fixturesDir, skipWithoutFixtures } from './helpers/savedModelFixtures';

describe('predict: response parsing', () => {
  it('parses NaN, Infinity and -Infinity outside strings only', () => {
    const v = parseLenientJson('{"a": [NaN, Infinity, -Infinity, 1.5], "s": "NaN and Infinity", "e": -1e-3}') as { a: number[]; s: string; e: number };
    assert.ok(Number.isNaN(v.a[0]));
    assert.equal(v.a[1], Infinity);
    assert.equal(v.a[2], -Infinity);
    assert.equal(v.a[3], 1.5);
    assert.equal(v.s, 'NaN and Infinity');
    assert.equal(v.e, -0.001);
    assert.throws(() => parseLenientJson('{"a": NaNx}'), /not valid JSON/);
    assert.equal(stringifyLenient({ x: [NaN, -Infinity] }), '{"x":[NaN,-Infinity]}');
    assert.deepEqual(parseLenientJson('{"q": "say \\"Infinity\\""}'), { q: 'say "Infinity"' });
  });

  it('reads row and columnar responses of the TF Serving fixture cases', function () {
    skipWithoutFixtures(this);
    const cases = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'tf_serving_cases.json'), 'utf8')).cases as Array<{ id: string; expected: { http_status: number; json?: unknown; body?: string } }>;
    const byId = new Map(cases.map(c => [c.id, c]));
    const text = (id: string) => { const e = byId.get(id)!.expected; return typeof e.body === 'string' ? e.body : JSON.stringify(e.json); };
    const row = parsePredictResponse(200, text('unit_predict_latest'), ['y']);
    assert.deepEqual(row.outputs, { y: [[2.5, 3.0], [3.5, 4.0]] });
    const cols = parsePredictResponse(200, text('itest_predict_columnar'), ['y']);
    assert.deepEqual(cols.outputs, { y: [3.0, 3.5, 4.0] });
    const err = parsePredictResponse(404, text('doc_404_unknown_model'), ['y']);
    assert.equal(err.ok, false);
    assert.equal(err.error, 'Servable not found for request: Latest(half)');
  });

  it('splits multi-output row responses into one column per output', () => {
    const body = '{"predictions": [{"product_ids": ["p1", "p2"], "scores": [0.9, NaN]}, {"product_ids": ["p3", "p4"], "scores": [0.5, 0.1]}]}';
    const r = parsePredictResponse(200, body, ['product_ids', 'scores']);
    assert.deepEqual(r.outputs!.product_ids, [['p1', 'p2'], ['p3', 'p4']]);
    assert.ok(Number.isNaN((r.outputs!.scores as number[][])[0][1]));
  });

  it('shows front-end HTML error pages as text and flags bodies that are not JSON', () => {
    const html = '<html><head><title>403 Forbidden</title></head><body><h1>Error: Forbidden</h1><h2>Your client does not have permission to get URL <code>/v1/models/m:predict</code> from this server.</h2></body></html>';
    const r = parsePredictResponse(403, html, []);
    assert.equal(r.error, '403 Forbidden — Error: Forbidden — Your client does not have permission to get URL /v1/models/m:predict from this server.');
    assert.equal(htmlErrorText('<h1>A &amp; B</h1>'), 'A & B');
    assert.match(parsePredictResponse(200, '{"predictions": [1,', []).parseError!, /not valid JSON/);
    assert.equal(parsePredictResponse(500, '', []).error, 'HTTP 500 with an empty body');
  });

  it('finds ids + scores of equal length and builds ranked rows', () => {
    const t = detectRanked({ product_ids: [['a', 'b', 'c'], ['d', 'e', 'f']], scores: [[0.9, 0.5, 0.1], [0.8, 0.7, 0.6]] });
    assert.ok(t);
    assert.equal(t.idsOutput, 'product_ids');
    assert.equal(t.scoresOutput, 'scores');
    assert.deepEqual(t.instances[1][0], { rank: 1, id: 'd', score: 0.8 });
    assert.equal(detectRanked({ product_ids: [['a', 'b']], scores: [[0.9]] }), undefined, 'lengths differ');
    assert.equal(detectRanked({ y: [[3.0], [3.5]] }), undefined, 'a plain regression output');
    const classes = detectRanked({ classes: [['0', '1']], scores: [[0.3, 0.7]] });
    assert.equal(classes?.idsOutput, 'classes');
    const flat = detectRanked({ item_ids: [7, 9], similarity: [0.2, 0.1] });
    assert.deepEqual(flat?.instances, [[{ rank: 1, id: '7', score: 0.2 }, { rank: 2, id: '9', score: 0.1 }]]);
  });
});

describe('predict: error hints', () => {
  const base = { modelName: 'recs', serviceId: 'recs-svc', region: 'us-central1' };
  it('names the identity and roles/run.invoker on 403, and explains 401', () => {
    const h = errorHint({ ...base, status: 403, error: '403 Forbidden', identity: 'dev@example.com' })!;
    assert.match(h, /dev@example\.com/);
    assert.match(h, /roles\/run\.invoker/);
    assert.match(h, /--member=user:dev@example\.com/);
    assert.match(errorHint({ ...base, status: 403, identity: 'sa@p.iam.gserviceaccount.com' })!, /serviceAccount:sa@p/);
    assert.match(errorHint({ ...base, status: 403, anonymous: true })!, /no ID token/);
    assert.match(errorHint({ ...base, status: 401, identity: 'dev@example.com' })!, /audience must be the service URL/);
  });

  it('recognises model name mismatches, unknown inputs, signatures and missing ops', () => {
    assert.match(errorHint({ ...base, status: 404, error: 'Servable not found for request: Latest(half)' })!, /Model name mismatch: .*"half".*"recs"/);
    assert.match(errorHint({ ...base, status: 400, error: 'JSON object: does not have named input: town', inputNames: ['city'] })!, /"town" is not an input .*city/);
    assert.match(errorHint({ ...base, status: 400, error: 'Serving signature name: "x" not found in signature def', signatureNames: ['serving_default'] })!, /no signature "x"; it has serving_default/);
    assert.match(errorHint({ ...base, status: 404, error: "Op type not registered 'Scann>ScannSearchBatched' in binary running on abc." })!, /Python server/);
    assert.match(errorHint({ ...base, status: 503, retries: 3 })!, /after 3 retries/);
    assert.equal(errorHint({ ...base, status: 500, error: 'something new' }), undefined);
  });
});

describe('predict: curl and latency statistics', () => {
  it('writes curl with gcloud for the token, the body quoted for the shell', () => {
    const c = curlCommand({ url: 'https://recs-abc-uc.a.run.app/', path: '/v1/models/recs:predict', body: '{\n "instances": [{"city": "O\'Hare"}]\n}', authenticated: true });
    assert.equal(c, [
      "curl -sS -X POST 'https://recs-abc-uc.a.run.app/v1/models/recs:predict'",
      '-H "Authorization: Bearer $(gcloud auth print-identity-token)"',
      "-H 'Content-Type: application/json'",
      `-d '{"instances":[{"city":"O'\\''Hare"}]}'`,
    ].join(' \\\n  '));
    assert.doesNotMatch(curlCommand({ url: 'http://x', path: '/v1/models/m', authenticated: false }), /Authorization/);
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });

  it('computes nearest-rank percentiles and the max', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1).reverse();
    const s = latencyStats(samples)!;
    assert.deepEqual([s.count, s.min, s.p50, s.p95, s.p99, s.max, s.mean], [100, 1, 50, 95, 99, 100, 50.5]);
    assert.equal(percentile([5], 99), 5);
    assert.equal(latencyStats([]), undefined);
  });

  it('bins latencies into a histogram that counts every sample', () => {
    const samples = [10.2, 11.7, 12.1, 12.9, 15, 19.99, 30];
    const bins = histogram(samples, 10);
    assert.equal(bins.reduce((n, b) => n + b.count, 0), samples.length);
    assert.ok(bins[0].from <= 10.2 && bins[bins.length - 1].to >= 30, 'covers the range');
    assert.ok(bins.length <= 11);
    for (let i = 1; i < bins.length; i++) assert.equal(bins[i].from, bins[i - 1].to, 'contiguous');
    assert.deepEqual(histogram([7, 7, 7]).map(b => b.count), [3]);
  });
});
