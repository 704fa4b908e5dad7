import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { existingStorageFront } from '../gcs/front';
import { assertClose, type ZooManifest } from '../../integration/support/zoo';
import { PARENT, bundle, clientOptions, startTestEmulator } from './harness';

/**
 * The project's Python image as a Vertex AI custom container (issue 17): registered with the
 * official client as the extension registers it (src/gcp/vertex.ts uploadModel), deployed to an
 * endpoint, started with the AIP_* variables of ITS containerSpec, loading the model from gs://
 * with TensorFlow's own GCS filesystem through the emulator's storage proxy. Real TensorFlow only.
 */
describe('emulator: a custom-op model in the Python image as a Vertex AI custom container (AIP_*, gs://)', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let endpoints: any, prediction: any, models: any;
  let manifest: ZooManifest;
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;
  const PY_IMAGE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:latest';

  before(async function () {
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow');
      return this.skip();
    }
    manifest = JSON.parse(fs.readFileSync(path.join(zoo, 'manifest.json'), 'utf8'));
    const started = await startTestEmulator({ python, zooDir: zoo, opsBuildDir: process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined });
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

  const cpu = { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1, maxReplicaCount: 1 };
  const endpointLogs = (endpointId: string) => emu.logs.query(['projects/demo-project'])
    .filter(e => e.resource?.type === 'aiplatform.googleapis.com/Endpoint' && e.resource?.labels?.endpoint_id === endpointId)
    .map(e => String(e.textPayload ?? ''));

  /** A new version of the demo's custom-op model with the Python image as its custom container. */
  async function uploadPythonVersion(containerSpec: Record<string, unknown>): Promise<{ name: string; artifactUri: string }> {
    const [all] = await models.listModels({ parent: PARENT });
    const custom = all.find((x: any) => x.displayName === 'recsys-retrieval-custom-op');
    assert.ok(custom, 'the zoo demo has recsys-retrieval-custom-op');
    assert.match(custom.artifactUri, /^gs:\/\//);
    const [op] = await models.uploadModel({
      parent: PARENT, parentModel: custom.name,
      model: { displayName: custom.displayName, artifactUri: custom.artifactUri, containerSpec: { imageUri: PY_IMAGE, ...containerSpec } },
    });
    const [res] = await op.promise();
    return { name: `${res.model}@${res.modelVersionId}`, artifactUri: custom.artifactUri };
  }

  async function newEndpoint(displayName: string): Promise<string> {
    const [op] = await endpoints.createEndpoint({ parent: PARENT, endpoint: { displayName } });
    const [ep] = await op.promise();
    return ep.name;
  }

  it('deploys, loads the model from gs:// with TensorFlow\'s GCS client, and predicts what TensorFlow computed', async () => {
    const { name, artifactUri } = await uploadPythonVersion({
      ports: [{ containerPort: 8501 }], predictRoute: '/v1/models/model:predict', healthRoute: '/v1/models/model',
    });
    const ep = await newEndpoint('custom-container');
    const [d] = await endpoints.deployModel({ endpoint: ep, deployedModel: { model: name, dedicatedResources: cpu }, trafficSplit: { 0: 100 } });
    const [deployed] = await d.promise();
    const endpointId = ep.split('/').pop()!;

    // The server's own load line names the gs:// folder it read.
    const logs = endpointLogs(endpointId);
    assert.ok(logs.some(l => l.includes(`from ${artifactUri}`) && /loading model model version \d+/.test(l)),
      `the server says it loads from ${artifactUri}:\n${logs.slice(0, 40).join('\n')}`);
    // And TensorFlow's GCS client fetched the model's bytes through the storage proxy.
    const front = await existingStorageFront(emu.dataDir);
    assert.ok(front, 'the deploy started the storage proxy');
    const objectPrefix = artifactUri.replace(/^gs:\/\/[^/]+\//, '');
    const bucket = /^gs:\/\/([^/]+)/.exec(artifactUri)![1];
    const reads = front.proxy.requests.filter(r => r.host === 'storage.googleapis.com' && r.status >= 200 && r.status < 300 &&
      decodeURIComponent(r.url).startsWith(`/${bucket}/${objectPrefix}/`));
    const got = reads.map(r => decodeURIComponent(r.url).slice(`/${bucket}/${objectPrefix}/`.length));
    assert.ok(got.includes('saved_model.pb'), `saved_model.pb was read over HTTPS: ${got.join(', ')}`);
    assert.ok(got.some(g => g.startsWith('variables/variables.data')), `the variables were read over HTTPS: ${got.join(', ')}`);

    // Predictions through the endpoint equal TensorFlow's in-process answer (the zoo's manifest).
    const model = manifest.models.find(m => m.name === 'custom_op_retrieval');
    assert.ok(model, 'the zoo has custom_op_retrieval');
    const sample = model.samples.find(s => s.signature_name === 'serving_default') ?? model.samples[0];
    const instances = sample.request.instances as unknown[];
    assert.ok(Array.isArray(instances) && instances.length > 0, 'the sample is in the row format');
    const [resp] = await prediction.predict({ endpoint: ep, instances: instances.map(toValue) });
    assert.equal(resp.deployedModelId, deployed.deployedModel.id);
    assertClose(resp.predictions.map(fromValue), sample.expected.predictions, manifest.float_tolerance, 'predictions');

    // rawPredict sends TF Serving's own body to the same predict route.
    const [raw] = await prediction.rawPredict({ endpoint: ep, httpBody: { contentType: 'application/json', data: Buffer.from(JSON.stringify({ instances })) } });
    assertClose(JSON.parse(Buffer.from(raw.data).toString('utf8')).predictions, sample.expected.predictions, manifest.float_tolerance, 'raw predictions');
  });

  it('a predictRoute the server refuses fails the deploy with the server\'s own message, also in the endpoint\'s logs', async () => {
    const { name } = await uploadPythonVersion({
      ports: [{ containerPort: 8501 }], predictRoute: 'v1/models/model:predict', healthRoute: '/v1/models/model',
    });
    const ep = await newEndpoint('bad-route');
    const [d] = await endpoints.deployModel({ endpoint: ep, deployedModel: { model: name, dedicatedResources: cpu }, trafficSplit: { 0: 100 } });
    const want = /AIP_PREDICT_ROUTE: expected a URL path starting with '\/'.*'v1\/models\/model:predict'/;
    await assert.rejects(d.promise(), (e: any) => { assert.match(String(e.details ?? e.message), want); return true; });
    assert.ok(endpointLogs(ep.split('/').pop()!).some(l => want.test(l)), 'the message is in the endpoint\'s container log');
    const [after] = await endpoints.getEndpoint({ name: ep });
    assert.deepEqual(after.deployedModels, [], 'a failed deploy changes nothing');

    // A health route no request could carry: the same, server.py's message (not an emulator error).
    const spaced = await uploadPythonVersion({ predictRoute: '/v1/models/model:predict', healthRoute: '/health check' });
    const [d2] = await endpoints.deployModel({ endpoint: ep, deployedModel: { model: spaced.name, dedicatedResources: cpu }, trafficSplit: { 0: 100 } });
    await assert.rejects(d2.promise(), (e: any) => {
      assert.match(String(e.details ?? e.message), /Model server exited unexpectedly.*AIP_HEALTH_ROUTE: expected a URL path starting with '\/' without spaces/);
      return true;
    });
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
