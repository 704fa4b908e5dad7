// In-host, against the emulator's permission fault: a rollback and an undeploy Cloud Run refuses,
// and a registration Vertex AI refuses, end in advice — the missing permission and the role to ask for — not in "7 PERMISSION_DENIED…".
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';

const PARENT = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}`;
const ID = 'adv-denied';
const NAME = `${PARENT}/services/${ID}`;

describe('errors become advice (in-host, emulator faults)', function () {
  this.timeout(90_000);
  let a: ExtensionApi;
  let first: string;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    const cloud = await a.services.session.cloud();
    // A plain image: the emulator runs its hello container, so two revisions are ready in seconds.
    const container = (v: string) => ({ image: 'gcr.io/cloudrun/hello', env: [{ name: 'V', value: v }] });
    await cloud.apis.runWrite.create(PARENT, ID, { labels: { 'managed-by': 'ml-serving' }, template: { containers: [container('1')] } });
    const raw = (await cloud.apis.runWrite.getRaw(NAME))!;
    await cloud.apis.runWrite.update({ ...raw, template: { ...raw.template, containers: [container('2')] } });
    let revisions = await cloud.run.listRevisions(NAME);
    for (const end = Date.now() + 30_000; !(revisions.length === 2 && revisions.every(r => r.state === 'ready')); revisions = await cloud.run.listRevisions(NAME)) {
      if (Date.now() > end) throw new Error(`timed out waiting for two ready revisions: ${JSON.stringify(revisions.map(r => [r.id, r.state]))}`);
      await new Promise(r => setTimeout(r, 200));
    }
    first = revisions[revisions.length - 1].id;
  });

  afterEach(async () => { if (emulatorAdmin()) await emulatorDelete('/faults'); });
  after(async () => {
    if (!emulatorAdmin()) return;
    const cloud = await a.services.session.cloud();
    await cloud.apis.runWrite.remove(NAME).catch(() => undefined);
  });

  it('rollback refused: the message names run.services.update and roles/run.developer', async () => {
    await emulatorPost('/faults', { kind: 'permissionDenied', method: 'UpdateService' });
    const messages = captureMessages();
    try {
      const result = await vscode.commands.executeCommand('mlServing.rollback', { service: NAME }, { revision: first, confirmed: true });
      assert.equal(result, undefined, 'the rollback reports a failure');
      const error = await messages.waitFor(m => m.level === 'error', 'the rollback error');
      assert.match(error.text, /^Permission denied: you lack run\.services\.update in project demo-project\./);
      assert.match(error.text, /Ask a project owner for roles\/run\.developer \(it grants run\.services\.update\)/);
      assert.doesNotMatch(error.text, /PERMISSION_DENIED/);
    } finally {
      messages.restore();
    }
    const cloud = await a.services.session.cloud();
    const after = (await cloud.run.getService(NAME))!;
    assert.ok(after.trafficStatuses.every(t => t.revision !== first || t.percent === 0), 'no traffic moved to the old revision');
  });

  it('undeploy refused: the message names run.services.delete and the role to ask for', async () => {
    await emulatorPost('/faults', { kind: 'permissionDenied', method: 'DeleteService' });
    const messages = captureMessages();
    try {
      await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true });
      const error = await messages.waitFor(m => m.level === 'error', 'the undeploy error');
      assert.match(error.text, /^Permission denied: you lack run\.services\.delete in project demo-project\./);
      assert.match(error.text, /roles\/run\.developer/);
    } finally {
      messages.restore();
    }
    const cloud = await a.services.session.cloud();
    assert.ok(await cloud.run.getService(NAME), 'the service is still there');
  });

  it('register refused: the message names aiplatform.models.upload and roles/aiplatform.user', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const messages = captureMessages();
    try {
      const roots = await a.trees.runs.getChildren();
      const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
      const run = roots[items.findIndex(i => i.contextValue === 'mlServing.run.pipeline.succeeded')];
      assert.ok(run, 'a succeeded pipeline run');
      const model = ((await a.trees.models.getChildren())[0] as unknown as { model: { name: string } }).model.name;
      await emulatorPost('/faults', { kind: 'permissionDenied', method: 'UploadModel' });
      const v = await vscode.commands.executeCommand('mlServing.registerModel', run, { parentModel: model });
      assert.equal(v, undefined, 'nothing was registered');
      const error = await messages.waitFor(m => m.level === 'error', 'the register error');
      assert.match(error.text, /^Permission denied: you lack aiplatform\.models\.upload in project demo-project\./);
      assert.match(error.text, /Ask a project owner for roles\/aiplatform\.user/);
    } finally {
      messages.restore();
      await vscode.commands.executeCommand('mlServing.runs.clearFilter');
    }
  });
});
