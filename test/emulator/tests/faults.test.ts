import { strict as assert } from 'node:assert';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, postJson, startTestEmulator, sleep } from './harness';

describe('emulator: fault injection through the admin API', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let admin: string;
  let models: any, services: any, logging: any;
  const service = (image = 'gcr.io/cloudrun/hello') => ({ template: { containers: [{ image }] } });

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    admin = emu.endpoints.admin;
    const v = bundle('vertex'), r = bundle('run'), l = bundle('logging');
    models = new v.ModelServiceClient(clientOptions(started.conn, 'vertex', v.grpc));
    services = new r.ServicesClient(clientOptions(started.conn, 'run', r.grpc));
    logging = new l.Logging({ projectId: 'demo-project', ...clientOptions(started.conn, 'logging', l.grpc) });
  });
  afterEach(async () => { await fetch(`${admin}/faults`, { method: 'DELETE' }); });
  after(async () => {
    await Promise.all([models?.close(), services?.close()]);
    await emu?.stop();
  });

  it('serves the endpoints and GCE metadata, and rejects bad faults naming the field', async () => {
    // The endpoints, and who answers predictions (this in-process emulator has no Python: the stand-in).
    assert.deepEqual(await (await fetch(`${admin}/endpoints`)).json(), { ...emu.endpoints, serving: 'stand-in' });
    // GCE metadata requests are answered on the admin port (GCE_METADATA_HOST=<admin host:port>)
    const md = await fetch(`${admin}/computeMetadata/v1/project/project-id`, { headers: { 'Metadata-Flavor': 'Google' } });
    assert.equal(await md.text(), 'demo-project');
    await assert.rejects(postJson(`${admin}/faults`, { kind: 'unavailable', count: -1 }), /count: expected a non-negative integer/);
    await assert.rejects(postJson(`${admin}/faults`, { kind: 'permissionDenied' }), /method: required/);
    await assert.rejects(postJson(`${admin}/faults`, { kind: 'missingImage', image: 42 }), /image: expected a string/);
  });

  it('fails a revision whose image the registry lacks as Cloud Run does, and only that image', async () => {
    await postJson(`${admin}/faults`, { kind: 'missingImage', image: 'never-built' });
    const image = 'us-central1-docker.pkg.dev/demo-project/ml-serving/never-built:1';
    const [op] = await services.createService({ parent: PARENT, serviceId: 'no-image', service: service(image) });
    await assert.rejects(op.promise(), (e: any) => /^Revision 'no-image-00001-\w+' is not ready and cannot serve traffic\. Image '.*never-built:1' not found\.$/.test(e.message));
    const [other] = await services.createService({ parent: PARENT, serviceId: 'has-image', service: service() });
    const [svc] = await other.promise();
    assert.equal((await (await fetch(svc.uri)).text()).trim(), 'Hello World!', 'other images still start');
  });

  it('fails the next LRO of a method with the given message', async () => {
    await postJson(`${admin}/faults`, { kind: 'failLro', method: 'UploadModel', message: 'Model import failed: quota', code: 'RESOURCE_EXHAUSTED' });
    const [op] = await models.uploadModel({ parent: PARENT, model: { displayName: 'm' } });
    await assert.rejects(op.promise(), (e: any) => e.code === 8 && /Model import failed: quota/.test(e.message));
    const [op2] = await models.uploadModel({ parent: PARENT, model: { displayName: 'm' } });
    const [resp] = await op2.promise();
    assert.ok(resp.model, 'only the next one fails');
  });

  it('returns UNAVAILABLE for the next N calls of a method', async () => {
    await postJson(`${admin}/faults`, { kind: 'unavailable', method: 'ModelService.GetModel', count: 2 });
    const [list] = await models.listModels({ parent: PARENT }); // other methods unaffected
    const name = list[0].name;
    const opts = { retry: { retryCodes: [] } };
    await assert.rejects(models.getModel({ name }, opts), (e: any) => e.code === 14);
    await assert.rejects(models.getModel({ name }, opts), (e: any) => e.code === 14);
    const [m] = await models.getModel({ name }, opts);
    assert.equal(m.name, name);
  });

  it('denies a permission with a message naming it, and TestIamPermissions leaves it out', async () => {
    await postJson(`${admin}/faults`, { kind: 'permissionDenied', method: 'Services.CreateService' });
    await assert.rejects(services.createService({ parent: PARENT, serviceId: 'denied', service: service() }),
      (e: any) => e.code === 7 && e.details === `Permission 'run.services.create' denied on resource '${PARENT}' (or it may not exist).`);
    await fetch(`${admin}/faults`, { method: 'DELETE' });
    const [op] = await services.createService({ parent: PARENT, serviceId: 'hello', service: service() });
    const [svc] = await op.promise();
    assert.equal((await (await fetch(svc.uri)).text()).trim(), 'Hello World!');
    await postJson(`${admin}/faults`, { kind: 'permissionDenied', method: 'Services.UpdateService' });
    const [perm] = await services.testIamPermissions({ resource: svc.name, permissions: ['run.services.get', 'run.services.update'] });
    assert.deepEqual(perm.permissions, ['run.services.get']);
  });

  it('returns RESOURCE_EXHAUSTED with a quota message', async () => {
    await postJson(`${admin}/faults`, { kind: 'resourceExhausted', method: 'ListModels' });
    await assert.rejects(models.listModels({ parent: PARENT }, { retry: { retryCodes: [] } }), (e: any) => e.code === 8 && /Quota exceeded/.test(e.details));
  });

  it('adds latency to calls', async () => {
    await postJson(`${admin}/faults`, { kind: 'latency', ms: 300, method: 'ListModels' });
    const t0 = Date.now();
    await models.listModels({ parent: PARENT });
    assert.ok(Date.now() - t0 >= 290, `took ${Date.now() - t0} ms`);
  });

  it('drops a tail stream after N entries', async () => {
    await postJson(`${admin}/faults`, { kind: 'dropTail', afterEntries: 2 });
    const stream = logging.tailEntries({ filter: 'resource.labels.service_name="drop"' });
    const got: string[] = [];
    const ended = new Promise<any>(resolve => { stream.on('error', resolve); stream.on('end', () => resolve(undefined)); });
    stream.on('data', (r: any) => got.push(...r.entries.map((e: any) => e.data)));
    await sleep(300);
    const entry = (i: number) => ({ logName: 'projects/demo-project/logs/run.googleapis.com%2Fstdout', resource: { type: 'cloud_run_revision', labels: { service_name: 'drop' } }, textPayload: `e${i}` });
    await postJson(`${admin}/logs`, [1, 2, 3, 4].map(entry));
    const err = await ended;
    assert.equal(err?.code, 14);
    assert.deepEqual(got, ['e1', 'e2']);
  });

  it('fails the next N predict calls with 503', async () => {
    const [list] = await services.listServices({ parent: PARENT });
    void list;
    const spec = { template: {
      containers: [{ image: 'tensorflow/serving:2.19.0', env: [{ name: 'MODEL_NAME', value: 'm' }], volumeMounts: [{ name: 'm', mountPath: '/models/m' }] }],
      volumes: [{ name: 'm', gcs: { bucket: 'demo-project-models', mountOptions: ['only-dir=recsys-ranking/pushed_model'] } }],
    } };
    const [op] = await services.createService({ parent: PARENT, serviceId: 'ranker', service: spec });
    const [svc] = await op.promise();
    await services.setIamPolicy({ resource: svc.name, policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } });
    await postJson(`${admin}/faults`, { kind: 'predict503', count: 1 });
    const predict = () => fetch(`${svc.uri}/v1/models/m:predict`, { method: 'POST', body: JSON.stringify({ instances: [{ customer_id: 'c1', product_id: 'p1' }] }) });
    assert.equal((await predict()).status, 503);
    const ok = await predict();
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.ok(Array.isArray(((await ok.json()) as any).predictions));
  });
});
