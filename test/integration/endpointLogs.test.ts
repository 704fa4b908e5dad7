// In-host: Tail Endpoint Logs. A zoo model is deployed to a new Vertex AI endpoint (the real
// TensorFlow server behind the emulator), the deployed model's row in the Serving view is tailed
// with mlServing.endpoints.tailLogs, a prediction is sent through the endpoint, and the endpoint's
// output channel shows the access-log line Vertex AI writes for that request, and not a line of
// another deployed model of the same endpoint; the endpoint's own row shows both.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VertexEndpoint } from '../../src/serving/endpoints/types';
import type { LogsFeature } from '../../src/features/logs/register';
import { emulatorAdmin, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { deployToNewEndpoint, modelVersions, predictRanking, removeEndpoint, writeOtherModelLine } from './support/endpoints';


function logsOf(a: ExtensionApi): LogsFeature {
  const logs = (a as { logs?: LogsFeature }).logs;
  assert.ok(logs, 'activate() does not return the logs feature');
  return logs;
}

/** The Serving view's row of one deployed model of endpoint `name` (what the user right-clicks). */
async function deployedModelRow(a: ExtensionApi, name: string, deployedModelId: string): Promise<{ row: unknown; endpointRow: unknown }> {
  a.trees.services.reset();
  const roots = await a.trees.services.getChildren();
  const rootItems = await Promise.all(roots.map(r => a.trees.services.getTreeItem(r)));
  const group = roots[rootItems.findIndex(i => i.label === 'Vertex AI endpoints')];
  assert.ok(group, `the Vertex AI endpoints group (have ${rootItems.map(i => i.label).join(', ')})`);
  const eps = await a.trees.services.getChildren(group);
  const epItems = await Promise.all(eps.map(e => a.trees.services.getTreeItem(e)));
  const epNode = eps[epItems.findIndex(i => i.label === name)];
  assert.ok(epNode, `endpoint ${name} in the tree`);
  const rows = await a.trees.services.getChildren(epNode);
  const row = rows.find(r => (r as { target?: { deployedModelId?: string } }).target?.deployedModelId === deployedModelId);
  assert.ok(row, `deployed model ${deployedModelId} under ${name}`);
  const item = await a.trees.services.getTreeItem(row);
  assert.match(String(item.contextValue), /^mlServing\.deployedModel\./, 'the row the Tail Endpoint Logs menu item is on');
  return { row, endpointRow: epNode };
}

describe('Vertex AI endpoints: Tail Endpoint Logs', function () {
  this.timeout(240_000);
  let a: ExtensionApi;
  let logs: LogsFeature;
  const NAME = 'it-eplogs-endpoint';
  let endpoint: VertexEndpoint | undefined;
  let tailName: string | undefined;

  before(async function () {
    if (!emulatorAdmin()) {
      console.log('    (skipped: no emulator; node scripts/test.mjs provides one)');
      this.skip();
    }
    a = await useDemoProject();
    logs = logsOf(a);
  });

  after(async () => {
    if (!a) return;
    if (tailName) await vscode.commands.executeCommand('mlServing.logs.stop', tailName).then(undefined, () => undefined);
    await removeEndpoint(a, endpoint);
  });

  it('right-click a deployed model → Tail Endpoint Logs: the channel shows the prediction\'s log line, not another deployed model\'s', async () => {
    // A zoo model's version, deployed to a new endpoint (as endpoints.test.ts does).
    const { versions } = await modelVersions(a, 'recsys-ranking');
    const deployed = await deployToNewEndpoint(versions[0], NAME);
    endpoint = deployed.endpoint;
    const dmId = deployed.deployedModelId;

    // Bad arguments are refused with an error naming the field, and no tail opens.
    const before = logs.tails.size;
    const shown = captureMessages();
    try {
      assert.equal(await vscode.commands.executeCommand('mlServing.endpoints.tailLogs', { endpoint: endpoint.name, deployedModelId: 'x" OR "1"="1' }), undefined);
      await shown.waitFor(m => m.level === 'error' && /^deployedModelId: expected a deployed model id/.test(m.text), 'the deployedModelId error');
      assert.equal(await vscode.commands.executeCommand('mlServing.endpoints.tailLogs', { endpoint: 'projects/p/endpoints/1' }), undefined);
      await shown.waitFor(m => m.level === 'error' && /^endpoint: expected projects\/P\/locations\/R\/endpoints\/ID/.test(m.text), 'the endpoint error');
    } finally {
      shown.restore();
    }
    assert.equal(logs.tails.size, before, 'bad input opened no tail');

    const { row, endpointRow } = await deployedModelRow(a, NAME, dmId);
    let text = '';
    const sub = logs.channels.onDidAppend(e => { if (e.service === tailName) text += e.text + '\n'; });
    try {
      tailName = await vscode.commands.executeCommand<string>('mlServing.endpoints.tailLogs', row);
      assert.equal(tailName, `${endpoint.name}/deployedModels/${dmId}`);
      const session = await until(() => logs.tails.get(tailName!)?.state === 'live' && logs.tails.get(tailName!), 'the tail to go live');
      assert.equal(session.target.kind, 'endpoint');
      assert.ok(logs.channels.isFollowing(tailName), 'the output channel follows the deployed model');

      // Another deployed model's line on the same endpoint: must not reach this channel.
      await writeOtherModelLine(endpoint, 'line of another deployed model');

      // A prediction through the endpoint: Vertex AI's access log names the deployed model.
      const p = await predictRanking(a, endpoint);
      assert.equal(p.deployedModelId, dmId);
      await until(() => text.includes(`{"deployedModelId":"${dmId}","status":200}`), `the prediction's access line in the channel (have:\n${text})`);
      assert.match(text, new RegExp(`^\\S+ \\S+ INFO +- \\{"deployedModelId":"${dmId}","status":200\\}$`, 'm'), text);
      // The prediction container's own output (the real server starting) is in the same channel.
      assert.match(text, /tf_serving_python: model model version \d+ AVAILABLE/, text);
      assert.match(logs.channels.channel(tailName)!.name, new RegExp(`^ML Serving Logs: endpoint ${NAME} / recsys-ranking v\\d+$`));
      assert.ok(!text.includes('line of another deployed model'), `another deployed model's line reached the channel:\n${text}`);
    } finally {
      sub.dispose();
    }

    // The endpoint's row: every deployed model's lines, this one's request included.
    let all = '';
    const allSub = logs.channels.onDidAppend(e => { if (e.service === endpoint!.name) all += e.text + '\n'; });
    try {
      assert.equal(await vscode.commands.executeCommand<string>('mlServing.endpoints.tailLogs', endpointRow), endpoint.name);
      await until(() => all.includes('line of another deployed model') && all.includes(`{"deployedModelId":"${dmId}","status":200}`), `both deployed models' lines in the endpoint's channel (have:\n${all})`);
      assert.equal(logs.channels.channel(endpoint.name)!.name, `ML Serving Logs: endpoint ${NAME}`);
    } finally {
      allSub.dispose();
    }
    // Stopped by the name the tail command returned, and by the deployed model's row.
    assert.equal(await vscode.commands.executeCommand<string>('mlServing.logs.stop', endpoint.name), endpoint.name);
    assert.equal(logs.channels.isFollowing(endpoint.name), false);
    assert.equal(await vscode.commands.executeCommand<string>('mlServing.logs.stop', row), tailName);
    assert.equal(logs.channels.isFollowing(tailName!), false);
    assert.equal(logs.tails.get(tailName!), undefined, 'the tail closed when nothing listens');
    tailName = undefined;
  });
});
