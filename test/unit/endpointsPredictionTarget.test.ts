import { strict as assert } from 'node:assert';
import { EndpointPredictionTarget, endpointHint, endpointPredictionTarget, mainDeployedModel } from '../../src/features/predict/endpointTarget';
import { toEndpoint } from '../../src/gcp/vertexEndpoints';
import { parseModelMetadata } from '../../src/serving/predict/metadata';
import type { SignatureSummary } from '../../src/serving/savedModel/inspection';

const endpoint = toEndpoint({
  name: 'projects/p/locations/us-central1/endpoints/777', displayName: 'ranking', trafficSplit: { a: 10, b: 90 },
  deployedModels: [
    { id: 'a', model: 'projects/p/locations/us-central1/models/1', modelVersionId: '1', dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 } },
    { id: 'b', model: 'projects/p/locations/us-central1/models/1', modelVersionId: '2', dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1 } },
  ],
});
const sigs: Record<string, SignatureSummary> = {
  serving_default: {
    method: 'tensorflow/serving/predict',
    inputs: { customer_id: { name: 'serving_default_customer_id:0', dtype: 'DT_STRING', shape: [-1] } },
    outputs: { rating: { name: 'StatefulPartitionedCall:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
  },
};

describe('endpoints: the Test Prediction target', function () {
  it('builds the form from the SavedModel of the deployed model with the largest share', async function () {
    const asked: string[] = [];
    const t = new EndpointPredictionTarget({ rawPredict: async () => ({ contentType: 'application/json', text: '{}' }) }, endpoint, async d => { asked.push(d.id); return sigs; });
    assert.equal(mainDeployedModel(endpoint)?.id, 'b');
    const r = await t.call({ method: 'GET', path: '/v1/models/model/metadata' });
    assert.equal(r.status, 200);
    assert.deepEqual(asked, ['b']);
    const meta = parseModelMetadata(JSON.parse(r.text));
    assert.equal(meta.version, '2');
    assert.deepEqual(meta.signatures.serving_default.inputs.customer_id, { name: 'serving_default_customer_id:0', dtype: 'DT_STRING', shape: [-1] });
    assert.deepEqual(meta.signatures.serving_default.outputs.rating.shape, [-1, 1]);
  });

  it('sends the TF Serving body through rawPredict; errors keep the model server\'s text and an HTTP status', async function () {
    const sent: Array<[string, string]> = [];
    const t = new EndpointPredictionTarget({
      rawPredict: async (name, body) => {
        sent.push([name, body]);
        if (body.includes('bad')) throw Object.assign(new Error('x'), { code: 9, details: '{"error": "does not have named input: bad"}' });
        return { contentType: 'application/json', text: '{"predictions": [[4.2]]}' };
      },
    }, endpoint, async () => sigs);
    const ok = await t.call({ method: 'POST', path: '/v1/models/model:predict', body: '{"instances": [{"customer_id": "c"}]}' });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { predictions: [[4.2]] });
    assert.deepEqual(sent[0], [endpoint.name, '{"instances": [{"customer_id": "c"}]}']);
    const bad = await t.call({ method: 'POST', path: '/v1/models/model:predict', body: '{"instances": [{"bad": 1}]}' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /does not have named input: bad/);
  });

  it('copies curl with the REST URL and an access token, never a token itself', function () {
    const t = new EndpointPredictionTarget({ rawPredict: async () => ({ contentType: '', text: '' }) }, endpoint, async () => sigs);
    const c = t.curl('{ "instances": [ {"customer_id": "c"} ] }');
    assert.equal(c, [
      "curl -sS -X POST 'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/777:rawPredict'",
      '-H "Authorization: Bearer $(gcloud auth print-access-token)"',
      "-H 'Content-Type: application/json'",
      `-d '{"instances":[{"customer_id":"c"}]}'`,
    ].join(' \\\n  '));
  });

  it('a refused request gets Vertex AI\'s causes, not Cloud Run\'s (no ID token, no roles/run.invoker)', function () {
    const t = endpointPredictionTarget(new EndpointPredictionTarget({ rawPredict: async () => ({ contentType: 'application/json', text: '{}' }) }, endpoint, async () => sigs));
    assert.match(t.hint!(403, 'Permission denied') ?? '', /aiplatform\.endpoints\.predict/);
    assert.match(t.hint!(401, '') ?? '', /access token/);
    assert.match(t.hint!(404, '') ?? '', /Endpoint ranking \(777\) or its deployed model is gone/);
    // TF Serving's own 404s (a signature, a servable) keep the generic hints.
    assert.equal(endpointHint(404, 'Servable not found for request: Latest(model)', endpoint), undefined);
    assert.equal(endpointHint(400, 'does not have named input: x', endpoint), undefined);
    for (const status of [401, 403, 404, 429, 503]) assert.doesNotMatch(t.hint!(status, '') ?? '', /run\.invoker|ID token/);
    assert.equal(t.info.kind, 'endpoint');
  });

  it('a panel opened on a deployed model builds its form from that model, falling back to the main one', async function () {
    const asked: string[] = [];
    const api = { rawPredict: async () => ({ contentType: 'application/json', text: '{}' }) };
    const onA = new EndpointPredictionTarget(api, endpoint, async d => { asked.push(d.id); return sigs; }, undefined, 'a');
    await onA.call({ method: 'GET', path: '/v1/models/model/metadata' });
    const gone = new EndpointPredictionTarget(api, endpoint, async d => { asked.push(d.id); return sigs; }, undefined, 'zz');
    await gone.call({ method: 'GET', path: '/v1/models/model/metadata' });
    assert.deepEqual(asked, ['a', 'b']);
    assert.equal(endpointPredictionTarget(onA).info.deployedModelId, 'a');
  });
});
