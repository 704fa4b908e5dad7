// In-host: Deploy to Cloud Run against the emulator — spec, stand-in, new revision, canary,
// rollback, refusal of a concurrent deploy, a custom-op model (the zoo's, served by real TensorFlow)
// forced into the native container.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi, DEMO_PROJECT, DEMO_REGION } from './support/extension';
import { captureMessages } from './support/messages';
import { rawClients } from './support/rawClients';

type Result = { service: { name: string; uri?: string; state: string; latestReadyRevision?: string; trafficStatuses: Array<{ revision?: string; percent: number; tag?: string; type: string }> }; plan: { container: string; modelName: string; version: string | null } };

const SVC = 'itest-retrieval';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;

async function versionsOf(a: ExtensionApi, model: string) {
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === model)];
  assert.ok(node, `model ${model} in the Models tree`);
  return a.trees.models.getChildren(node);
}

describe('deploy to Cloud Run against the emulator', function () {
  this.timeout(90_000);
  let a: ExtensionApi;
  let first: Result;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    a.trees.models.reset();
  });
  after(async () => { if (emulatorAdmin()) await emulatorDelete('/faults'); });

  it('deploys a model version: native container, model mounted from GCS, the real server answers with an ID token', async () => {
    const versions = await versionsOf(a, 'recsys-ranking');
    first = (await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[versions.length - 1], { yes: true, serviceName: SVC }))!;
    assert.ok(first, 'deploy returned a result (see the ML Serving log if not)');
    assert.equal(first.plan.container, 'native');
    assert.equal(first.service.state, 'ready');
    assert.match(first.service.uri ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);

    const cloud = await a.services.session.cloud();
    const [raw] = await rawClients(cloud).run().services.getService({ name: NAME });
    const c = (raw as any).template.containers[0];
    assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath), [`/models/${first.plan.modelName}/${first.plan.version}`]);
    assert.equal((raw as any).template.volumes[0].gcs.bucket, 'demo-project-models');
    assert.equal((raw as any).labels['managed-by'], 'ml-serving');

    const status = `${first.service.uri}/v1/models/${first.plan.modelName}`;
    assert.equal((await fetch(status)).status, 403, 'authenticated by default: no token, no answer');
    const client = await rawClients(cloud).auth().getIdTokenClient(first.service.uri!);
    const res = await client.request<{ model_version_status: Array<{ state: string }> }>({ url: status });
    assert.equal(res.data.model_version_status[0].state, 'AVAILABLE');

    a.trees.services.reset();
    const items = await Promise.all((await a.trees.services.getChildren()).map(n => a.trees.services.getTreeItem(n)));
    const row = items.find(i => i.label === SVC);
    assert.ok(row, 'the Serving tree lists the service');
    assert.equal(row.contextValue, 'mlServing.service.ready');
    assert.match(String(row.description), /127\.0\.0\.1/);
  });

  it('redeploying another version adds a revision and keeps the first', async () => {
    const versions = await versionsOf(a, 'recsys-ranking');
    assert.ok(versions.length >= 2, 'the demo model has several versions');
    const second = (await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: SVC }))!;
    assert.ok(second);
    assert.notEqual(second.service.latestReadyRevision, first.service.latestReadyRevision);
    const cloud = await a.services.session.cloud();
    const revisions = await cloud.run.listRevisions(NAME);
    assert.equal(revisions.length, 2, revisions.map(r => r.id).join(', '));
    assert.ok(revisions.every(r => r.state === 'ready'));
  });

  it('canary sends the asked share to a revision with a tag; rollback sends everything back', async () => {
    const cloud = await a.services.session.cloud();
    const oldRev = first.service.latestReadyRevision!.split('/').pop()!;
    const canary = await vscode.commands.executeCommand<Result['service']>('mlServing.canary', { service: NAME }, { revision: oldRev, percent: 10, confirmed: true });
    assert.ok(canary);
    const split = (await cloud.run.getService(NAME))!.trafficStatuses;
    const c = split.find(t => t.revision?.endsWith(oldRev));
    assert.equal(c?.percent, 10);
    assert.equal(c?.tag, 'canary');
    assert.equal(split.reduce((s, t) => s + t.percent, 0), 100);

    await vscode.commands.executeCommand('mlServing.rollback', { service: NAME }, { revision: oldRev, confirmed: true });
    const after = (await cloud.run.getService(NAME))!.trafficStatuses;
    assert.deepEqual(after.filter(t => t.percent > 0).map(t => [t.revision?.split('/').pop(), t.percent]), [[oldRev, 100]]);
  });

  it('a custom-op model forced into the native container fails; the service shows TensorFlow\'s error and the old revision keeps serving', async () => {
    const cloud = await a.services.session.cloud();
    const before = (await cloud.run.getService(NAME))!;
    const scann = await versionsOf(a, 'recsys-retrieval-custom-op');
    // The user clicks the error's "Show Revision Logs".
    const messages = captureMessages(m => (m.level === 'error' ? 'Show Revision Logs' : undefined));
    let failed;
    try {
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', scann[0], { yes: true, serviceName: SVC, container: 'native' });
      assert.equal(r, undefined, 'the deploy reports a failure');
      const after = (await cloud.run.getService(NAME))!;
      assert.deepEqual(after.trafficStatuses, before.trafficStatuses, 'traffic did not move');
      const revisions = await cloud.run.listRevisions(NAME);
      failed = revisions.find(rv => rv.state === 'failed');
      assert.ok(failed, `a failed revision: ${revisions.map(x => `${x.id}:${x.state}`).join(', ')}`);
      // Cloud Run's condition says the container did not start; TF Serving's own error is in the revision's logs.
      assert.match(failed.message ?? '', /failed to start/);
      // What the user reads: the failed revision by name, the cause its log shows (not Cloud Run's
      // generic message), that the old one still serves; the fix comes first (issue 16, item 8).
      const error = await messages.waitFor(m => m.level === 'error', 'deploy error message');
      assert.ok(error.text.includes(`Deploy of ${SVC} failed (revision ${failed.id}): TF Serving cannot run this model: op MlServingDemo>TopKDot is not in its binary`), error.text);
      assert.match(error.text, /previous revision still serves and keeps its traffic/);
      assert.deepEqual(error.actions, ['Redeploy with the Python Server', 'Show Revision Logs', 'Show Logs']);
      // The click tails that revision's logs, where TF Serving says why.
      const logs = a.logs as unknown as { channels: { following(): Array<{ service: string; revision?: string }> } };
      await until(() => logs.channels.following().some(t => t.service === NAME && t.revision === failed!.id), 'the failed revision to be followed', 10_000);
      assert.deepEqual(logs.channels.following().filter(t => t.service === NAME).map(t => t.revision), [failed.id], 'the failed revision is followed');
    } finally {
      messages.restore();
      await vscode.commands.executeCommand('mlServing.logs.stop', NAME);
    }
    // The views tell what really serves: the service row warns and names the serving revision; the
    // custom-op version is not marked as served (the service's labels now name it), a ranking one is.
    a.trees.services.reset();
    const rows = await a.trees.services.getChildren();
    const row = (await Promise.all(rows.map(n => a.trees.services.getTreeItem(n)))).find(i => i.label === SVC);
    const serving = before.trafficStatuses.filter(t => t.percent > 0).map(t => t.revision?.split('/').pop() ?? before.latestReadyRevision!.split('/').pop());
    assert.equal(row?.description, `latest revision failed · serving ${serving.join(', ')} · ${before.uri}`);
    a.trees.models.reset();
    const servedText = async (model: string) => (await Promise.all((await versionsOf(a, model)).map(v => a.trees.models.getTreeItem(v)))).map(i => String(i.description));
    assert.ok((await servedText('recsys-retrieval-custom-op')).every(d => !d.includes(SVC)), 'the failed custom-op version is not shown as served');
    assert.ok((await servedText('recsys-ranking')).some(d => d.includes(`serving: ${SVC}`)), 'the ranking version that still serves is shown as served');
    const [entries] = await rawClients(cloud).logging().getEntries({
      filter: `resource.type="cloud_run_revision" AND resource.labels.revision_name="${failed!.id}" AND timestamp>="2000-01-01T00:00:00Z"`, autoPaginate: false, pageSize: 200,
    });
    const text = (entries as Array<{ data?: unknown }>).map(e => (typeof e.data === 'string' ? e.data : JSON.stringify(e.data))).join('\n');
    assert.match(text, /Op type not registered 'MlServingDemo>TopKDot' in binary running on/);
  });

  it('the routing picks the Python server for the custom-op model on its own', async () => {
    const scann = await versionsOf(a, 'recsys-retrieval-custom-op');
    const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', scann[0], { yes: true, serviceName: 'itest-scann' });
    assert.ok(r);
    assert.equal(r.plan.container, 'python');
    assert.equal(r.service.state, 'ready');
  });

  it('a second deploy of the same service while one runs is refused; UNAVAILABLE is retried without duplicates', async () => {
    const versions = await versionsOf(a, 'recsys-retrieval');
    await emulatorPost('/faults', { kind: 'latency', ms: 1500, method: 'CreateService' });
    await emulatorPost('/faults', { kind: 'unavailable', method: 'CreateService', count: 2 });
    const messages = captureMessages();
    let done: Result | undefined;
    try {
      const one = vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: 'itest-twice' });
      await new Promise(r => setTimeout(r, 300));
      const two = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: 'itest-twice' });
      assert.equal(two, undefined, 'the concurrent deploy is refused');
      // Refused by the lock, saying why (not by a failure of the second create).
      const refused = await messages.waitFor(m => m.level === 'error', 'the refusal');
      assert.match(refused.text, /^A deploy of itest-twice is already running\./);
      done = await one;
    } finally {
      messages.restore();
    }
    await emulatorDelete('/faults');
    assert.ok(done, 'the first deploy went through after the retries');
    const cloud = await a.services.session.cloud();
    const all = await cloud.run.listServices(DEMO_REGION);
    assert.equal(all.filter(s => s.id === 'itest-twice').length, 1);
    assert.equal((await cloud.run.listRevisions(done!.service.name)).length, 1, 'one revision, no duplicate');
    await vscode.commands.executeCommand('mlServing.undeploy', { service: done!.service.name }, { confirmed: true });
  });

  it('rejects bad answers naming the field, before any call', async () => {
    const versions = await versionsOf(a, 'recsys-retrieval');
    for (const bad of [{ serviceName: 'Bad_Name', yes: true }, { region: 'mars-1', yes: true }, { cpu: 'lots', yes: true }, { bogus: 1 }]) {
      const r = await vscode.commands.executeCommand('mlServing.deploy', versions[0], bad);
      assert.equal(r, undefined, JSON.stringify(bad));
    }
    const cloud = await a.services.session.cloud();
    assert.equal(await cloud.run.getService(`projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/bad-name`), undefined);
  });

  it('undeploy deletes the service only after the modal confirmation naming it', async () => {
    const name = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/itest-scann`;
    const cloud = await a.services.session.cloud();
    // First the user dismisses the modal: nothing is deleted. Then confirms it.
    let answer: string | undefined;
    const messages = captureMessages(m => (m.modal ? answer : undefined));
    try {
      await vscode.commands.executeCommand('mlServing.undeploy', { service: name });
      const modal = await messages.waitFor(m => Boolean(m.modal), 'the undeploy modal');
      assert.equal(modal.text, 'Delete the Cloud Run service itest-scann?');
      assert.match(modal.detail ?? '', /stops answering and all its revisions are deleted/);
      assert.deepEqual(modal.actions, ['Delete Service']);
      assert.ok(await cloud.run.getService(name), 'dismissed: the service is still there');
      answer = 'Delete Service';
      await vscode.commands.executeCommand('mlServing.undeploy', { service: name });
    } finally {
      messages.restore();
    }
    assert.equal(messages.shown.filter(m => m.modal).length, 2);
    assert.equal(await cloud.run.getService(name), undefined);
  });
});
