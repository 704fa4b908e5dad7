// In-host: the deploy tool's Vertex AI endpoint target against the emulator (real TF behind the
// endpoint when the stage serves with it). Like agents.test.ts: bad input through
// vscode.lm.invokeTool; the confirmed call through the registered tool's prepareInvocation then
// invoke (code-server cannot click a tool's confirmation without a chat session).
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, useDemoProject, type ExtensionApi, DEMO_REGION } from './support/extension';

const EP = 'itest-tool-endpoint';
const never = new vscode.CancellationTokenSource().token;
const textOf = (r: vscode.LanguageModelToolResult) => r.content.map(p => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
const call = async (name: string, input: object) => textOf(await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, never));

describe('language model tools: endpoint deploy tool against the emulator', function () {
  this.timeout(240_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  const ours = async () => (await (await a.services.session.cloud()).apis.endpoints.listEndpoints(DEMO_REGION)).filter(e => e.displayName === EP);
  after(async () => {
    if (!emulatorAdmin()) return;
    const api = (await a.services.session.cloud()).apis.endpoints;
    for (const e of await ours()) {
      for (const d of e.deployedModels) await api.undeployModel(e.name, d.id, undefined).catch(() => undefined);
      await api.deleteEndpoint(e.name).catch(() => undefined);
    }
  });

  it('deploys a model version to a new endpoint after the confirmation shown in chat (the modal\'s text); 100% in the endpoint', async () => {
    const models = await call('mlServing_list', { kind: 'models' });
    const m = /recsys-ranking v(\d+) \[[^\]]*\] us-central1 — (projects\/\S+\/models\/[^@\s]+)@\d+/.exec(models);
    assert.ok(m, models);
    const [, version, model] = m;

    // Bad input is refused naming the field, before anything is read or changed.
    await assert.rejects(call('mlServing_deploy', { model, version, newEndpoint: EP, cpu: '2' }), /cpu: a Cloud Run field/);
    await assert.rejects(call('mlServing_deploy', { model, version, newEndpoint: EP, trafficShare: 101 }), /trafficShare: expected a whole number from 0 to 100/);
    await assert.rejects(call('mlServing_deploy', { model, version, machineType: 'n1-standard-2' }), /machineType: only with endpoint or newEndpoint/);

    const tool = a.agents.tools.mlServing_deploy;
    const input = { model, version, newEndpoint: EP };
    const prepared = await tool.prepareInvocation!({ input }, never);
    const title = String(prepared?.confirmationMessages?.title);
    assert.equal(title, `Deploy recsys-ranking v${version} to a new endpoint "${EP}"?`);
    const message = (prepared?.confirmationMessages?.message as vscode.MarkdownString).value;
    assert.match(message, /Machine: n1-standard-2; replicas 1–1/);
    assert.match(message, new RegExp(`Traffic of a new endpoint "${EP}":\\n\\s+recsys-ranking v${version}: new → 100%`));
    assert.equal((await ours()).length, 0, 'the preview created nothing');

    const result = textOf((await tool.invoke({ input, toolInvocationToken: undefined }, never))!);
    assert.match(result, new RegExp(`^Deployed to Vertex AI endpoint ${EP} \\(projects/\\S+/endpoints/\\S+\\) as deployed model (\\S+)\\. Traffic: recsys-ranking v${version} \\(deployed model \\S+\\) 100%\\.$`));
    const [e] = await ours();
    assert.ok(e, 'the endpoint exists');
    assert.equal(e.deployedModels.length, 1);
    assert.equal(e.deployedModels[0].modelVersionId, version);
    assert.deepEqual(e.trafficSplit, { [e.deployedModels[0].id]: 100 });
  });
});
