// Errors become advice (issue 15 item 6): src/gcp classifies a Google failure where CloudApis
// throws it, and the command wrapper's toUserError turns it into what to do — the permission and
// the role to ask for, an "Enable API" button, "Sign In". Driven through the in-memory CloudApis,
// which wraps its adapters exactly as buildCloudApis does.
import { strict as assert } from 'node:assert';
import { adviceText, CancelledError, cloudFailureOf, toUserError, UserError } from '../../src/common/errors';
import { markCloudFailure } from '../../src/gcp/errors';
import { predictOnce } from '../../src/gcp/predictCall';
import { TailSession } from '../../src/serving/logs/tailSession';
import type { MarkerItem } from '../../src/serving/logs/items';
import { listRows } from '../../src/serving/inventory/listing';
import { apiDisabled, FakeCloud, grpcError, permissionDenied } from './support/fakeCloud';

const SVC = 'projects/demo-project/locations/us-central1/services/recsys';

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('errors become advice (toUserError)', () => {
  it('permission: a rollback denied names the missing permission and the role to ask for', async () => {
    const cloud = new FakeCloud();
    cloud.addService('recsys');
    cloud.failNext('runWrite.setTraffic', permissionDenied('run.services.update', SVC));
    const e = await failureOf(cloud.runWrite.setTraffic(SVC, [{ type: 'LATEST', percent: 100 }]));
    // Callers that look at the gRPC code still see it: the error object is the same.
    assert.equal((e as { code?: number }).code, 7);
    const u = toUserError(e);
    assert.ok(u instanceof UserError);
    assert.equal(u.message, 'Permission denied: you lack run.services.update in project demo-project.');
    assert.match(u.next ?? '', /roles\/run\.developer \(it grants run\.services\.update\)/);
    assert.doesNotMatch(`${u.message} ${u.next}`, /PERMISSION_DENIED|^7 /);
  });

  it('permission without a named permission: the role of the API that refused (undeploy → run.developer, register → aiplatform.user, logs → logging.viewer)', async () => {
    const cloud = new FakeCloud();
    cloud.addService('recsys');
    cloud.failNext('runWrite.remove', grpcError(7, 'The caller does not have permission'));
    cloud.failNext('vertex.uploadModel', grpcError(7, 'The caller does not have permission'));
    cloud.failNext('logs.list', grpcError(7, 'The caller does not have permission'));
    const cases: Array<[Promise<unknown>, string]> = [
      [cloud.runWrite.remove(SVC), 'roles/run.developer'],
      [cloud.vertex.uploadModel('us-central1', { displayName: 'm', artifactUri: 'gs://b/m', labels: {}, containerImage: 'x' }), 'roles/aiplatform.user'],
      [cloud.logs.list('timestamp>="2026-01-01T00:00:00Z"', 10), 'roles/logging.viewer'],
    ];
    for (const [call, role] of cases) {
      const u = toUserError(await failureOf(call)) as UserError;
      assert.ok(u instanceof UserError, role);
      assert.match(u.message, /^Permission denied: The caller does not have permission in project demo-project\.$/);
      assert.match(u.next ?? '', new RegExp(`Ask a project owner for ${role.replace(/[./]/g, '\\$&')}, then retry`));
    }
  });

  it('API disabled: an "Enable API" action opening the console page of that API in the project', async () => {
    const cloud = new FakeCloud();
    cloud.failNext('run.listServices', apiDisabled('run.googleapis.com', 'Cloud Run Admin API'));
    const u = toUserError(await failureOf(cloud.run.listServices('us-central1'))) as UserError;
    assert.ok(u instanceof UserError);
    assert.equal(u.message, 'run.googleapis.com is not enabled in project demo-project.');
    assert.deepEqual(u.actions.map(a => [a.title, a.command, a.args]), [['Enable API', 'mlServing.openUrl', ['https://console.cloud.google.com/apis/library/run.googleapis.com?project=demo-project']]]);
  });

  it('unauthenticated: a "Sign In" action (gRPC 16 and the credentials error alike)', async () => {
    const cloud = new FakeCloud();
    cloud.failNext('vertex.listModels', grpcError(16, 'Request had invalid authentication credentials.'));
    cloud.failNext('run.getService', new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'));
    for (const call of [cloud.vertex.listModels('us-central1', { pageSize: 5 }), cloud.run.getService(SVC)]) {
      const u = toUserError(await failureOf(call)) as UserError;
      assert.ok(u instanceof UserError);
      assert.match(u.message, /^Not signed in to Google Cloud \(/);
      assert.deepEqual(u.actions.map(a => [a.title, a.command]), [['Sign In', 'mlServing.signIn']]);
    }
  });

  it('a broken log tail arrives classified, so the logs flow can advise too', async () => {
    const cloud = new FakeCloud();
    const stream = cloud.logs.tail('resource.type="cloud_run_revision"');
    const got = new Promise<unknown>(resolve => stream.on('error', resolve));
    cloud.breakTails(permissionDenied('logging.logEntries.list'));
    const u = toUserError(await got) as UserError;
    assert.match(u.next ?? '', /roles\/logging\.viewer \(it grants logging\.logEntries\.list\)/);
  });

  it('logs: a tail refused for lack of permission stops with the role to ask for, in its state and its marker', async () => {
    const cloud = new FakeCloud();
    const session = new TailSession({ service: SVC, source: async () => cloud.logs, advice: adviceText, timing: { initialBackoffMs: 5, maxBackoffMs: 20, backfillSize: 5 } });
    const markers: MarkerItem[] = [];
    session.subscribe(e => { if (e.type === 'items') markers.push(...e.items.filter((i): i is MarkerItem => i.kind === 'marker')); });
    session.start();
    try {
      const end = Date.now() + 2000;
      while (session.state !== 'live' && Date.now() < end) await new Promise(r => setTimeout(r, 2));
      assert.equal(session.state, 'live');
      cloud.breakTails(permissionDenied('logging.logEntries.list', 'projects/demo-project'));
      assert.equal(session.state, 'failed');
      assert.match(session.detail ?? '', /^Permission denied: you lack logging\.logEntries\.list in project demo-project\. Ask a project owner for roles\/logging\.viewer/);
      const stopped = markers.find(m => m.text.startsWith('The log stream stopped'));
      assert.match(stopped?.detail ?? '', /roles\/logging\.viewer/);
    } finally {
      session.close();
    }
  });

  it('leaves alone what it cannot advise on: not found, unavailable, bugs, user errors, cancellation', async () => {
    const cloud = new FakeCloud();
    cloud.failNext('run.listRevisions', grpcError(14, 'connection reset'));
    const unavailable = await failureOf(cloud.run.listRevisions(SVC));
    assert.equal(toUserError(unavailable), unavailable);
    assert.equal(cloudFailureOf(unavailable)?.kind, 'unavailable');
    const notFound = markCloudFailure(grpcError(5, 'nope'));
    assert.equal(toUserError(notFound), notFound);
    const bug = new TypeError('x is undefined');
    assert.equal(toUserError(bug), bug);
    assert.equal(cloudFailureOf(markCloudFailure(bug)), undefined);
    const user = new UserError('already advice');
    assert.equal(toUserError(user), user);
    const cancel = new CancelledError();
    assert.equal(toUserError(cancel), cancel);
  });

  it('a classification is not enumerable: the error compares and prints as before', () => {
    const e = markCloudFailure(permissionDenied('run.services.get')) as Error;
    assert.deepEqual(Object.keys(e).sort(), ['code', 'details']);
    assert.equal(JSON.stringify(e), JSON.stringify(permissionDenied('run.services.get')));
  });
});

describe('the in-memory CloudApis (test/unit/support/fakeCloud.ts)', () => {
  it('lists what it holds through the shared listing code, and reads a service as raw JSON + ServingSpec', async () => {
    const cloud = new FakeCloud();
    cloud.addService('recsys', { env: { MODEL_NAME: 'recsys' }, labels: { 'managed-by': 'ml-serving' } });
    cloud.addService('other');
    const rows = await listRows('services', cloud, { regions: ['us-central1'], allServices: true });
    assert.deepEqual(rows.map(r => r.displayName), ['other', 'recsys']);
    const read = await cloud.runWrite.read(SVC);
    assert.equal(read?.spec.env.MODEL_NAME, 'recsys');
    assert.equal(read?.service.uri, 'https://recsys-fake-uc.a.run.app');
    assert.deepEqual(cloud.calls, ['run.listServices us-central1', `runWrite.read ${SVC}`]);
  });

  it('predictOnce against the emulator refuses a URL that is not on this machine, before any token is asked', async () => {
    const cloud = new FakeCloud({ connection: { kind: 'emulator', endpoints: { vertex: '127.0.0.1:1', run: '127.0.0.1:2', logging: '127.0.0.1:3', storage: 'http://127.0.0.1:4', admin: 'http://127.0.0.1:5' } } });
    const raw = cloud.addService('recsys', { env: { MODEL_NAME: 'recsys' } });
    const service = (await cloud.run.getService(raw.name))!;
    await assert.rejects(predictOnce(cloud, service, '{"instances":[1]}'), /not on this machine/);
    assert.ok(!cloud.calls.some(c => c.startsWith('idTokens.')), 'no token was asked for');
  });
});
