import { strict as assert } from 'node:assert';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, startTestEmulator, waitFor } from './harness';

/** A Cloud Run service that serves a model folder of the demo bucket with TF Serving. */
function modelService(image: string, onlyDir: string, modelName = 'recsys') {
  return {
    labels: { 'managed-by': 'ml-serving' },
    template: {
      containers: [{
        image, ports: [{ containerPort: 8501 }], env: [{ name: 'MODEL_NAME', value: modelName }],
        resources: { limits: { cpu: '2', memory: '2Gi' } },
        volumeMounts: [{ name: 'model', mountPath: `/models/${modelName}` }],
      }],
      volumes: [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: [`only-dir=${onlyDir}`, 'implicit-dirs'] } }],
      scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
      executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    },
  };
}
/** Every field of `sent` is in `got` with the same value (arrays element by element). */
function assertSent(got: any, sent: any, where: string): void {
  if (Array.isArray(sent)) {
    assert.equal(got?.length, sent.length, `${where}: length`);
    sent.forEach((x, i) => assertSent(got[i], x, `${where}[${i}]`));
  } else if (sent && typeof sent === 'object') {
    for (const k of Object.keys(sent)) assertSent(got?.[k], sent[k], `${where}.${k}`);
  } else {
    assert.equal(got, sent, where);
  }
}
const NATIVE = 'us-docker.pkg.dev/demo-project/serving/tf-serving-native:2.19.0';
const PYTHON = 'us-docker.pkg.dev/demo-project/serving/tf-serving-python-scann:1.3';

