import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, postJson, startTestEmulator } from './harness';

/**
 * Vertex AI endpoints with the official clients, unchanged: create, deploy (the real TensorFlow
 * server behind each deployed model when MLSERVING_PYTHON and MLSERVING_ZOO are set), a 10% canary,
 * predict and rawPredict, traffic, undeploy, delete, the endpoint's logs and its faults.
 */
describe('emulator: Vertex AI endpoints and predictions with the official clients', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let endpoints: any, prediction: any, models: any;
  let manifest: any;
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;
  const real = !!(python && zoo);

  before(async () => {
    if (!real && process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow');
    if (real) manifest = JSON.parse(fs.readFileSync(path.join(zoo!, 'manifest.json'), 'utf8'));
    const started = await startTestEmulator(real ? { python, zooDir: zoo, opsBuildDir: process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined } : {});
    emu = started.emu;
    const v = bundle('vertex');
    const opts = clientOptions(started.conn, 'vertex', v.grpc);
    endpoints = new v.EndpointServiceClient(opts);
    prediction = new v.PredictionServiceClient(opts);
    models = new v.ModelServiceClient(opts);
  });
  after(async () => {
    await Promise.all([endpoints?.close(), prediction?.close(), models?.close()]);
    await emu?.stop();
  });

  const modelNamed = async (displayName: string) => {
    const [all] = await models.listModels({ parent: PARENT });
    const m = all.find((x: any) => x.displayName === displayName);
    assert.ok(m, `demo model ${displayName}`);
    const [versions] = await models.listModelVersions({ name: m.name });
    return { name: m.name as string, versions: versions.map((x: any) => x.versionId as string).sort() };
  };
  const cpu = (minReplicaCount = 1, maxReplicaCount = 2) => ({ machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount, maxReplicaCount });
  const endpointLogs = (endpointId: string) => emu.logs.query(['projects/demo-project'])
    .filter(e => e.resource?.type === 'aiplatform.googleapis.com/Endpoint' && e.resource?.labels?.endpoint_id === endpointId);
  const rankingSample = () => {
    if (!real) return { instances: [{ customer_id: 'c1', product_id: 'p1' }] };
    return manifest.models.find((m: any) => m.name === 'ranking').samples[0].request;
  };

  let endpointName = '';
  let firstId = '';
  let canaryId = '';

  it('creates an endpoint as a long-running operation, then gets and lists it', async () => {
    const [op] = await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName: 'ranking-endpoint', labels: { managed_by: 'ml-serving' } } });
    assert.equal(op.done, false);
    const [ep] = await op.promise();
    endpointName = ep.name;
    assert.match(endpointName, /^projects\/demo-project\/locations\/us-central1\/endpoints\/\d+$/);
    const [got] = await endpoints.getEndpoint({ name: endpointName });
    assert.equal(got.displayName, 'ranking-endpoint');
    assert.deepEqual(got.deployedModels, []);
    const [listed] = await endpoints.listEndpoints({ parent: PARENT, filter: 'labels.managed_by="ml-serving"' });
    assert.deepEqual(listed.map((e: any) => e.name), [endpointName]);
    await assert.rejects(endpoints.createEndpoint({ parent: PARENT, endpoint: {} }), (e: any) => e.code === 3 && /endpoint\.display_name: required/.test(e.details));
  });

  it('deploys a model version (100% on an empty endpoint); predict and rawPredict answer through the endpoint', async () => {
    const ranking = await modelNamed('recsys-ranking');
    const [op] = await endpoints.deployModel({ endpoint: endpointName, deployedModel: { model: `${ranking.name}@${ranking.versions[0]}`, displayName: 'ranking-v1', dedicatedResources: cpu() } });
    const [res] = await op.promise();
    firstId = res.deployedModel.id;
    const [ep] = await endpoints.getEndpoint({ name: endpointName });
    assert.equal(ep.deployedModels.length, 1);
    assert.equal(ep.deployedModels[0].modelVersionId, ranking.versions[0]);
    assert.equal(ep.deployedModels[0].dedicatedResources.machineSpec.machineType, 'n1-standard-2');
    assert.deepEqual(ep.trafficSplit, { [firstId]: 100 });

    const sample = rankingSample();
    const [p] = await prediction.predict({ endpoint: endpointName, instances: sample.instances.map(toValue) });
    assert.equal(p.deployedModelId, firstId);
    assert.equal(p.modelVersionId, ranking.versions[0]);
    assert.equal(p.predictions.length, sample.instances.length);
    const [raw] = await prediction.rawPredict({ endpoint: endpointName, httpBody: { contentType: 'application/json', data: Buffer.from(JSON.stringify(sample)) } });
    const body = JSON.parse(Buffer.from(raw.data).toString('utf8'));
    assert.equal(body.predictions.length, sample.instances.length);
    if (real) {
      const expected = manifest.models.find((m: any) => m.name === 'ranking').samples[0].expected.predictions;
      const tol = manifest.float_tolerance;
      const flat = (x: unknown): number[] => JSON.stringify(x).match(/-?\d+(\.\d+)?(e-?\d+)?/g)!.map(Number);
      flat(body.predictions).forEach((x, i) => assert.ok(Math.abs(x - flat(expected)[i]) <= tol, `prediction ${i}: ${x} vs ${flat(expected)[i]}`));
      assert.deepEqual(flat(p.predictions.map(fromValue)).map(x => x.toFixed(4)), flat(body.predictions).map(x => x.toFixed(4)));
    }
    // The model server's error comes back with its body.
    await assert.rejects(prediction.predict({ endpoint: endpointName, instances: [toValue({ nonsense: 1 })] }), (e: any) => e.code === 9 && /error/i.test(e.details));
  });

  it('a second version as a 10% canary gives 90/10; a split that does not sum to 100 is refused naming the field', async () => {
    const ranking = await modelNamed('recsys-ranking');
    const [op] = await endpoints.deployModel({ endpoint: endpointName, deployedModel: { model: `${ranking.name}@${ranking.versions[1]}`, dedicatedResources: cpu() }, trafficSplit: { [firstId]: 90, '0': 10 } });
    const [res] = await op.promise();
    canaryId = res.deployedModel.id;
    const [ep] = await endpoints.getEndpoint({ name: endpointName });
    assert.deepEqual(ep.trafficSplit, { [firstId]: 90, [canaryId]: 10 });
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const [p] = await prediction.predict({ endpoint: endpointName, instances: rankingSample().instances.map(toValue) });
      seen.add(p.deployedModelId);
    }
    assert.deepEqual([...seen].sort(), [firstId, canaryId].sort(), 'both deployed models answer');
    await assert.rejects(endpoints.updateEndpoint({ endpoint: { name: endpointName, trafficSplit: { [firstId]: 90, [canaryId]: 20 } }, updateMask: { paths: ['traffic_split'] } }),
      (e: any) => e.code === 3 && /endpoint\.traffic_split: percentages must sum to 100, got 110/.test(e.details));
    const [moved] = await endpoints.updateEndpoint({ endpoint: { name: endpointName, trafficSplit: { [firstId]: 80, [canaryId]: 20 } }, updateMask: { paths: ['traffic_split'] } });
    assert.deepEqual(moved.trafficSplit, { [firstId]: 80, [canaryId]: 20 });
  });

  it('undeploys the canary (its traffic given back); refuses to delete a non-empty endpoint; deletes it when empty', async () => {
    await assert.rejects(endpoints.undeployModel({ endpoint: endpointName, deployedModelId: canaryId }), (e: any) => e.code === 3 && /traffic_split: deployed model \d+ takes 20%/.test(e.details));
    const [op] = await endpoints.undeployModel({ endpoint: endpointName, deployedModelId: canaryId, trafficSplit: { [firstId]: 100 } });
    await op.promise();
    const [ep] = await endpoints.getEndpoint({ name: endpointName });
    assert.deepEqual(ep.deployedModels.map((d: any) => d.id), [firstId]);
    assert.deepEqual(ep.trafficSplit, { [firstId]: 100 });
    await assert.rejects(endpoints.deleteEndpoint({ name: endpointName }), (e: any) => e.code === 9 && /has deployed models/.test(e.details));
    const [op2] = await endpoints.undeployModel({ endpoint: endpointName, deployedModelId: firstId });
    await op2.promise();
    await assert.rejects(prediction.predict({ endpoint: endpointName, instances: [toValue(1)] }), (e: any) => e.code === 9 && /does not have any deployed models/.test(e.details));
    const [op3] = await endpoints.deleteEndpoint({ name: endpointName });
    await op3.promise();
    await assert.rejects(endpoints.getEndpoint({ name: endpointName }), (e: any) => e.code === 5);
  });

  it('writes the endpoint\'s logs: container output and access entries, labelled by endpoint and deployed model', async () => {
    const id = endpointName.split('/').pop()!;
    const entries = endpointLogs(id);
    assert.ok(entries.some(e => /prediction_access$/.test(decodeURIComponent(e.logName)) && e.resource.labels.deployed_model_id === canaryId), 'access entries of the canary');
    assert.ok(entries.some(e => /prediction_container$/.test(decodeURIComponent(e.logName)) && e.resource.labels.deployed_model_id === firstId), 'container output of the first model');
  });

  it('rejects a machine type the region does not offer, naming the field; quota and a model that fails to start end the operation with the reason', async () => {
    const [op] = await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName: 'faults' } });
    const [ep] = await op.promise();
    const ranking = await modelNamed('recsys-ranking');
    const model = `${ranking.name}@${ranking.versions[0]}`;
    await assert.rejects(endpoints.deployModel({ endpoint: ep.name, deployedModel: { model, dedicatedResources: { machineSpec: { machineType: 'n1-mega-96' }, minReplicaCount: 1 } } }),
      (e: any) => e.code === 3 && /machine_spec\.machine_type: "n1-mega-96" is not offered in us-central1/.test(e.details));
    await assert.rejects(endpoints.deployModel({ endpoint: ep.name, deployedModel: { model, dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 0 } } }),
      (e: any) => e.code === 3 && /min_replica_count/.test(e.details));

    await postJson(`${emu.endpoints.admin}/faults`, { kind: 'machineQuota', machineType: 'n1-standard-8' });
    const [q] = await endpoints.deployModel({ endpoint: ep.name, deployedModel: { model, dedicatedResources: { machineSpec: { machineType: 'n1-standard-8' }, minReplicaCount: 1 } } });
    await assert.rejects(q.promise(), (e: any) => e.code === 8 && /quota.*n1-standard-8/.test(e.details ?? e.message));

    await postJson(`${emu.endpoints.admin}/faults`, { kind: 'modelStartFails', message: 'RuntimeError: out of memory loading the model' });
    const [f] = await endpoints.deployModel({ endpoint: ep.name, deployedModel: { model, dedicatedResources: cpu(1, 1) } });
    await assert.rejects(f.promise(), (e: any) => e.code === 9 && /Model server exited unexpectedly.*logs can be found at https:\/\/console\.cloud\.google\.com\/logs.*out of memory/s.test(e.details ?? e.message));
    const [after] = await endpoints.getEndpoint({ name: ep.name });
    assert.deepEqual(after.deployedModels, [], 'a failed deploy changes nothing');
    assert.ok(endpointLogs(ep.name.split('/').pop()!).some(e => /out of memory/.test(String(e.textPayload))));
  });

  it('a custom-op model on the prebuilt TF container fails to start with TensorFlow\'s own text', async function () {
    const [all] = await models.listModels({ parent: PARENT });
    const custom = all.find((x: any) => x.displayName === 'recsys-retrieval-custom-op');
    if (!custom) return this.skip(); // only the zoo demo has it
    const [op] = await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName: 'custom-op' } });
    const [ep] = await op.promise();
    const [d] = await endpoints.deployModel({ endpoint: ep.name, deployedModel: { model: custom.name, dedicatedResources: cpu(1, 1) } });
    await assert.rejects(d.promise(), (e: any) => /Op type not registered 'MlServingDemo>TopKDot'/.test(e.details ?? e.message));
  });
});

function toValue(v: unknown): any {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, toValue(x)])) } };
}

function fromValue(v: any): unknown {
  if (v.numberValue !== undefined && v.numberValue !== null) return v.numberValue;
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  if (v.listValue) return (v.listValue.values ?? []).map(fromValue);
  if (v.structValue) return Object.fromEntries(Object.entries(v.structValue.fields ?? {}).map(([k, x]) => [k, fromValue(x)]));
  return null;
}
