// In-host: a Test Prediction panel comes back after a window reload from the state its webview saved.
// VS Code calls the predict serializer with that state; these tests call the registered serializer the
// same way (a reload cannot happen inside one extension-host run). An endpoint's state reopens the
// panel on that endpoint, answering through it (the real TensorFlow server behind the emulator); a
// state saved before endpoints ({serviceName}) still goes to its Cloud Run service; an endpoint that
// is gone gives a page that says so; a malformed state is refused with the bad field in the log.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VertexEndpoint } from '../../src/serving/endpoints/types';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import type { PredictPanels } from '../../src/features/predict/panels';
import { PREDICT_VIEW_TYPE, type HostMessage } from '../../src/protocol/predict';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, until, useDemoProject, type ExtensionApi } from './support/extension';
import { zooManifest, zooModel, type ZooManifest } from './support/zoo';

type DeployResult = { endpoint: VertexEndpoint; deployedModelId: string } | undefined;
type PredictFeature = { serializer: vscode.WebviewPanelSerializer; panels: PredictPanels };

const MODEL = 'recsys-retrieval';
const NAME = 'it-restore-endpoint';

function predictOf(a: ExtensionApi): PredictFeature {
  const p = (a as { predict?: PredictFeature }).predict;
  assert.ok(p?.serializer && p.panels, 'activate() returns the predict feature (extension.ts: `get predict()`)');
  return p;
}

/** Every file under the extension's log folder, as text. */
function logText(a: ExtensionApi): string {
  const dir = a.logUri.fsPath;
  if (!fs.existsSync(dir)) return '';
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map(f => path.join(dir, f)).filter(f => fs.statSync(f).isFile())
    .map(f => fs.readFileSync(f, 'utf8')).join('\n');
}

/** A panel as VS Code hands it to a serializer after a reload. */
const blankPanel = () => vscode.window.createWebviewPanel(PREDICT_VIEW_TYPE, 'Test Prediction', vscode.ViewColumn.Active, { enableScripts: true });

function recorder(panel: PredictPanel) {
  const seen: HostMessage[] = [];
  panel.onDidPost(m => seen.push(m));
  const next = async <T extends HostMessage['type']>(type: T, requestId?: string): Promise<Extract<HostMessage, { type: T }>> => {
    for (let i = 0; i < 1200; i++) {
      const m = seen.find(x => x.type === type && (!requestId || (x as { requestId?: string }).requestId === requestId));
      if (m) return m as Extract<HostMessage, { type: T }>;
      const failed = seen.find(x => x.type === 'metadataError' || x.type === 'requestFailed');
      if (failed) throw new Error(JSON.stringify(failed));
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`no ${type}; saw ${seen.map(x => x.type).join(', ')}`);
  };
  return { seen, next };
}

