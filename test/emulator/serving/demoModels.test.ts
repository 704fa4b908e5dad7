import { strict as assert } from 'node:assert';
import { CATALOG } from '../demo/catalog';
import { DEMO_MODELS, libraryOnlyOps } from '../demo/models';
import { startServingStandIn } from './standIn';

const model = (id: string) => DEMO_MODELS.find(m => m.id === id)!;

describe('demo models', function () {
  this.timeout(10_000);

  it('the ScaNN retrieval model names its ScaNN ops only inside a library function', () => {
    const scann = model('retrieval_scann').spec;
    assert.deepEqual(libraryOnlyOps(scann), ['Scann>ScannSearchBatched', 'Scann>ScannToTensors']);
    const holder = scann.libraryFunctions!.filter(f => f.ops.some(op => op.startsWith('Scann>')));
    assert.deepEqual(holder.map(f => f.name), ['__inference_call_1234']);
    assert.equal(libraryOnlyOps(model('retrieval_bruteforce').spec).length, 0);
    assert.ok(model('retrieval_bruteforce').spec.libraryFunctions!.some(f => f.ops.includes('TopKV2') && f.ops.includes('MatMul')));
  });

  it('catalog: a few hundred distinct products', () => {
    assert.ok(CATALOG.length >= 200 && CATALOG.length <= 500, `${CATALOG.length}`);
    assert.equal(new Set(CATALOG.map(p => p.id)).size, CATALOG.length);
  });

  it('retrieval: top-10 catalog products per customer, scores descending, stable across calls, over REST', async () => {
    const m = model('retrieval_bruteforce');
    const s = await startServingStandIn({
      modelName: 'retrieval', versions: [{ version: '1', signatures: m.spec.signatures }],
      auth: { public: true, verify: () => { throw new Error('public'); } }, predictor: m.predictor, log: () => undefined,
    });
    try {
      const ask = async () => JSON.parse(await (await fetch(`${s.url}/v1/models/retrieval:predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: [{ customer_id: 'C042', city: 'Lyon', revenue: 120.5 }, { customer_id: 'C043', city: 'Oslo', revenue: 3 }] }),
      })).text()) as { predictions: Array<{ product_ids: string[]; scores: number[] }> };
      const a = await ask();
      assert.equal(a.predictions.length, 2);
      const ids = new Set(CATALOG.map(p => p.id));
      for (const p of a.predictions) {
        assert.equal(p.product_ids.length, 10);
        assert.ok(p.product_ids.every(id => ids.has(id)));
        assert.deepEqual([...p.scores].sort((x, y) => y - x), p.scores);
      }
      assert.notDeepEqual(a.predictions[0].product_ids, a.predictions[1].product_ids);
      assert.deepEqual(await ask(), a);
    } finally {
      await s.close();
    }
  });

  it('ranking: a rating in [1, 5] per pair, shape [-1, 1]', async () => {
    const out = await model('ranking').predictor('serving_default', { customer_id: ['C1', 'C1', 'C2'], product_id: ['P00001', 'P00002', 'P00001'] });
    const rating = out.rating as number[][];
    assert.equal(rating.length, 3);
    assert.ok(rating.every(r => r.length === 1 && r[0] >= 1 && r[0] <= 5));
    assert.notEqual(rating[0][0], rating[1][0]);
  });
});
