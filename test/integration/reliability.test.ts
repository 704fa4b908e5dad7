// In-host, against the emulator's fault injection: deploys under failure never lose what serves,
// never half-create, and retry what can be retried without duplicates.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages, type ShownMessage } from './support/messages';
import type { CloudRunService } from '../../src/serving/domain';
import { rawClients } from './support/rawClients';

type Result = { service: { name: string; latestReadyRevision?: string } };
const parent = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services`;

async function versions(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  return a.trees.models.getChildren(models[items.findIndex(i => i.label === model)]);
}

/**
 * Deploys `service`, injects `fault`, redeploys another version while recording notifications
 * (`answer` clicks a button), hands the error to `check`, then asserts that the first revision
 * still serves with the same traffic, and undeploys.
 */
async function failedRedeploy(a: ExtensionApi, service: string, fault: object, check: (error: ShownMessage, before: CloudRunService) => Promise<void> | void, answer?: (m: ShownMessage) => string | undefined) {
  const v = await versions(a, 'recsys-ranking');
  const ok = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: service });
  assert.ok(ok, 'the first deploy succeeded');
  const cloud = await a.services.session.cloud();
  const before = (await cloud.run.getService(ok.service.name))!;
  await emulatorPost('/faults', fault);
  const messages = captureMessages(answer);
  try {
    const failed = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[v.length - 1], { yes: true, serviceName: service });
    assert.equal(failed, undefined, 'the deploy reports a failure');
    await check(await messages.waitFor(m => m.level === 'error', 'the deploy error'), before);
  } finally {
    messages.restore();
  }
  const after = (await cloud.run.getService(ok.service.name))!;
  assert.equal(after.latestReadyRevision, before.latestReadyRevision, 'the same revision is ready');
  assert.deepEqual(after.trafficStatuses, before.trafficStatuses, 'traffic did not move');
  await vscode.commands.executeCommand('mlServing.undeploy', { service: ok.service.name }, { confirmed: true });
}

describe('reliability under injected faults', function () {
  this.timeout(90_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  afterEach(async () => { if (emulatorAdmin()) await emulatorDelete('/faults'); });

  it('an LRO that ends in error leaves the previous revision serving with its traffic', async () => {
    const cloudRunSays = 'Revision rel-lro-00002 failed to start: container exited (1)';
    await failedRedeploy(a, 'rel-lro', { kind: 'failLro', method: 'UpdateService', message: cloudRunSays }, (error, before) => {
      assert.ok(error.text.startsWith('Deploy of rel-lro failed'), error.text);
      assert.ok(error.text.includes(cloudRunSays), `Cloud Run's message in: ${error.text}`);
      assert.match(error.text, /previous revision still serves and keeps its traffic/);
      // The operation failed before any revision existed: the serving one is not blamed.
      assert.ok(!error.text.includes(before.latestReadyRevision!.split('/').pop()!), error.text);
      assert.deepEqual(error.actions, ['Show Service Logs', 'Show Logs']);
    });
  });

  it('a serving image never built: says so, keeps the old revision serving, and copies the Cloud Build command', async () => {
    await vscode.env.clipboard.writeText('');
    await failedRedeploy(a, 'rel-image', { kind: 'missingImage', image: 'tf-serving-native' }, async error => {
      const image = `${DEMO_REGION}-docker.pkg.dev/${DEMO_PROJECT}/ml-serving/tf-serving-native:2.19.0`;
      assert.ok(error.text.startsWith(`Deploy of rel-image failed: the serving image ${image} does not exist.`), error.text);
      assert.match(error.text, /Build it once with Cloud Build .* then deploy again\. The previous revision still serves and keeps its traffic\./);
      assert.deepEqual(error.actions, ['Copy Build Command', 'Show Logs']);
      let copied = '';
      for (const end = Date.now() + 5000; !copied && Date.now() < end; await new Promise(r => setTimeout(r, 100))) copied = await vscode.env.clipboard.readText();
      assert.match(copied, new RegExp(`^gcloud builds submit \\S*/deploy/tf_serving_native --project=${DEMO_PROJECT} --config=\\S*/deploy/tf_serving_native/cloudbuild\\.yaml --substitutions=_REGION=${DEMO_REGION}$`));
      // The folder it builds ships with the extension.
      const folder = copied.split(' ')[3];
      assert.ok(fs.existsSync(`${folder}/Dockerfile`), `${folder}/Dockerfile exists`);
    }, m => (m.level === 'error' ? 'Copy Build Command' : undefined));
  });

  it('PERMISSION_DENIED on create: nothing is created', async () => {
    const v = await versions(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'permissionDenied', method: 'CreateService' });
    const messages = captureMessages();
    try {
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-denied' });
      assert.equal(r, undefined);
      const error = await messages.waitFor(m => m.level === 'error', 'the permission error');
      assert.match(error.text, /^Permission denied deploying rel-denied: .*run\.services\.create/);
      assert.match(error.text, /Ask for roles\/run\.developer \(grants run\.services\.create\); nothing was changed\./);
    } finally {
      messages.restore();
    }
    const cloud = await a.services.session.cloud();
    assert.equal(await cloud.run.getService(`${parent}/rel-denied`), undefined);
  });

  it('RESOURCE_EXHAUSTED once: retried with backoff, one service, one revision', async () => {
    const v = await versions(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'resourceExhausted', method: 'CreateService', count: 1 });
    const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-quota' });
    assert.ok(r, 'the deploy succeeded after the retry');
    const cloud = await a.services.session.cloud();
    assert.equal((await cloud.run.listServices(DEMO_REGION)).filter(s => s.id === 'rel-quota').length, 1);
    assert.equal((await cloud.run.listRevisions(r.service.name)).length, 1);
    await vscode.commands.executeCommand('mlServing.undeploy', { service: r.service.name }, { confirmed: true });
  });

  it('RESOURCE_EXHAUSTED beyond the retries: said as quota, nothing created, and Retry deploys once the quota is back', async () => {
    const v = await versions(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'resourceExhausted', method: 'CreateService', count: 20 });
    const cloud = await a.services.session.cloud();
    // The user clicks Retry once the quota is back (here: the fault is lifted first).
    let answered = false;
    const messages = captureMessages(async m => {
      if (m.level !== 'error' || answered) return undefined;
      answered = true;
      assert.equal(await cloud.run.getService(`${parent}/rel-quota-out`), undefined, 'nothing created by the failed deploy');
      await emulatorDelete('/faults');
      return 'Retry';
    });
    try {
      assert.equal(await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-quota-out' }), undefined);
      const error = await messages.waitFor(m => m.level === 'error', 'the quota error');
      assert.match(error.text, /^Cloud Run quota exceeded deploying rel-quota-out: /);
      assert.match(error.text, /Nothing was changed\. Retry in a minute, or ask for more quota\./);
      assert.deepEqual(error.actions, ['Retry', 'Show Logs']);
      const done = await messages.waitFor(m => m.level === 'info' && m.text.startsWith('rel-quota-out is serving at'), 'the retried deploy to finish', 60_000);
      assert.ok(done);
      const services = (await cloud.run.listServices(DEMO_REGION)).filter(s => s.id === 'rel-quota-out');
      assert.equal(services.length, 1, 'one service');
      assert.equal((await cloud.run.listRevisions(services[0].name)).length, 1, 'one revision');
    } finally {
      messages.restore();
    }
    await vscode.commands.executeCommand('mlServing.undeploy', { service: `${parent}/rel-quota-out` }, { confirmed: true });
  });

  it('UNAVAILABLE on model upload: retried, exactly one new version', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    const run = roots[items.findIndex(i => i.contextValue === 'mlServing.run.pipeline.succeeded')];
    const models = await a.trees.models.getChildren();
    const model = (models[0] as unknown as { model: { name: string } }).model.name;
    const cloud = await a.services.session.cloud();
    const before = (await cloud.vertex.listModelVersions(model)).length;
    await emulatorPost('/faults', { kind: 'unavailable', method: 'UploadModel', count: 2 });
    const v = await vscode.commands.executeCommand<{ versionId: string }>('mlServing.registerModel', run, { parentModel: model });
    assert.ok(v);
    assert.equal((await cloud.vertex.listModelVersions(model)).length, before + 1);
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
  });

  it('after a reload mid-deploy the Serving tree shows the state Cloud Run reports, not memory', async () => {
    // A deploy started before the window reloaded: the new window's tree has no busy marker of its
    // own, so "Deploying" can only come from the service's reconciling state in Cloud Run.
    const cloud = await a.services.session.cloud();
    const v = await versions(a, 'recsys-ranking');
    const spec = { labels: { 'managed-by': 'ml-serving' }, template: { containers: [{ image: 'us-docker.pkg.dev/x/ml-serving/tf-serving-native:2.19.0', env: [{ name: 'MODEL_NAME', value: 'm' }] }] } };
    assert.ok(v.length);
    const [op] = await rawClients(cloud).run().services.createService({ parent: `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}`, serviceId: 'rel-reload', service: spec });
    a.trees.services.reset();
    const items = await Promise.all((await a.trees.services.getChildren()).map(n => a.trees.services.getTreeItem(n)));
    const row = items.find(i => i.label === 'rel-reload');
    assert.ok(row, 'the service is listed');
    assert.equal(row.contextValue, 'mlServing.service.deploying');
    assert.match(String(row.description), /Deploying/);
    await op.promise().catch(() => undefined);
    a.trees.services.reset();
    const after = await Promise.all((await a.trees.services.getChildren()).map(n => a.trees.services.getTreeItem(n)));
    assert.notEqual(after.find(i => i.label === 'rel-reload')?.contextValue, 'mlServing.service.deploying', 'once Cloud Run is done the row says so');
    await vscode.commands.executeCommand('mlServing.undeploy', { service: `${parent}/rel-reload` }, { confirmed: true });
  });
});
