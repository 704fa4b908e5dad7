// In-host: the language model tools against the emulator. Read-only tools go through
// vscode.lm.invokeTool as a chat participant would call them. Changing tools are driven through
// their prepareInvocation then invoke (what VS Code does around the user's confirmation): without a
// chat session, code-server 4.99 shows its own workbench dialog for a tool's confirmation, which
// the extension host cannot click, so those calls use the registered tool objects directly.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorAdmin, emulatorPost, useDemoProject, type ExtensionApi, DEMO_PROJECT, DEMO_REGION } from './support/extension';
import { captureMessages } from './support/messages';

const SVC = 'itest-agents';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
const never = new vscode.CancellationTokenSource().token;

function textOf(r: vscode.LanguageModelToolResult): string {
  return r.content.map(p => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

async function call(name: string, input: object): Promise<string> {
  return textOf(await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, never));
}

describe('language model tools against the emulator', function () {
  this.timeout(180_000);
  let a: ExtensionApi;
  let tools: Record<string, vscode.LanguageModelTool<unknown>>;
  let model: string;
  let version: string;
  let modelUri: string;

  /** prepareInvocation, then invoke: the path VS Code takes once the user confirmed. */
  async function confirmedCall(name: string, input: object) {
    const t = tools[name];
    const prepared = await t.prepareInvocation!({ input }, never);
    const result = textOf((await t.invoke({ input, toolInvocationToken: undefined }, never))!);
    return { prepared, result };
  }

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    tools = a.agents.tools;
  });
  // Its revisions are real servers: do not leave them to the suites after this one.
  after(async () => {
    if (emulatorAdmin()) await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true });
  });

  it('contributes and registers every tool with its schema', () => {
    const ours = vscode.lm.tools.filter(t => t.name.startsWith('mlServing_'));
    assert.deepEqual(ours.map(t => t.name).sort(), ['mlServing_compare', 'mlServing_deploy', 'mlServing_inspectModel', 'mlServing_list', 'mlServing_moveTraffic', 'mlServing_predict', 'mlServing_serviceErrors']);
    for (const t of ours) assert.equal((t.inputSchema as { type?: string }).type, 'object', t.name);
  });

  it('lists registered model versions and runs through vscode.lm.invokeTool', async () => {
    const models = await call('mlServing_list', { kind: 'models' });
    const m = /recsys-ranking v(\d+) \[[^\]]*\] us-central1 — (projects\/\S+\/models\/[^@\s]+)@\d+\n\s+(gs:\/\/\S+)/.exec(models);
    assert.ok(m, `a recsys-ranking version in:\n${models}`);
    [, version, model, modelUri] = m;
    const runs = await call('mlServing_list', { kind: 'runs' });
    assert.match(runs, /\[(succeeded|failed|running|pending|cancelled)\]/);
    assert.doesNotMatch(models + runs, /ya29\.|Bearer|eyJ[A-Za-z0-9_-]{10,}/, 'no tokens in results');
  });

  it('a bad input is refused naming the field', async () => {
    await assert.rejects(call('mlServing_list', { kind: 'deployments' }), /kind: expected one of runs, models, services, endpoints/);
    await assert.rejects(call('mlServing_list', { kind: 'runs', region: 'mars-north1' }), /region: /);
    await assert.rejects(call('mlServing_inspectModel', { modelUri: '/etc/passwd' }), /modelUri: expected a gs:\/\/bucket\/path/);
    await assert.rejects(call('mlServing_serviceErrors', { service: 'itest-agents' }), /service: expected a Cloud Run service name/);
    await assert.rejects(tools.mlServing_moveTraffic.prepareInvocation!({ input: { service: NAME, action: 'canary', revision: 'x-1' } }, never) as Promise<unknown>, /percent: required/);
  });

  it('inspects the model: signatures, custom ops and the container with why', async () => {
    const r = await call('mlServing_inspectModel', { modelUri });
    assert.match(r, /Signatures \(meta graph "serve"\)/);
    assert.match(r, /serving_default/);
    assert.match(r, /Container {3}native TF Serving/);
    assert.match(r, /Servable: yes \(native\)/);
  });

  it('deploys after the user confirmed the plan in chat, with no second modal', async () => {
    const msgs = captureMessages(() => undefined);
    try {
      const input = { model, version, serviceName: SVC };
      const { prepared, result } = await confirmedCall('mlServing_deploy', input);
      const conf = prepared!.confirmationMessages!;
      assert.equal(conf.title, `Deploy ${SVC} to Cloud Run?`);
      const shown = typeof conf.message === 'string' ? conf.message : conf.message.value;
      assert.match(shown, new RegExp(`New service ${SVC} in ${DEMO_REGION}`));
      assert.match(shown, /Container: native TF Serving/);
      assert.match(shown, /Access: authenticated/);
      assert.match(result, new RegExp(`${SVC} is ready at http://127\\.0\\.0\\.1:\\d+: revision ${SVC}-`));
      assert.equal(msgs.shown.filter(m => m.modal).length, 0, `no modal: ${JSON.stringify(msgs.shown)}`);
    } finally {
      msgs.restore();
    }
    const s = await (await a.services.session.cloud()).run.getService(NAME);
    assert.equal(s?.state, 'ready');
  });

  it('a deploy invoked without a confirmation shown gets the command\'s own confirmation, and nothing changes when it is dismissed', async () => {
    const cloud = await a.services.session.cloud();
    const before = (await cloud.run.listRevisions(NAME)).length;
    const win = vscode.window as unknown as { showQuickPick: (...args: unknown[]) => Thenable<unknown> };
    const original = win.showQuickPick;
    const picks: string[] = [];
    win.showQuickPick = async (_items: unknown, opts?: unknown) => { picks.push(String((opts as { title?: string })?.title)); return undefined; };
    try {
      // Another caller claiming a confirmation: a JSON look-alike of the chat token is no token.
      const forged = await vscode.commands.executeCommand('mlServing.deploy', { model, version }, { serviceName: SVC, memory: '2Gi', chat: { kind: 'ml-serving-chat-confirmed' } });
      assert.equal(forged, undefined);
      const r = textOf((await tools.mlServing_deploy.invoke({ input: { model, version, serviceName: SVC, memory: '2Gi' }, toolInvocationToken: undefined }, never))!);
      assert.match(r, /Nothing was deployed/);
    } finally {
      win.showQuickPick = original;
    }
    assert.deepEqual(picks, [`Deploy to Cloud Run: new revision of ${SVC}`, `Deploy to Cloud Run: new revision of ${SVC}`]);
    assert.equal((await cloud.run.listRevisions(NAME)).length, before, 'no new revision');
  });

  it('a redeploy shows the field diff the modal shows', async () => {
    const { prepared } = await (async () => {
      const input = { service: NAME, memory: '2Gi' };
      const p = await tools.mlServing_deploy.prepareInvocation!({ input }, never);
      return { prepared: p };
    })();
    const shown = prepared!.confirmationMessages!.message;
    const text = typeof shown === 'string' ? shown : shown.value;
    assert.match(text, /New revision of itest-agents/);
    assert.match(text, /Changes \(old → new\):/);
    assert.match(text, /memory \(serving\): \d+[GM]i → 2Gi/);
  });

  it('predicts with a payload after confirmation; refuses without one', async () => {
    const ins = await call('mlServing_inspectModel', { modelUri });
    const inputs = [...ins.matchAll(/^ {4}in {2}(\S+): (DT_\w+)/gm)];
    assert.ok(inputs.length, ins);
    const instance = Object.fromEntries(inputs.map(([, n, dt]) => [n, dt === 'DT_STRING' ? 'user_1' : /INT/.test(dt) ? 3 : 1.5]));
    const input = { service: NAME, body: { instances: [instance] } };
    await assert.rejects(Promise.resolve(tools.mlServing_predict.invoke({ input, toolInvocationToken: undefined }, never)), /Not confirmed/);
    const { prepared, result } = await confirmedCall('mlServing_predict', input);
    const conf = prepared!.confirmationMessages!;
    assert.match(typeof conf.message === 'string' ? conf.message : conf.message.value, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/\S+:predict/);
    assert.match(result, /^HTTP 200 from itest-agents/);
    assert.match(result, /"predictions"/);
    assert.doesNotMatch(result, /Bearer|eyJ[A-Za-z0-9_-]{10,}/);
    await assert.rejects(call('mlServing_predict', { service: NAME, body: { rows: [] } }), /body\.rows: not a predict request key/);
  });

  it('moves traffic: canary, then promote, each confirmed once; an unconfirmed move shows the modal and changes nothing', async () => {
    const cloud = await a.services.session.cloud();
    // A second revision to send canary traffic to.
    await confirmedCall('mlServing_deploy', { service: NAME, memory: '1Gi' });
    const revisions = (await cloud.run.listRevisions(NAME)).map(r => r.id).sort();
    assert.ok(revisions.length >= 2, revisions.join(', '));
    const older = revisions[0];
    const msgs = captureMessages(() => undefined);
    try {
      const unconfirmed = textOf((await tools.mlServing_moveTraffic.invoke({ input: { service: NAME, action: 'canary', revision: older, percent: 20 }, toolInvocationToken: undefined }, never))!);
      assert.match(unconfirmed, /was not changed/);
      const modal = await msgs.waitFor(m => Boolean(m.modal), 'the canary modal');
      assert.equal(modal.text, `Send 20% of ${SVC}'s traffic to ${older}?`);
      assert.equal((await cloud.run.getService(NAME))!.trafficStatuses.some(t => t.tag === 'canary'), false);

      const { prepared, result } = await confirmedCall('mlServing_moveTraffic', { service: NAME, action: 'canary', revision: older, percent: 20 });
      assert.equal(prepared!.confirmationMessages!.title, `Send 20% of ${SVC}'s traffic to ${older}?`);
      const detail = prepared!.confirmationMessages!.message;
      assert.match(typeof detail === 'string' ? detail : detail.value, new RegExp(`${older}.*0% → 20%`));
      assert.match(result, new RegExp(`canary done on ${SVC}\\. Traffic now: .*${older} 20% tag canary`));
      const promoted = await confirmedCall('mlServing_moveTraffic', { service: NAME, action: 'promote' });
      assert.match(promoted.result, new RegExp(`promote done on ${SVC}\\. Traffic now: ${older} 100%`));
      assert.equal(msgs.shown.filter(m => m.modal).length, 1, `only the unconfirmed call's modal: ${JSON.stringify(msgs.shown.filter(m => m.modal))}`);
    } finally {
      msgs.restore();
    }
  });

  it('a traffic confirmation is for what was shown: a change in between gets the modal', async () => {
    const cloud = await a.services.session.cloud();
    const revisions = (await cloud.run.listRevisions(NAME)).map(r => r.id).sort();
    const newest = revisions[revisions.length - 1];
    const msgs = captureMessages(() => undefined);
    try {
      const input = { service: NAME, action: 'rollback', revision: newest };
      await tools.mlServing_moveTraffic.prepareInvocation!({ input }, never);
      // Someone else moves traffic after the user saw the plan.
      await vscode.commands.executeCommand('mlServing.canary', { service: NAME }, { revision: newest, percent: 30, confirmed: true });
      const r = textOf((await tools.mlServing_moveTraffic.invoke({ input, toolInvocationToken: undefined }, never))!);
      assert.match(r, /was not changed/);
      assert.ok(msgs.shown.some(m => m.modal && m.text === `Roll ${SVC} back to ${newest}?`), JSON.stringify(msgs.shown));
    } finally {
      msgs.restore();
    }
  });

  it('reads the service\'s recent errors with the recognised failures', async () => {
    const rev = `${SVC}-00009-zzz`;
    await emulatorPost('/logs', [{
      logName: `projects/${DEMO_PROJECT}/logs/${encodeURIComponent('run.googleapis.com/stderr')}`,
      resource: { type: 'cloud_run_revision', labels: { service_name: SVC, revision_name: rev, location: DEMO_REGION, project_id: DEMO_PROJECT } },
      severity: 'ERROR', timestamp: new Date().toISOString(),
      textPayload: "Loading servable failed: Op type not registered 'TopKDot' in binary running on localhost.",
    }]);
    const r = await call('mlServing_serviceErrors', { service: NAME, minutes: 30 });
    assert.match(r, new RegExp(`^${SVC} \\(${DEMO_REGION}\\), last 30 min: \\d+ log entries read`));
    assert.match(r, new RegExp(`Recognised failures:\\n- op TopKDot is not registered in this container .* — 1×, e\\.g\\. in ${rev}`));
    assert.match(r, new RegExp(`ERROR ${rev}: Loading servable failed: Op type not registered 'TopKDot'`));
  });

  it('lists Vertex AI endpoints with each deployed model, its version and traffic', async () => {
    const api = (await a.services.session.cloud()).apis.endpoints;
    // A real endpoint on the emulator with one deployed model (a real TF server behind it).
    const ep = await api.createEndpoint(DEMO_REGION, 'itest-agents-ep', {});
    try {
      const dm = await api.deployModel(ep.name, { model: `${model}@${version}`, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficSplit: { 0: 100 } });
      const r = await call('mlServing_list', { kind: 'endpoints', region: DEMO_REGION });
      assert.match(r, /^Vertex AI endpoints in /);
      assert.ok(r.includes(`itest-agents-ep [1 deployed] ${DEMO_REGION} — ${ep.name}`), r);
      assert.ok(r.includes(`(deployed model ${dm.id}): ${model} version ${version}, traffic 100%`), r);
    } finally {
      const fresh = await api.getEndpoint(ep.name).catch(() => undefined);
      for (const d of fresh?.deployedModels ?? []) await api.undeployModel(ep.name, d.id, undefined).catch(() => undefined);
      await api.deleteEndpoint(ep.name).catch(() => undefined);
    }
  });

  it('compares two revisions: the numbers the command finds, tags only after the confirmation shown in chat', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the integration stage opens a workspace folder');
    const cloud = await a.services.session.cloud();
    const ready = (await cloud.run.listRevisions(NAME)).filter(r => r.state === 'ready').map(r => r.id).sort();
    assert.ok(ready.length >= 2, ready.join(', '));
    const [ra, rb] = [ready[0], ready[ready.length - 1]];
    const ins = await call('mlServing_inspectModel', { modelUri });
    const inputs = [...ins.matchAll(/^ {4}in {2}(\S+): (DT_\w+)/gm)];
    const row = (u: string) => Object.fromEntries(inputs.map(([, n, dt]) => [n, dt === 'DT_STRING' ? u : /INT/.test(dt) ? 3 : 1.5]));
    writeFileSync(path.join(folder, 'compare-tool.jsonl'), ['user_1', 'user_2', 'user_3'].map(u => JSON.stringify({ instances: [row(u)] })).join('\n') + '\n');
    const input = { service: NAME, a: ra, b: rb, requests: 'compare-tool.jsonl' };
    const tagsOf = async () => (await cloud.run.getService(NAME))!.traffic.filter(t => t.tag).map(t => t.tag).sort();

    // Bad fields are named.
    await assert.rejects(Promise.resolve(tools.mlServing_compare.invoke({ input: { service: NAME, b: rb }, toolInvocationToken: undefined }, never)), /a: required/);
    await assert.rejects(Promise.resolve(tools.mlServing_compare.invoke({ input: { ...input, b: ra }, toolInvocationToken: undefined }, never)), /b: must differ from a/);
    await assert.rejects(Promise.resolve(tools.mlServing_compare.invoke({ input: { ...input, a: `${SVC}-00077-nop` }, toolInvocationToken: undefined }, never)), /a: ".*" is not a ready revision/);
    await assert.rejects(Promise.resolve(tools.mlServing_compare.invoke({ input: { ...input, requests: '../elsewhere.jsonl' }, toolInvocationToken: undefined }, never)), /requests: .*outside the workspace/);
    await assert.rejects(Promise.resolve(tools.mlServing_compare.invoke({ input: { ...input, k: 5 }, toolInvocationToken: undefined }, never)), /k: unknown field/);

    const tagsBefore = await tagsOf();
    const split = async () => JSON.stringify((await cloud.run.getService(NAME))!.trafficStatuses.map(t => [t.revision, t.percent]));
    const splitBefore = await split();
    const msgs = captureMessages(() => undefined);
    try {
      // Not confirmed in chat: the command's own modal, dismissed; no tag is added.
      const unconfirmed = textOf((await tools.mlServing_compare.invoke({ input, toolInvocationToken: undefined }, never))!);
      assert.match(unconfirmed, /did not run/);
      const modal = await msgs.waitFor(m => Boolean(m.modal) && m.text.startsWith('Add tag'), 'the tag modal');
      assert.deepEqual(await tagsOf(), tagsBefore, 'no tag without a confirmation');

      const { prepared, result } = await confirmedCall('mlServing_compare', input);
      assert.equal(prepared!.confirmationMessages!.title, modal.text, 'chat shows the modal\'s question');
      assert.equal(prepared!.confirmationMessages!.message, modal.detail, 'and its detail');
      assert.equal(msgs.shown.filter(m => m.modal).length, 1, `only the unconfirmed call's modal: ${JSON.stringify(msgs.shown.filter(m => m.modal))}`);
      assert.equal(await split(), splitBefore, 'no traffic moved');
      assert.doesNotMatch(result, /Bearer|eyJ[A-Za-z0-9_-]{10,}/);

      // The command on the same input (tags exist now: no question) finds the same numbers.
      const cmd = await vscode.commands.executeCommand<{ summary: { verdict: string; recall: number | null; jaccard: number | null; spearman: number | null; errorsA: number; errorsB: number; requests: number } }>(
        'mlServing.deploy.compare', { service: NAME }, { a: ra, b: rb, requests: path.join(folder, 'compare-tool.jsonl') });
      assert.ok(cmd, 'the command compared');
      const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
      const k = 10;
      assert.equal(cmd.summary.requests, 3);
      assert.ok(result.includes(`recall@${k}: ${f(cmd.summary.recall)}; Jaccard@${k}: ${f(cmd.summary.jaccard)}; rank correlation (Spearman): ${f(cmd.summary.spearman)}`), result);
      assert.ok(result.includes(`errors: A ${cmd.summary.errorsA}, B ${cmd.summary.errorsB}`), result);
      assert.equal(cmd.summary.errorsA + cmd.summary.errorsB, 0, result);
      assert.match(result, new RegExp(`, 3 requests, 3 instances, K=${k}`));
      assert.match(result, /latency A: p50 \d+ ms, p99 \d+ ms; latency B: p50 \d+ ms, p99 \d+ ms/);
    } finally {
      msgs.restore();
    }
  });
});
