// In-host: drives every flow that touches a credential (browse the trees, deploy, Test Prediction
// with a cold start, a benchmark, a saved payload and Copy as curl, logs in the channel and the
// panel, a failed deploy) and then searches every place the extension writes text a user or a
// file can see for the tokens the emulator issued: webview messages, the ML Serving log file, the
// per-service log channels, the notifications, the saved payloads file and the clipboard.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import type { HostMessage } from '../../src/protocol/predict';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';

const SVC = 'tok-leak';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
type Result = { service: { name: string; uri?: string } };

/** Every file under a folder, as text (the log channel's file lives under the extension's logUri). */
function readAll(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map(f => path.join(dir, f)).filter(f => fs.statSync(f).isFile())
    .map(f => fs.readFileSync(f, 'utf8')).join('\n');
}

describe('no token leaves the extension host', function () {
  this.timeout(240_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    // Trace lines too: a token must not hide in the most verbose level either.
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
  });
  after(async () => {
    if (!emulatorAdmin()) return;
    await emulatorDelete('/faults');
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'info');
  });

  it('drives every flow, then finds no issued token in any webview message, log line, notification, saved payload or curl text', async () => {
    const sinks: Record<string, string[]> = { 'predict webview': [], 'logs webview': [], 'service log channel': [], notifications: [] };
    const messages = captureMessages();
    const subs: vscode.Disposable[] = [];
    let predict: PredictPanel | undefined;
    try {
      // Browse: runs and their artifacts, models and versions, services.
      a.trees.runs.reset();
      const runs = await a.trees.runs.getChildren();
      assert.ok(runs.length, 'runs listed');
      await a.trees.runs.getChildren(runs[0]);
      a.trees.models.reset();
      const models = await a.trees.models.getChildren();
      const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
      const versions = await a.trees.models.getChildren(models[items.findIndex(i => i.label === 'recsys-ranking')]);
      assert.ok(versions.length, 'versions listed');

      // Deploy (authenticated by default), then a redeploy that fails.
      const deployed = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: SVC });
      assert.ok(deployed?.service.uri, 'deployed');
      await emulatorPost('/faults', { kind: 'failLro', method: 'UpdateService', message: 'container failed to start' });
      assert.equal(await vscode.commands.executeCommand('mlServing.deploy', versions[0], { yes: true, serviceName: SVC }), undefined);
      await messages.waitFor(m => m.level === 'error' && m.text.includes('container failed to start'), 'the failed deploy message');
      a.trees.services.reset();
      await a.trees.services.getChildren();

      // Test Prediction: metadata, a send through a cold start, a benchmark, a saved payload, curl.
      predict = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service: deployed.service }))!;
      assert.ok(predict, 'the panel opened');
      const posted: HostMessage[] = [];
      subs.push(predict.onDidPost(m => { posted.push(m); sinks['predict webview'].push(JSON.stringify(m)); }));
      await predict.handle({ type: 'ready' });
      const meta = await until(() => posted.find(m => m.type === 'metadata'), 'the model metadata') as Extract<HostMessage, { type: 'metadata' }>;
      const sd = meta.schemas[0];
      const instance = Object.fromEntries(sd.fields.map(f => [f.name, f.dtype === 'DT_STRING' ? 'x' : 1]));
      const body = JSON.stringify({ signature_name: sd.signature, instances: [instance] });
      await emulatorPost('/faults', { kind: 'predict503', count: 1 });
      await predict.handle({ type: 'send', requestId: 't1', signature: sd.signature, body });
      const r = await until(() => posted.find(m => (m.type === 'response' || m.type === 'requestFailed') && m.requestId === 't1'), 'the prediction');
      assert.equal(r.type, 'response', JSON.stringify(r));
      await predict.handle({ type: 'benchmark', requestId: 'b1', signature: sd.signature, body, count: 10, concurrency: 2, probeColdStart: false });
      await until(() => posted.find(m => m.type === 'benchmarkResult'), 'the benchmark');
      await predict.handle({ type: 'savePayload', name: 'token search', signature: sd.signature, body });
      await predict.handle({ type: 'copyCurl', signature: sd.signature, body });
      await until(() => posted.find(m => m.type === 'notice'), 'the curl notice');
      const curl = await vscode.env.clipboard.readText();
      assert.match(curl, /curl .*:predict/s, 'the clipboard holds the curl command');

      // Logs: the channel and the panel share one tail.
      subs.push(a.logs.channels.onDidAppend(e => { if (e.service === NAME) sinks['service log channel'].push(e.text); }));
      await vscode.commands.executeCommand('mlServing.logs.tail', { service: NAME });
      await vscode.commands.executeCommand('mlServing.logs.openPanel', { service: NAME });
      const logsPanel = a.logs.panels.get(NAME);
      assert.ok(logsPanel, 'the logs panel opened');
      subs.push(logsPanel.onDidPost(m => sinks['logs webview'].push(JSON.stringify(m))));
      await until(() => a.logs.tails.get(NAME)?.state === 'live', 'the tail to go live');
      await until(() => sinks['service log channel'].length && sinks['logs webview'].some(m => m.includes('"items"')), 'log lines in the channel and the panel');

      // Everything the emulator issued; the flows above must have used ID tokens.
      const issued = await (await fetch(`${emulatorAdmin()}/tokens`)).json() as { accessTokens: string[]; idTokens: string[] };
      assert.ok(issued.idTokens.some(t => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).aud === deployed.service.uri!.replace(/\/$/, '')),
        'an ID token for the service was issued (the flows were authenticated)');
      sinks.notifications = messages.shown.map(m => `${m.text} ${m.actions.join(' ')}`);
      sinks.clipboard = [curl];
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'a workspace folder');
      const saved = fs.readFileSync(path.join(folder.uri.fsPath, '.vscode', 'ml-serving', 'requests.json'), 'utf8');
      assert.ok(saved.includes('token search'), 'the payload was saved');
      sinks['saved payloads'] = [saved];
      const logText = readAll(a.logUri.fsPath);
      assert.ok(logText.includes(`deploy ${NAME}`), `the ML Serving log file under ${a.logUri.fsPath} was read`);
      sinks['ML Serving log file'] = [logText];

      const secrets = [...issued.idTokens.flatMap(t => [t, t.split('.')[2]]), ...issued.accessTokens];
      for (const [sink, texts] of Object.entries(sinks)) {
        assert.ok(texts.length, `${sink}: something was written`);
        const all = texts.join('\n');
        const leaked = secrets.find(s => all.includes(s));
        assert.equal(leaked && `${leaked.slice(0, 12)}…`, undefined, `${sink} contains an issued token`);
        assert.doesNotMatch(all, /ya29\.|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./, `${sink} contains something shaped like a token`);
      }
    } finally {
      messages.restore();
      subs.forEach(s => s.dispose());
      predict?.dispose();
      await vscode.commands.executeCommand('mlServing.logs.stop', NAME);
      a.logs.panels.get(NAME)?.dispose();
      await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true });
    }
  });
});
