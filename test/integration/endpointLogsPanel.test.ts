// In-host: the serving-logs panel on a Vertex AI endpoint. A zoo model is deployed to a new
// endpoint (the real TensorFlow server behind the emulator) and asked a prediction; the deployed
// model's row in the Serving view → Open Serving Logs Panel shows the request row Vertex AI logs
// for it, and not another deployed model's line; opening again reveals the same panel (one per
// target). A custom-op model deployed on Vertex AI's prebuilt TF container fails to start (the
// emulator runs it with the stock binary's ops): the endpoint's panel shows the recognised
// failure with Vertex AI's advice, and so does a model server that dies at start (the emulator's
// modelStartFails fault). A restored panel with a forged state is closed, not followed.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VertexEndpoint } from '../../src/serving/endpoints/types';
import type { LogsFeature } from '../../src/features/logs/register';
import type { RecognizedFailure } from '../../src/features/logs/failureWatcher';
import type { LogsPanel } from '../../src/features/logs/logsPanel';
import type { EntryItem, HostToWebview, LogItem, MarkerItem } from '../../src/protocol/logs';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';
import { predictRanking, writeOtherModelLine } from './support/endpoints';

type DeployResult = { endpoint: VertexEndpoint; deployedModelId: string } | undefined;

function logsOf(a: ExtensionApi): LogsFeature {
  const logs = (a as { logs?: LogsFeature }).logs;
  assert.ok(logs, 'activate() does not return the logs feature');
  return logs;
}

async function childByLabel(a: ExtensionApi, tree: 'models' | 'services', parent: unknown, label: string): Promise<unknown> {
  const t = a.trees[tree] as vscode.TreeDataProvider<unknown> & { reset(): void };
  const nodes = (await t.getChildren(parent as never)) ?? [];
  const items = await Promise.all(nodes.map(n => t.getTreeItem(n)));
  const i = items.findIndex(x => x.label === label);
  assert.ok(i >= 0, `${label} in the ${tree} tree (have ${items.map(x => x.label).join(', ')})`);
  return nodes[i];
}

/** The Serving view's rows of endpoint `name`: the endpoint and its deployed model `id`. */
async function endpointRows(a: ExtensionApi, name: string, deployedModelId?: string): Promise<{ endpointRow: unknown; row?: unknown }> {
  a.trees.services.reset();
  const group = await childByLabel(a, 'services', undefined, 'Vertex AI endpoints');
  const endpointRow = await childByLabel(a, 'services', group, name);
  if (!deployedModelId) return { endpointRow };
  const rows = await a.trees.services.getChildren(endpointRow as never);
  const row = rows.find(r => (r as { target?: { deployedModelId?: string } }).target?.deployedModelId === deployedModelId);
  assert.ok(row, `deployed model ${deployedModelId} under ${name}`);
  const item = await a.trees.services.getTreeItem(row);
  assert.match(String(item.contextValue), /^mlServing\.deployedModel\./, 'the row the Open Serving Logs Panel menu item is on');
  return { endpointRow, row };
}

/** What the panel posted to its webview since it opened. */
function recordPanel(panel: LogsPanel) {
  const items: LogItem[] = [];
  const inits: Array<Extract<HostToWebview, { type: 'init' }>> = [];
  const sub = panel.onDidPost(m => {
    if (m.type === 'items') {
      if (m.replace) items.length = 0;
      items.push(...m.items);
    } else if (m.type === 'init') inits.push(m);
  });
  return { items, inits, dispose: () => sub.dispose() };
}

async function cleanUp(a: ExtensionApi, endpoint: string | undefined): Promise<void> {
  if (!endpoint) return;
  const api = (await a.services.session.cloud()).apis.endpoints;
  const fresh = await api.getEndpoint(endpoint).catch(() => undefined);
  for (const d of fresh?.deployedModels ?? []) await api.undeployModel(endpoint, d.id, undefined).catch(() => undefined);
  await api.deleteEndpoint(endpoint).catch(() => undefined);
}