describe('emulator: Cloud Run Admin v2 with the official clients', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let services: any, revisions: any;
  const name = `${PARENT}/services/recsys`;

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    const r = bundle('run');
    const opts = clientOptions(started.conn, 'run', r.grpc);
    services = new r.ServicesClient(opts);
    revisions = new r.RevisionsClient(opts);
  });
  after(async () => {
    await Promise.all([services?.close(), revisions?.close()]);
    await emu?.stop();
  });

  it('rejects a bad service id naming the field', async () => {
    await assert.rejects(services.createService({ parent: PARENT, serviceId: 'Bad_Name', service: modelService(NATIVE, 'recsys-retrieval/pushed_model') }),
      (e: any) => e.code === 3 && /^service_id: "Bad_Name" is invalid/.test(e.details));
    await assert.rejects(services.createService({ parent: PARENT, serviceId: 'ok-name', service: { template: { containers: [{}] } } }),
      (e: any) => e.code === 3 && /service\.template\.containers\[0\]\.image: required/.test(e.details));
  });

  it('creates a service as an LRO; the revision serves the mounted model; template kept', async () => {
    const spec = modelService(NATIVE, 'recsys-retrieval/pushed_model');
    const [op] = await services.createService({ parent: PARENT, serviceId: 'recsys', service: spec });
    const [svc] = await op.promise();
    assert.equal(svc.name, name);
    assert.match(svc.uri, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(svc.urls, [svc.uri]);
    assert.match(svc.latestReadyRevision, /\/revisions\/recsys-00001-[a-z0-9]{3}$/);
    assert.equal(svc.latestCreatedRevision, svc.latestReadyRevision);
    assert.equal(svc.terminalCondition.type, 'Ready');
    assert.equal(svc.reconciling, false);
    const [got] = await services.getService({ name });
    assert.equal(got.terminalCondition.state, 'CONDITION_SUCCEEDED');
    assert.equal(got.generation, '1');
    assert.ok(got.etag);
    // Everything sent comes back (the client adds defaults and oneof names, e.g. subPath: '', volumeType).
    assertSent(got.template, spec.template, 'template');
    assert.deepEqual(got.labels, spec.labels);
    assert.deepEqual(got.traffic.map((t: any) => [t.type, t.percent]), [['TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', 100]]);
    assert.deepEqual(got.trafficStatuses.map((t: any) => [t.type, t.percent]), [['TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', 100]]);
    assert.deepEqual(got.conditions.map((c: any) => [c.type, c.state]), [['RoutesReady', 'CONDITION_SUCCEEDED'], ['ConfigurationsReady', 'CONDITION_SUCCEEDED']]);

    // Authenticated by default: no token → 403; an ID token for the service URL → the model status.
    const anon = await fetch(`${svc.uri}/v1/models/recsys`);
    assert.equal(anon.status, 403);
    const token = emu.identity.issueIdToken(svc.uri);
    const res = await fetch(`${svc.uri}/v1/models/recsys`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const status = (await res.json()) as any;
    assert.equal(status.model_version_status[0].state, 'AVAILABLE');
    await assert.rejects(services.createService({ parent: PARENT, serviceId: 'recsys', service: spec }), (e: any) => e.code === 6);
  });

  it('makes the service public through IAM and answers TestIamPermissions', async () => {
    const [pol0] = await services.getIamPolicy({ resource: name });
    assert.deepEqual(pol0.bindings, []);
    const [pol1] = await services.setIamPolicy({ resource: name, policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }], etag: pol0.etag } });
    assert.deepEqual(pol1.bindings.map((b: any) => [b.role, b.members]), [['roles/run.invoker', ['allUsers']]]);
    await assert.rejects(services.setIamPolicy({ resource: name, policy: { bindings: [], etag: pol0.etag } }), (e: any) => e.code === 10);
    const [svc] = await services.getService({ name });
    const res = await fetch(`${svc.uri}/v1/models/recsys`);
    assert.equal(res.status, 200);
    const [perm] = await services.testIamPermissions({ resource: name, permissions: ['run.services.get', 'run.services.update', 'bogus.perm'] });
    assert.deepEqual(perm.permissions, ['run.services.get', 'run.services.update']);
    await assert.rejects(services.setIamPolicy({ resource: name, policy: { bindings: [{ role: 'roles/run.invoker', members: ['nobody'] }] } }),
      (e: any) => e.code === 3 && /policy\.bindings\[0\]\.members\[0\]/.test(e.details));
  });

  it('fails a ScaNN model on native TF Serving, logs the TF error, and keeps traffic on the ready revision', async () => {
    const [before] = await services.getService({ name });
    const [op] = await services.updateService({ service: { ...modelService(NATIVE, 'recsys-retrieval-scann/pushed_model'), name } });
    await assert.rejects(op.promise(), (e: any) => /Revision 'recsys-00002-[a-z0-9]{3}' is not ready and cannot serve traffic/.test(e.message));
    const [after] = await services.getService({ name });
    assert.equal(after.latestReadyRevision, before.latestReadyRevision);
    assert.match(after.latestCreatedRevision, /recsys-00002-/);
    assert.equal(after.terminalCondition.state, 'CONDITION_FAILED');
    assert.equal(after.generation, '2');
    assert.equal(after.uri, before.uri);
    const res = await fetch(`${after.uri}/v1/models/recsys`);
    assert.equal(res.status, 200, 'the old revision still serves');
    const [rev] = await revisions.getRevision({ name: after.latestCreatedRevision });
    assert.equal(rev.conditions.find((c: any) => c.type === 'Ready').state, 'CONDITION_FAILED');
    const rev2 = after.latestCreatedRevision.split('/').pop();
    const stderr = emu.logs.query(['projects/demo-project']).filter(e => e.resource.labels.revision_name === rev2 && e.logName.endsWith('stderr'));
    assert.ok(stderr.some(e => /Op type not registered 'Scann>ScannSearchBatched' in binary running on localhost\. Make sure the Op and Kernel are registered/.test(e.textPayload)), 'TF error in stderr');
    assert.equal(stderr[0].resource.labels.service_name, 'recsys');
    assert.equal(stderr[0].resource.type, 'cloud_run_revision');
  });

  it('serves the ScaNN model from the Python server image; traffic split with a tag', async () => {
    const [op] = await services.updateService({ service: { ...modelService(PYTHON, 'recsys-retrieval-scann/pushed_model'), name } });
    const [svc] = await op.promise();
    assert.match(svc.latestReadyRevision, /recsys-00003-/);
    const [list] = await revisions.listRevisions({ parent: name });
    assert.deepEqual(list.map((r: any) => r.name.split('/').pop().slice(0, 11)), ['recsys-0000', 'recsys-0000', 'recsys-0000']);
    assert.match(list[0].name, /recsys-00003-/);
    const first = list[2].name.split('/').pop();
    const third = list[0].name.split('/').pop();
    const [op2] = await services.updateService({ service: { ...svc, traffic: [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: first, percent: 50, tag: 'blue' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: third, percent: 50 },
    ] } });
    await op2.promise();
    const [split] = await services.getService({ name });
    assert.equal(split.latestCreatedRevision, svc.latestCreatedRevision, 'a traffic-only update makes no revision');
    assert.deepEqual(split.trafficStatuses.map((t: any) => [t.revision, t.percent, t.tag ?? '']), [[first, 50, 'blue'], [third, 50, '']]);
    const tagUri = split.trafficStatuses[0].uri;
    assert.match(tagUri, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${tagUri}/v1/models/recsys`)).status, 200);
    // 4 requests at 50/50 reach both revisions
    for (let i = 0; i < 4; i++) assert.equal((await fetch(`${split.uri}/v1/models/recsys`)).status, 200);
    const served = new Set(emu.logs.query(['projects/demo-project']).filter(e => e.logName.endsWith('requests')).map(e => e.resource.labels.revision_name));
    assert.ok(served.has(first) && served.has(third), `requests reached ${[...served]}`);
    // traffic cannot go to the failed revision
    await assert.rejects(services.updateService({ service: { ...split, traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: list[1].name.split('/').pop(), percent: 100 }] } }),
      (e: any) => e.code === 9 && /is not ready and cannot serve traffic/.test(e.details));
    await assert.rejects(services.updateService({ service: { ...split, traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 90 }] } }),
      (e: any) => e.code === 3 && /add up to 100/.test(e.details));
  });

  it('deletes a revision that serves no traffic, refuses one that does', async () => {
    const [list] = await revisions.listRevisions({ parent: name });
    const failed = list[1];
    const [op] = await revisions.deleteRevision({ name: failed.name });
    await op.promise();
    await assert.rejects(revisions.getRevision({ name: failed.name }), (e: any) => e.code === 5);
    await assert.rejects(revisions.deleteRevision({ name: list[2].name }), (e: any) => e.code === 9 && /receiving traffic/.test(e.details));
    const [page, next] = await revisions.listRevisions({ parent: name, pageSize: 1 }, { autoPaginate: false });
    assert.equal(page.length, 1);
    assert.ok(next?.pageToken);
  });

  it('fails an unversioned model folder with TF Serving\'s text', async () => {
    const [op] = await services.createService({ parent: PARENT, serviceId: 'unversioned', service: modelService(NATIVE, 'recsys-ranking-unversioned/pushed_model', 'ranking') });
    await assert.rejects(op.promise(), /is not ready and cannot serve traffic/);
    const stderr = await waitFor(() => emu.logs.query(['projects/demo-project']).filter(e => e.resource.labels.service_name === 'unversioned' && /No versions of servable ranking found under base path \/models\/ranking/.test(e.textPayload ?? '')), 2000, 'log line');
    assert.equal(stderr.length, 1);
    const [svc] = await services.getService({ name: `${PARENT}/services/unversioned` });
    assert.equal(svc.latestReadyRevision ?? '', '');
    assert.equal((await fetch(`${svc.uri}/v1/models/ranking`)).status, 503);
  });

  it('lists services with paging and deletes one as an LRO', async () => {
    const [page, next] = await services.listServices({ parent: PARENT, pageSize: 1 }, { autoPaginate: false });
    assert.equal(page.length, 1);
    assert.ok(next?.pageToken);
    const [all] = await services.listServices({ parent: PARENT });
    assert.deepEqual(all.map((s: any) => s.name.split('/').pop()), ['recsys', 'unversioned']);
    const [svc] = await services.getService({ name: `${PARENT}/services/unversioned` });
    const [op] = await services.deleteService({ name: svc.name });
    const [deleted] = await op.promise();
    assert.equal(deleted.name, svc.name);
    await assert.rejects(services.getService({ name: svc.name }), (e: any) => e.code === 5);
  });
});
