// Retries repeat only what is safe: the polling of an operation, never a Cloud Run update (which
// would go out again with a stale etag), and an UploadModel only after checking that the earlier
// attempt made no version. The product's own gcp/ code against the emulator's real gRPC services,
// with faults that drop a poll (UNAVAILABLE on GetOperation) or the answer to a call that was
// carried out (lostResponse).
import { strict as assert } from 'node:assert';
import { GcpClients } from '../../../src/gcp/clients';
import { runDeployApi } from '../../../src/gcp/runDeploy';
import { vertexApi } from '../../../src/gcp/vertex';
import type { Emulator } from '../emulator';
import { PARENT, postJson, startTestEmulator } from './harness';

type Call = { method: string; resource: string; code: number };

describe('retries repeat only what is safe', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let admin: string;
  let clients: GcpClients;

  before(async () => {
    // Model imports take longer than the first retry delay, as on Vertex AI: a retry then finds
    // the earlier upload still running, not yet a version.
    const started = await startTestEmulator({ operationMs: 1200 });
    emu = started.emu;
    admin = emu.endpoints.admin;
    clients = new GcpClients(started.conn, 'demo-project');
  });
  afterEach(async () => { await fetch(`${admin}/faults`, { method: 'DELETE' }); });
  after(async () => {
    await clients?.dispose();
    await emu?.stop();
  });

  const calls = async (method: string): Promise<Call[]> =>
    ((await (await fetch(`${admin}/state`)).json()) as { recentCalls: Call[] }).recentCalls.filter(c => c.method.endsWith(method));

  async function service(id: string) {
    const api = runDeployApi(clients);
    await api.create(PARENT, id, { labels: { 'managed-by': 'ml-serving' }, template: { containers: [{ image: 'gcr.io/cloudrun/hello' }] } });
    return api;
  }
  const revisions = async (id: string) => (await clients.run().revisions.listRevisions({ parent: `${PARENT}/services/${id}` }))[0] as unknown[];

  it('a dropped poll of a deploy operation is retried; the update is sent once', async () => {
    const api = await service('poll-drop');
    const raw = (await api.getRaw(`${PARENT}/services/poll-drop`))!;
    const updatesBefore = (await calls('UpdateService')).length;
    await postJson(`${admin}/faults`, { kind: 'unavailable', method: 'Operations.GetOperation', count: 2 });
    const updated = await api.update({ ...raw, template: { ...raw.template, containers: [{ image: 'gcr.io/cloudrun/hello', env: [{ name: 'X', value: '1' }] }] } });
    assert.equal(updated.env.X, '1');
    assert.equal((await calls('UpdateService')).length - updatesBefore, 1, 'one UpdateService call');
    const polls = await calls('GetOperation');
    assert.ok(polls.filter(c => c.code === 14).length >= 1, 'a poll failed and was retried');
    assert.equal((await revisions('poll-drop')).length, 2);
  });

  it('an update whose answer was lost is not sent again: the error surfaces, one revision is made', async () => {
    const api = await service('lost-update');
    const raw = (await api.getRaw(`${PARENT}/services/lost-update`))!;
    const updatesBefore = (await calls('UpdateService')).length;
    await postJson(`${admin}/faults`, { kind: 'lostResponse', method: 'Services.UpdateService', count: 1 });
    await assert.rejects(api.update({ ...raw, template: { ...raw.template, containers: [{ image: 'gcr.io/cloudrun/hello', env: [{ name: 'Y', value: '2' }] }] } }), (e: { code?: number }) => e.code === 14);
    assert.equal((await calls('UpdateService')).length - updatesBefore, 1, 'the update was not re-sent with its stale etag');
    // The update did happen (its answer was lost): the service moves to exactly one new revision.
    const deadline = Date.now() + 10_000;
    while ((await revisions('lost-update')).length < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    assert.equal((await revisions('lost-update')).length, 2);
  });

  it('UploadModel whose answer was lost: the version it made is found, none is made twice', async () => {
    const vertex = vertexApi(clients);
    const [models] = await clients.vertex('us-central1').models.listModels({ parent: PARENT });
    const parentModel = String((models as Array<{ name: string }>)[0].name);
    const before = (await vertex.listModelVersions(parentModel)).length;
    await postJson(`${admin}/faults`, { kind: 'lostResponse', method: 'ModelService.UploadModel', count: 1 });
    const v = await vertex.uploadModel('us-central1', {
      displayName: 'retry-check', artifactUri: 'gs://demo-project-models/retry-check/1', labels: { model_type: 'retrieval' }, containerImage: 'tensorflow/serving:2.19.0', parentModel,
    });
    const after = await vertex.listModelVersions(parentModel);
    assert.equal(after.length, before + 1, 'exactly one new version');
    assert.equal(v.versionId, after[0].versionId, 'the version returned is the one made');
    assert.equal((await calls('UploadModel')).filter(c => c.resource === PARENT).length, 1, 'UploadModel was sent once');
  });

  it('a new model whose upload answer was lost is made once', async () => {
    const vertex = vertexApi(clients);
    await postJson(`${admin}/faults`, { kind: 'lostResponse', method: 'UploadModel', count: 1 });
    const v = await vertex.uploadModel('us-central1', {
      displayName: 'retry-new-model', artifactUri: 'gs://demo-project-models/retry-new/1', labels: {}, containerImage: 'tensorflow/serving:2.19.0',
    });
    const [found] = await clients.vertex('us-central1').models.listModels({ parent: PARENT, filter: 'display_name="retry-new-model"' });
    assert.equal((found as unknown[]).length, 1, 'one model');
    assert.equal(v.versionId, '1');
  });

  it('an upload refused before it happened is sent again', async () => {
    const vertex = vertexApi(clients);
    await postJson(`${admin}/faults`, { kind: 'unavailable', method: 'UploadModel', count: 1 });
    const v = await vertex.uploadModel('us-central1', {
      displayName: 'retry-refused', artifactUri: 'gs://demo-project-models/retry-refused/1', labels: {}, containerImage: 'tensorflow/serving:2.19.0',
    });
    assert.equal(v.versionId, '1');
    const [found] = await clients.vertex('us-central1').models.listModels({ parent: PARENT, filter: 'display_name="retry-refused"' });
    assert.equal((found as unknown[]).length, 1);
  });

  it('a refused upload of a folder registered a moment ago still makes its own version', async () => {
    const vertex = vertexApi(clients);
    const [models] = await clients.vertex('us-central1').models.listModels({ parent: PARENT });
    const parentModel = String((models as Array<{ name: string }>)[0].name);
    const req = { displayName: 'again', artifactUri: 'gs://demo-project-models/again/1', labels: {}, containerImage: 'tensorflow/serving:2.19.0', parentModel };
    const first = await vertex.uploadModel('us-central1', req);
    await postJson(`${admin}/faults`, { kind: 'unavailable', method: 'UploadModel', count: 1 });
    const second = await vertex.uploadModel('us-central1', req);
    assert.notEqual(second.versionId, first.versionId, 'the earlier version of the same folder is not mistaken for this upload');
  });
});