describe('Vertex AI endpoints: the serving-logs panel', function () {
  this.timeout(240_000);
  let a: ExtensionApi;
  let logs: LogsFeature;
  const opened: LogsPanel[] = [];
  const endpoints: string[] = [];

  before(async function () {
    if (!emulatorAdmin()) {
      console.log('    (skipped: no emulator; node scripts/test.mjs provides one)');
      this.skip();
    }
    a = await useDemoProject();
    logs = logsOf(a);
  });

  after(async () => {
    for (const p of opened) p.dispose();
    if (!a) return;
    for (const e of endpoints) await cleanUp(a, e);
  });

  it('right-click a deployed model → Open Serving Logs Panel: the prediction\'s request row, not another deployed model\'s line', async () => {
    const NAME = 'it-eplogs-panel';
    const model = await childByLabel(a, 'models', undefined, 'recsys-ranking');
    const versions = await a.trees.models.getChildren(model as never);
    const deployed = await vscode.commands.executeCommand<DeployResult>('mlServing.endpoints.deploy', versions[versions.length - 1],
      { newEndpoint: NAME, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, yes: true });
    assert.ok(deployed, 'the deploy returned a result (see the ML Serving log if not)');
    const endpoint = deployed.endpoint;
    endpoints.push(endpoint.name);
    const dmId = deployed.deployedModelId;

    const { row, endpointRow } = await endpointRows(a, NAME, dmId);
    const name = await vscode.commands.executeCommand<string>('mlServing.logs.openPanel', row);
    assert.equal(name, `${endpoint.name}/deployedModels/${dmId}`);
    const panel = logs.panels.get(name);
    assert.ok(panel, 'a panel keyed by the deployed model');
    opened.push(panel);
    const rec = recordPanel(panel);
    try {
      assert.match(panel.panel.title, new RegExp(`^Logs: endpoint ${NAME} / recsys-ranking v\\d+$`));
      await until(() => panel.isReady && panel.session.state === 'live', 'the webview to load and the tail to go live');
      assert.equal(panel.session.target.kind, 'endpoint');
      const init = await until(() => rec.inits[rec.inits.length - 1], 'the init message');
      assert.equal(init.target, 'endpoint', 'the second filter selects deployed models');
      assert.equal(init.console, true, 'the Cloud Console button is offered');

      // Another deployed model's line on the same endpoint must not reach this panel.
      await writeOtherModelLine(endpoint, 'panel: line of another deployed model');

      // A prediction through the endpoint: Vertex AI's access log is a request row of this deployed model.
      const p = await predictRanking(a, endpoint);
      assert.equal(p.deployedModelId, dmId);
      const request = await until(() => rec.items.find((i): i is EntryItem => i.kind === 'entry' && !!i.request && i.request.url.endsWith(`${endpoint.name}:predict`)), 'the prediction\'s request row in the panel');
      assert.equal(request.request!.method, 'POST');
      assert.equal(request.request!.status, 200);
      assert.ok(request.request!.latencyMs !== undefined, 'the row shows its latency');
      assert.equal(request.deployedModelId, dmId, 'the row names its deployed model');
      assert.equal(request.log, 'aiplatform.googleapis.com/prediction_access');
      // The container's own output is there too (the real server starting).
      assert.ok(rec.items.some(i => i.kind === 'entry' && /model version \d+ AVAILABLE/.test(i.message)), 'the prediction container\'s output');
      assert.ok(!rec.items.some(i => i.kind === 'entry' && i.message.includes('line of another deployed model')), 'another deployed model\'s line reached the panel');

      // One panel per target: the same row reveals the same panel; the endpoint's row opens its own.
      assert.equal(await vscode.commands.executeCommand<string>('mlServing.logs.openPanel', row), name);
      assert.equal(logs.panels.get(name), panel);
      assert.equal(await vscode.commands.executeCommand<string>('mlServing.logs.openPanel', endpointRow), endpoint.name);
      const whole = logs.panels.get(endpoint.name);
      assert.ok(whole && whole !== panel, 'the endpoint has its own panel');
      opened.push(whole);
      await until(() => whole.session.snapshot().some(i => i.kind === 'entry' && i.message.includes('line of another deployed model')), 'the endpoint\'s panel shows every deployed model');
    } finally {
      rec.dispose();
    }
  });

  it('a custom-op model deployed on the prebuilt TF container: the endpoint\'s panel shows the recognised failure', async () => {
    const cloud = await a.services.session.cloud();
    const api = cloud.apis.endpoints;
    const ep = await api.createEndpoint(DEMO_REGION, 'it-eplogs-panel-customop', {});
    endpoints.push(ep.name);
    const recognized: RecognizedFailure[] = [];
    const watch = logs.failures.onDidRecognize(r => { if (r.service === ep.name) recognized.push(r); });
    const name = await vscode.commands.executeCommand<string>('mlServing.logs.openPanel', { endpoint: ep.name });
    assert.equal(name, ep.name);
    const panel = logs.panels.get(ep.name);
    assert.ok(panel);
    opened.push(panel);
    const rec = recordPanel(panel);
    try {
      await until(() => panel.isReady && panel.session.state === 'live', 'the panel to go live');
      const model = await childByLabel(a, 'models', undefined, 'recsys-retrieval-custom-op');
      const versions = await a.trees.models.getChildren(model as never);
      const v = (versions[0] as { target?: { version?: { modelName: string; versionId: string; containerImage?: string } } }).target?.version;
      assert.ok(v, 'the custom-op version node carries its version');
      assert.match(String(v.containerImage), /vertex-ai\/prediction\/tf2-cpu/, 'registered with Vertex AI\'s prebuilt TF container');
      // Straight through the API: the extension's own deploy would route this model to the Python image.
      await assert.rejects(api.deployModel(ep.name, { model: `${v.modelName}@${v.versionId}`, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficSplit: { 0: 100 } }), /Model server exited unexpectedly/);

      const marker = await until(() => rec.items.find((i): i is MarkerItem => i.kind === 'marker' && i.level === 'failure'), 'the recognised failure in the panel');
      assert.match(marker.text, /^deployed model \d+: Vertex AI's prebuilt TensorFlow container cannot run this model: op MlServingDemo>TopKDot is not in its binary\.$/);
      assert.match(marker.detail ?? '', /needs the Python image; redeploy with Deploy to Vertex AI Endpoint .*routes custom-op models to it/);
      assert.equal(marker.action, undefined, 'the model never joined the endpoint: no one-click redeploy of an unknown version');
      // The line it was read from is in the panel too: TensorFlow's own text.
      assert.ok(rec.items.some(i => i.kind === 'entry' && i.severity === 'ERROR' && /Op type not registered 'MlServingDemo>TopKDot'/.test(i.message)), 'TensorFlow\'s error line');
      const r = await until(() => recognized[0], 'the failure event');
      assert.deepEqual(r.failure, { kind: 'opNotRegistered', op: 'MlServingDemo>TopKDot' });
      assert.equal(recognized.length, 1, 'reported once for the deployed model');

      // The emulator's modelStartFails fault: the model server dies at start, its line is recognised.
      const ranking = await childByLabel(a, 'models', undefined, 'recsys-ranking');
      const rv = ((await a.trees.models.getChildren(ranking as never)).pop() as { target?: { version?: { modelName: string; versionId: string } } }).target?.version;
      assert.ok(rv);
      await emulatorPost('/faults', { kind: 'modelStartFails' });
      await assert.rejects(api.deployModel(ep.name, { model: `${rv.modelName}@${rv.versionId}`, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficSplit: { 0: 100 } }), /Model server exited unexpectedly/);
      const died = await until(() => rec.items.find((i): i is MarkerItem => i.kind === 'marker' && i.level === 'failure' && /exited while starting/.test(i.text)), 'the model-server exit in the panel');
      assert.match(died.text, /^The model server of deployed model \d+ exited while starting\.$/);
      assert.match(died.detail ?? '', /the endpoint keeps its traffic.*injected fault/);
    } finally {
      watch.dispose();
      rec.dispose();
      await emulatorDelete('/faults').catch(() => undefined);
    }
  });

  it('a restored panel with a forged endpoint state is closed, and a valid one follows its endpoint', async () => {
    const forged = vscode.window.createWebviewPanel('mlServing.logs', 'Logs: forged', vscode.ViewColumn.Active, {});
    let closed = false;
    forged.onDidDispose(() => { closed = true; });
    const bad = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/endpoints/1/deployedModels/1" OR "1"="1`;
    await logs.serializer.deserializeWebviewPanel(forged, { service: bad });
    assert.equal(closed, true, 'the forged panel was closed');
    assert.equal(logs.panels.get(bad), undefined);
    assert.equal(logs.tails.get(bad), undefined, 'no tail opened for it');

    const good = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/endpoints/4242`;
    const restored = vscode.window.createWebviewPanel('mlServing.logs', 'Logs: endpoint restored', vscode.ViewColumn.Active, { enableScripts: true });
    await logs.serializer.deserializeWebviewPanel(restored, { service: good, label: 'endpoint restored' });
    const p = logs.panels.get(good);
    assert.ok(p, 'the restored panel follows the endpoint');
    opened.push(p);
    assert.equal(p.target.serviceId, 'endpoint restored');
    assert.equal(p.session.target.kind, 'endpoint');
  });
});
