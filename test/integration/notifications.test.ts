// In-host (issue 16, item 1): every button of every notification the deploy flow shows does what it
// says when the user clicks it. The buttons other suites already click (Show Revision Logs, Copy
// Build Command, Retry) are left to them; this file clicks the rest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages, type ShownMessage } from './support/messages';
import { encodeSavedModel } from '../../src/serving/savedModel/encode';
import { plainSpec } from '../unit/helpers/savedModelFixtures';

type Result = { service: { name: string; uri?: string } };
const parent = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services`;
const PREDICT_VIEW_TYPE = 'mlServing.predict';

async function versions(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  return a.trees.models.getChildren(models[items.findIndex(i => i.label === model)]);
}

/** The editor tabs showing a Test Prediction panel, by title. */
function predictTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap(g => g.tabs)
    .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PREDICT_VIEW_TYPE))
    .map(t => t.label);
}

const following = (a: ExtensionApi) => (a.logs as unknown as { channels: { following(): Array<{ service: string; revision?: string }> } }).channels.following();

describe('every notification button works (issue 16 item 1)', function () {
  this.timeout(90_000);
  let a: ExtensionApi;
  const created: string[] = [];

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  afterEach(async () => { if (emulatorAdmin()) await emulatorDelete('/faults'); });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of created) {
      await vscode.commands.executeCommand('mlServing.logs.stop', name);
      await vscode.commands.executeCommand('mlServing.undeploy', { service: name }, { confirmed: true });
    }
  });

  /** Deploys `service` while the "user" clicks `button` on the success notification; returns it. */
  async function deployAndClick(service: string, button: string): Promise<{ result: Result; success: ShownMessage; shown: ShownMessage[] }> {
    const v = await versions(a, 'recsys-ranking');
    const messages = captureMessages(m => (m.level === 'info' && m.text.includes(' is serving at ') ? button : undefined));
    try {
      const result = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: service });
      assert.ok(result, 'the deploy succeeded');
      created.push(result.service.name);
      const success = await messages.waitFor(m => m.level === 'info' && m.text.startsWith(`${service} is serving at `), 'the deploy-success notification');
      assert.deepEqual(success.actions, ['Test Prediction', 'Tail Logs', 'Copy URL']);
      // Let the click's command run (or fail, which would show an error).
      await new Promise(r => setTimeout(r, 500));
      return { result, success, shown: messages.shown };
    } finally {
      messages.restore();
    }
  }

  it('deploy success → Test Prediction opens the service\'s Test Prediction panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { shown } = await deployAndClick('notify-predict', 'Test Prediction');
    await until(() => predictTabs().includes('Test notify-predict'), 'the "Test notify-predict" panel', 15_000).catch(e => {
      throw new Error(`${(e as Error).message}; notifications: ${JSON.stringify(shown)}`);
    });
    assert.deepEqual(shown.filter(m => m.level === 'error'), [], 'no error after the click');
  });

  it('deploy success → Tail Logs follows the service\'s logs', async () => {
    const { result, shown } = await deployAndClick('notify-tail', 'Tail Logs');
    await until(() => following(a).some(t => t.service === result.service.name), 'the service\'s logs to be followed', 15_000);
    assert.deepEqual(shown.filter(m => m.level === 'error'), [], 'no error after the click');
  });

  it('deploy success → Copy URL puts the service URL on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    const { result } = await deployAndClick('notify-url', 'Copy URL');
    assert.match(result.service.uri ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    let copied = '';
    for (const end = Date.now() + 5000; copied !== result.service.uri && Date.now() < end; await new Promise(r => setTimeout(r, 100))) copied = await vscode.env.clipboard.readText();
    assert.equal(copied, result.service.uri);
  });

  it('a failed redeploy → Show Service Logs follows the service; Show Logs shows the ML Serving log', async () => {
    const service = 'notify-fail';
    const v = await versions(a, 'recsys-ranking');
    const ok = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: service });
    assert.ok(ok, 'the first deploy succeeded');
    created.push(ok.service.name);
    const channel = a.services.channel as unknown as { show: (...args: unknown[]) => void };
    const show = channel.show;
    let shownLog = 0;
    channel.show = (...args: unknown[]) => { shownLog++; return show.apply(a.services.channel, args); };
    try {
      for (const button of ['Show Service Logs', 'Show Logs']) {
        await emulatorPost('/faults', { kind: 'failLro', method: 'UpdateService', message: 'container exited (1)' });
        const messages = captureMessages(m => (m.level === 'error' ? button : undefined));
        try {
          const failed = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[v.length - 1], { yes: true, serviceName: service });
          assert.equal(failed, undefined, 'the deploy reports a failure');
          const error = await messages.waitFor(m => m.level === 'error', 'the deploy error');
          assert.deepEqual(error.actions, ['Show Service Logs', 'Show Logs']);
        } finally {
          messages.restore();
        }
        if (button === 'Show Service Logs') await until(() => following(a).some(t => t.service === `${parent}/${service}` && !t.revision), 'the service\'s logs to be followed', 15_000);
        else await until(() => shownLog > 0, 'the ML Serving log channel to be shown', 15_000);
      }
    } finally {
      channel.show = show;
    }
  });
});

describe('a SavedModel without a serve meta graph, deployed (issue 16 item 3)', function () {
  this.timeout(90_000);
  let a: ExtensionApi;
  const DISPLAY = 'itest-hub-module';

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });

  it('the deploy error says which tags the model has and that TF Serving needs serve', async () => {
    const cloud = await a.services.session.cloud();
    // A TF1 Hub module: one meta graph, no tags.
    // The emulator's Cloud Storage is read-only over the wire and serves its data folder (GET /state names it).
    const { dataDir } = await (await fetch(`${emulatorAdmin()}/state`)).json() as { dataDir: string };
    const dir = path.join(dataDir, 'demo-project-models', 'itest-hub-module', '1');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'saved_model.pb'), encodeSavedModel({ ...plainSpec, tags: [] }));
    await cloud.vertex.uploadModel(DEMO_REGION, { displayName: DISPLAY, artifactUri: 'gs://demo-project-models/itest-hub-module', labels: {}, containerImage: 'tensorflow/serving:2.19.0' });
    const v = await versions(a, DISPLAY);
    assert.ok(v.length, 'the uploaded model is listed');
    const messages = captureMessages();
    try {
      const r = await vscode.commands.executeCommand('mlServing.deploy', v[0], { yes: true, serviceName: 'itest-hub' });
      assert.equal(r, undefined, 'nothing deployed');
      const error = await messages.waitFor(m => m.level === 'error', 'the deploy error');
      assert.match(error.text, /cannot be served: .*no meta graph tagged exactly 'serve' \(found \[\] \(untagged, as in a TF1 Hub module\)\); the SavedModel is valid, but TF Serving loads the 'serve' meta graph/);
      assert.doesNotMatch(error.text, /damaged|not a SavedModel/);
    } finally {
      messages.restore();
    }
    const state = await (await fetch(`${emulatorAdmin()}/state`)).json() as { services: Array<{ name: string }> };
    assert.ok(!state.services.some(s => s.name.endsWith('/itest-hub')), 'no service was created');
  });
});