describe('Test Prediction panels restored after a reload (issue 17)', function () {
  this.timeout(300_000);
  let a: ExtensionApi;
  let manifest: ZooManifest | undefined;
  let endpoint: VertexEndpoint | undefined;
  const opened: vscode.WebviewPanel[] = [];

  before(async function () {
    if (!emulatorAdmin()) {
      console.log('    (skipped: no emulator; node scripts/test.mjs provides one)');
      this.skip();
    }
    manifest = zooManifest();
    a = await useDemoProject();
  });

  afterEach(() => {
    for (const p of opened.splice(0)) p.dispose();
  });

  after(async () => {
    if (!endpoint || !a) return;
    const api = (await a.services.session.cloud()).apis.endpoints;
    const fresh = await api.getEndpoint(endpoint.name).catch(() => undefined);
    for (const d of fresh?.deployedModels ?? []) await api.undeployModel(endpoint.name, d.id, undefined).catch(() => undefined);
    await api.deleteEndpoint(endpoint.name).catch(() => undefined);
  });

  it('an endpoint panel\'s saved state reopens the panel on that endpoint: form, ranked answer through the endpoint, curl', async function () {
    if (!manifest) this.skip();
    a.trees.models.reset();
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const node = models[items.findIndex(i => i.label === MODEL)];
    assert.ok(node, `${MODEL} in the Models tree`);
    const versions = await a.trees.models.getChildren(node);
    const deployed = await vscode.commands.executeCommand<DeployResult>('mlServing.endpoints.deploy', versions[versions.length - 1],
      { newEndpoint: NAME, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, yes: true });
    assert.ok(deployed, 'the deploy returned a result (see the ML Serving log if not)');
    endpoint = deployed.endpoint;

    const { serializer, panels } = predictOf(a);
    assert.equal(panels.get(endpoint.name), undefined, 'no panel on the endpoint before the restore');
    const vsPanel = blankPanel();
    opened.push(vsPanel);
    // What the webview saved (webview/predict/state.ts persist()): the target, the signature, the view.
    await serializer.deserializeWebviewPanel(vsPanel, { target: { kind: 'endpoint', name: endpoint.name, deployedModelId: deployed.deployedModelId }, signature: 'serving_default', view: 'form' });
    const panel = panels.get(endpoint.name);
    assert.ok(panel, 'the serializer adopted the panel for the endpoint');
    assert.equal(panel.panel, vsPanel, 'the restored tab itself, not a new one');
    assert.equal(vsPanel.title, `Test ${NAME}`);
    assert.equal(panel.info.kind, 'endpoint');
    assert.equal(panel.info.deployedModelId, deployed.deployedModelId);
    assert.deepEqual(panel.initialState, { target: { kind: 'endpoint', name: endpoint.name, deployedModelId: deployed.deployedModelId } });

    const rec = recorder(panel);
    await panel.handle({ type: 'ready' });
    const init = await rec.next('init');
    assert.equal(init.service.name, endpoint.name);
    const meta = await rec.next('metadata');
    const sd = meta.schemas.find(s => s.signature === 'serving_default');
    assert.ok(sd, 'serving_default in the form');
    const zoo = zooModel(manifest!, 'retrieval');
    assert.deepEqual(sd.fields.map(f => f.name).sort(), Object.keys(zoo.signatures.serving_default.inputs).sort());

    // The answer through the endpoint is what TensorFlow computed in process for the same input.
    const sample = zoo.samples.find(s => s.signature_name === 'serving_default')!;
    const body = JSON.stringify({ instances: (sample.request.instances as unknown[]).slice(0, 1) });
    await panel.handle({ type: 'send', requestId: 'restored1', signature: 'serving_default', body });
    const r = await rec.next('response', 'restored1');
    assert.equal(r.status, 200, r.bodyText);
    const got = JSON.parse(r.bodyText).predictions[0] as { product_ids: string[]; scores: number[] };
    const want = (sample.expected.predictions as Array<{ product_ids: string[]; scores: number[] }>)[0];
    assert.equal(got.product_ids.length, manifest!.k);
    assert.deepEqual(got.product_ids, want.product_ids);
    got.scores.forEach((s, i) => assert.ok(Math.abs(s - want.scores[i]) <= manifest!.float_tolerance, `score ${i}: ${s} vs ${want.scores[i]}`));

    // Copy as curl: Vertex AI's rawPredict URL of this endpoint, with an access token.
    await panel.handle({ type: 'copyCurl', signature: 'serving_default', body });
    const notice = await rec.next('notice');
    assert.match(notice.text, /print-access-token/);
    const curl = await vscode.env.clipboard.readText();
    assert.ok(curl.includes(`https://${DEMO_REGION}-aiplatform.googleapis.com/v1/${endpoint.name}:rawPredict`), curl);
    assert.ok(curl.includes('$(gcloud auth print-access-token)'), curl);
  });

  it('an endpoint that is gone restores to a page that says so (not a crash, not a silent close)', async () => {
    const { serializer, panels } = predictOf(a);
    const gone = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/endpoints/9999999999`;
    const vsPanel = blankPanel();
    opened.push(vsPanel);
    let disposed = false;
    vsPanel.onDidDispose(() => { disposed = true; });
    await serializer.deserializeWebviewPanel(vsPanel, { target: { kind: 'endpoint', name: gone } });
    assert.equal(disposed, false, 'the tab stays open');
    assert.equal(panels.get(gone), undefined);
    assert.match(vsPanel.webview.html, new RegExp(`The Vertex AI endpoint ${gone} is gone\\. Close this tab`));
  });

  it('a state saved before endpoints ({serviceName}) still restores its Cloud Run service', async () => {
    const { serializer } = predictOf(a);
    // No such service in the demo project: the restore went to Cloud Run and says the service is gone.
    const svc = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/it-restore-no-such-service`;
    const vsPanel = blankPanel();
    opened.push(vsPanel);
    await serializer.deserializeWebviewPanel(vsPanel, { serviceName: svc, signature: 'serving_default' });
    assert.match(vsPanel.webview.html, new RegExp(`The service ${svc} is gone\\.`));
  });

  it('a malformed state is refused: the tab closes and the log names the bad field', async () => {
    const { serializer } = predictOf(a);
    const vsPanel = blankPanel();
    opened.push(vsPanel);
    let disposed = false;
    vsPanel.onDidDispose(() => { disposed = true; });
    await serializer.deserializeWebviewPanel(vsPanel, { target: { kind: 'endpoint', name: '../../../etc/passwd' } });
    assert.equal(disposed, true, 'the tab is closed');
    await until(() => /state\.target\.name: expected projects\/P\/locations\/R\/endpoints\/E, got "\.\.\/\.\.\/\.\.\/etc\/passwd"/.test(logText(a)), 'the log line naming state.target.name', 10_000);
  });
});
