import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { Signature } from '../../../src/serving/savedModel/types';
import { formatDecimal } from './json/numbers';
import { startServingStandIn, TfServingError, type StandIn, type StandInLog, type StandInOptions } from './standIn';

const predictSig = (inputs: Signature['inputs'], outputs: Signature['outputs']): Signature => ({ methodName: 'tensorflow/serving/predict', inputs, outputs });
const SIG = predictSig({ x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1] } }, { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1] } });
const verifyToken = (t: string, aud: string) => { if (t !== `good-for:${aud}`) throw new Error('bad token'); return { email: 'a@example.com' }; };

async function withStandIn(o: Partial<StandInOptions>, body: (s: StandIn, logs: StandInLog[]) => Promise<void>): Promise<void> {
  const logs: StandInLog[] = [];
  const s = await startServingStandIn({
    modelName: 'm', versions: [{ version: '3', signatures: { serving_default: SIG } }],
    auth: { public: true, verify: verifyToken }, log: e => logs.push(e),
    predictor: (_sig, inputs) => ({ y: (inputs.x as number[]).map(v => v + 1) }), ...o,
  });
  try { await body(s, logs); } finally { await s.close(); }
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

describe('serving stand-in', function () {
  this.timeout(10_000);

  it('numbers: six digits unless that loses the value, .0 for whole numbers, NaN/Infinity bare', () => {
    assert.equal(formatDecimal(3, 'float'), '3.0');
    assert.equal(formatDecimal(0.1, 'float'), '0.1');
    assert.equal(formatDecimal(9000000, 'float'), '9e+06');
    assert.equal(formatDecimal(555557.5, 'float'), '555557.5');
    assert.equal(formatDecimal(1 / 3, 'double'), '0.33333333333333331');
    assert.equal(formatDecimal(-Infinity, 'float'), '-Infinity');
  });

  it('listens on 127.0.0.1 only and reuses keep-alive connections', async () => {
    await withStandIn({}, async s => {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const ports: number[] = [];
      for (let k = 0; k < 3; k++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request(`${s.url}/v1/models/m`, { agent }, res => {
            ports.push(res.socket.localPort ?? -1);
            res.resume().on('end', () => resolve());
          });
          req.on('error', reject).end();
        });
      }
      agent.destroy();
      assert.equal(new Set(ports).size, 1, `one socket for three requests, got ports ${ports}`);
    });
  });

  it('private service: 403 without a token, 401 with a bad one, 200 with one for its URL; setPublic opens it', async () => {
    await withStandIn({ auth: { public: false, verify: verifyToken } }, async (s, logs) => {
      const none = await post(`${s.url}/v1/models/m:predict`, { instances: [1] });
      assert.equal(none.status, 403);
      assert.match(await none.text(), /<title>403 Forbidden<\/title>[\s\S]*\/v1\/models\/m:predict/);
      const bad = await post(`${s.url}/v1/models/m:predict`, { instances: [1] }, { Authorization: 'Bearer good-for:https://elsewhere' });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
      const good = await post(`${s.url}/v1/models/m:predict`, { instances: [1] }, { Authorization: `Bearer good-for:${s.url}` });
      assert.equal(good.status, 200);
      assert.equal(await good.text(), '{\n    "predictions": [2.0\n    ]\n}');
      s.setPublic(true);
      assert.equal((await post(`${s.url}/v1/models/m:predict`, { instances: [1] })).status, 200);
      const statuses = logs.filter(l => l.logName === 'requests').map(l => [l.httpRequest?.status, l.severity]);
      assert.deepEqual(statuses, [[403, 'WARNING'], [401, 'WARNING'], [200, 'INFO'], [200, 'INFO']]);
      assert.match(logs.find(l => l.httpRequest?.status === 200)!.httpRequest!.latency, /^\d+\.\d{9}s$/);
    });
  });

  it('non-invokers get 403 with the "not authorized" log line', async () => {
    await withStandIn({ auth: { public: false, verify: verifyToken, isInvoker: () => false } }, async (s, logs) => {
      const r = await fetch(`${s.url}/v1/models/m`, { headers: { Authorization: `Bearer good-for:${s.url}` } });
      assert.equal(r.status, 403);
      assert.match(logs.find(l => l.logName === 'requests')!.textPayload ?? '', /not authorized to invoke/);
    });
  });

  it('cold start holds requests until the model is loaded, then answers AVAILABLE', async () => {
    const t0 = Date.now();
    await withStandIn({ coldStartMs: 400 }, async (s, logs) => {
      const r = await fetch(`${s.url}/v1/models/m/versions/3`);
      assert.ok(Date.now() - t0 >= 380, `answered after ${Date.now() - t0} ms`);
      assert.match(await r.text(), /"state": "AVAILABLE"/);
      const stderr = logs.filter(l => l.logName === 'stderr').map(l => l.textPayload ?? '');
      assert.ok(stderr.some(l => l.includes('Successfully loaded servable version {name: m version: 3}')));
      assert.ok(stderr.some(l => l.includes('Exporting HTTP/REST API at:localhost:8501')));
    });
  });

  it('faults: 503 for the next predicts, then added latency', async () => {
    let failures = 2;
    await withStandIn({ faults: { takePredictFailure: () => failures-- > 0, addedLatencyMs: () => 150 } }, async (s, logs) => {
      const statuses: number[] = [];
      for (let k = 0; k < 3; k++) statuses.push((await post(`${s.url}/v1/models/m:predict`, { instances: [1] })).status);
      assert.deepEqual(statuses, [503, 503, 200]);
      assert.match(logs.find(l => l.httpRequest?.status === 503)!.textPayload ?? '', /HTTP response was malformed/);
      const last = logs.filter(l => l.httpRequest?.status === 200).pop()!;
      assert.ok(parseFloat(last.httpRequest!.latency) >= 0.14, last.httpRequest!.latency);
      assert.equal((await fetch(`${s.url}/v1/models/m`)).status, 200, 'status calls are not predicts');
    });
  });

  it('without a predictor: declared dtypes and shapes, same input -> same output, x-emulated-outputs', async () => {
    const sig = predictSig(
      { q: { name: 'q:0', dtype: 'DT_STRING', shape: [-1] } },
      { ids: { name: 'a:0', dtype: 'DT_STRING', shape: [-1, 3] }, scores: { name: 'b:0', dtype: 'DT_FLOAT', shape: [-1, 3] }, n: { name: 'c:0', dtype: 'DT_INT64', shape: [-1] } },
    );
    await withStandIn({ versions: [{ version: '1', signatures: { serving_default: sig } }], predictor: undefined }, async s => {
      const a = await post(`${s.url}/v1/models/m:predict`, { inputs: { q: ['u1', 'u2'] } });
      assert.equal(a.headers.get('x-emulated-outputs'), 'true');
      const body = JSON.parse(await a.text()) as { outputs: { ids: string[][]; scores: number[][]; n: number[] } };
      assert.equal(body.outputs.ids.length, 2);
      assert.ok(body.outputs.ids.every(r => r.length === 3 && r.every(x => typeof x === 'string')));
      assert.ok(body.outputs.scores.flat().every(x => typeof x === 'number' && x >= 0 && x < 1));
      assert.ok(body.outputs.n.every(Number.isInteger));
      const again = JSON.parse(await (await post(`${s.url}/v1/models/m:predict`, { inputs: { q: ['u1', 'u2'] } })).text());
      assert.deepEqual(again, body);
      const other = JSON.parse(await (await post(`${s.url}/v1/models/m:predict`, { inputs: { q: ['u3', 'u2'] } })).text());
      assert.notDeepEqual(other, body);
    });
  });

  it('validation errors name the field, with TF Serving texts and statuses', async () => {
    const sig = predictSig(
      { a: { name: 'a:0', dtype: 'DT_INT32', shape: [-1] }, b: { name: 'b:0', dtype: 'DT_STRING', shape: [-1] } },
      { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1] } },
    );
    await withStandIn({ versions: [{ version: '1', signatures: { serving_default: sig } }], predictor: undefined }, async s => {
      const cases: Array<[unknown, number, RegExp]> = [
        [{ instances: [{ a: 1 }] }, 400, /keys must be equal to: a,b/],
        [{ instances: [{ a: 1.5, b: 'x' }] }, 400, /key: a of 'instances' list\. Error: INVALID_ARGUMENT: JSON Value: 1\.5 Type: Number is not of expected type: int32/],
        [{ instances: [{ a: 1, b: 'x', c: 2 }] }, 400, /does not have named input: c/],
        [{ inputs: { a: [1] } }, 400, /Missing named input: b in 'inputs' object\./],
        [{ instances: [1, 2] }, 400, /instances is a plain list, but expecting list of objects/],
        [{ instances: [{ a: 1, b: 'x' }], inputs: {} }, 400, /expecting only one of 'inputs' or 'instances'/],
        [{ signature_name: 'nope', instances: [1] }, 400, /Serving signature name: "nope" not found in signature def/],
        [{ inputs: { a: [[1, 2], [3]], b: ['x', 'y'] } }, 400, /Encountered list at unexpected size: 1 at level: 1 expected size: 2/],
        [{ instances: [{ a: 1, b: { b64: '!!' } }] }, 400, /Unable to base64 decode/],
        ['{"instances": [1,]}', 400, /JSON Parse error: Invalid value\. at offset: 17/],
      ];
      for (const [body, status, message] of cases) {
        const r = await post(`${s.url}/v1/models/m:predict`, body);
        const text = await r.text();
        assert.equal(r.status, status, text);
        assert.match(JSON.parse(text).error, message);
      }
      const gone = await post(`${s.url}/v1/models/m/versions/9:predict`, { instances: [1] });
      assert.equal(gone.status, 404);
      assert.equal(JSON.parse(await gone.text()).error, 'Servable not found for request: Specific(m, 9)');
      const get = await fetch(`${s.url}/v1/models/m:predict`);
      assert.equal(get.status, 400);
      assert.equal(JSON.parse(await get.text()).error, 'Malformed request: GET /v1/models/m:predict');
    });
  });

  it('b64 inputs reach the predictor as bytes; *_bytes outputs go out as b64; NaN/Infinity written bare', async () => {
    const sig = predictSig({ img: { name: 'i:0', dtype: 'DT_STRING', shape: [-1] } }, { echo_bytes: { name: 'e:0', dtype: 'DT_STRING', shape: [-1] }, v: { name: 'v:0', dtype: 'DT_FLOAT', shape: [-1] } });
    await withStandIn({
      versions: [{ version: '1', signatures: { serving_default: sig } }],
      predictor: (_s, inputs) => {
        const imgs = inputs.img as unknown[];
        assert.ok(imgs[0] instanceof Uint8Array);
        return { echo_bytes: imgs as Uint8Array[], v: [NaN] };
      },
    }, async s => {
      const text = await (await post(`${s.url}/v1/models/m:predict`, { instances: [{ b64: Buffer.from([0, 255, 7]).toString('base64') }] })).text();
      assert.equal(text, '{\n    "predictions": [\n        {\n            "echo_bytes": {\n                "b64": "AP8H"\n            },\n            "v": NaN\n        }\n    ]\n}');
    });
  });

  it('a predictor error and a missing op answer like the model runtime', async () => {
    await withStandIn({ predictor: () => { throw new TfServingError('FAILED_PRECONDITION', 'table not initialized'); } }, async s => {
      const r = await post(`${s.url}/v1/models/m:predict`, { instances: [1] });
      assert.equal(r.status, 400);
      assert.equal(JSON.parse(await r.text()).error, 'table not initialized');
    });
    await withStandIn({ missingOps: ['Scann>ScannSearchBatched'], hostname: 'abc123' }, async s => {
      const r = await post(`${s.url}/v1/models/m:predict`, { instances: [1] });
      assert.equal(r.status, 404);
      assert.match(JSON.parse(await r.text()).error, /^Op type not registered 'Scann>ScannSearchBatched' in binary running on abc123\./);
      assert.equal((await fetch(`${s.url}/v1/models/m/metadata`)).status, 200, 'the model still loads: only calls fail');
    });
  });

  it('rejects bad options with a message naming the field', async () => {
    await assert.rejects(startServingStandIn({ modelName: 'm', versions: [], auth: { public: true, verify: verifyToken }, log: () => undefined }), /versions: at least one/);
    await assert.rejects(startServingStandIn({ modelName: 'm', versions: [{ version: 'v1', signatures: {} }], auth: { public: true, verify: verifyToken }, log: () => undefined }), /versions\[\]\.version/);
    await assert.rejects(startServingStandIn({ modelName: 'm', versions: [{ version: '1', signatures: {} }], labels: { stable: '2' }, auth: { public: true, verify: verifyToken }, log: () => undefined }), /labels\.stable/);
  });
});
