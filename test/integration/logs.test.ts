// In-host: serving logs against the emulator — backfill then live, a dropped stream that reconnects
// with no duplicate and no lost entry, one tail shared by the panel and the output channel, the
// suppression notice, and the failed custom-op deploy (the zoo's MlServingDemo>TopKDot model, where
// ScaNN's ops would be) recognised from real TensorFlow's text with a working one-click redeploy.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { EntryItem, LogItem, MarkerItem } from '../../src/protocol/logs';
import type { LogsFeature } from '../../src/features/logs/register';
import type { RecognizedFailure } from '../../src/features/logs/failureWatcher';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';

const SVC = 'itest-logs';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
const REV = `${SVC}-00001-abc`;

function logsOf(a: ExtensionApi): LogsFeature {
  const logs = (a as { logs?: LogsFeature }).logs;
  assert.ok(logs, 'activate() does not return the logs feature (extension.ts: `logs: logsFeature.register(context, services)`)');
  return logs;
}

/** Cloud Run stderr entries for the test service, through the emulator's admin API. */
async function write(texts: string[], service = SVC, revision = REV): Promise<string[]> {
  const r = await emulatorPost('/logs', texts.map(t => ({
    logName: `projects/${DEMO_PROJECT}/logs/${encodeURIComponent('run.googleapis.com/stderr')}`,
    resource: { type: 'cloud_run_revision', labels: { service_name: service, revision_name: revision, location: DEMO_REGION, project_id: DEMO_PROJECT } },
    severity: 'INFO',
    textPayload: t,
  }))) as { insertIds: string[] };
  return r.insertIds;
}

/** What the output channel of a service received (VS Code gives no read access to channel text). */
function channelRecorder(logs: LogsFeature, service: string) {
  let text = '';
  const sub = logs.channels.onDidAppend(e => { if (e.service === service) text += e.text + '\n'; });
  return { text: () => text, dispose: () => sub.dispose() };
}

describe('serving logs against the emulator', function () {
  this.timeout(120_000);
  let a: ExtensionApi;
  let logs: LogsFeature;
  const run = `r${Date.now().toString(36)}`;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    logs = logsOf(a);
  });
  afterEach(async () => {
    if (!emulatorAdmin()) return;
    await emulatorDelete('/faults');
    if (logs) {
      await vscode.commands.executeCommand('mlServing.logs.stop', NAME);
      logs.panels.get(NAME)?.dispose();
    }
  });

  it('Tail Serving Logs: history first, then live lines, in the service output channel', async () => {
    await write([`${run} history 1`, `${run} history 2`]);
    const rec = channelRecorder(logs, NAME);
    try {
      const started = await vscode.commands.executeCommand<string>('mlServing.logs.tail', { service: NAME });
      assert.equal(started, NAME);
      await until(() => logs.tails.get(NAME)?.state === 'live', 'the tail to go live');
      await until(() => rec.text().includes(`${run} history 2`), 'the backfill in the channel');
      await write([`${run} live 1`]);
      await until(() => rec.text().includes(`${run} live 1`), 'a live line in the channel');
      const text = rec.text();
      assert.ok(text.indexOf(`${run} history 1`) < text.indexOf(`${run} history 2`) && text.indexOf(`${run} history 2`) < text.indexOf(`${run} live 1`), text);
      assert.match(text, new RegExp(`\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO    ${REV} ${run} live 1`));
    } finally {
      rec.dispose();
    }
  });

  it('one tail shared by the panel and the channel; closing the panel keeps the channel following', async () => {
    await vscode.commands.executeCommand('mlServing.logs.tail', { service: NAME });
    await vscode.commands.executeCommand('mlServing.logs.openPanel', { service: NAME });
    assert.equal(logs.tails.list().filter(s => s.service === NAME).length, 1, 'one session for the service');
    assert.equal(logs.tails.consumers(NAME), 2, 'panel and channel both consume it');
    const panel = logs.panels.get(NAME);
    assert.ok(panel);
    await until(() => panel.isReady, 'the webview to load and say ready');
    const posted: LogItem[] = [];
    const sub = panel.onDidPost(m => { if (m.type === 'items') posted.push(...m.items); });
    const rec = channelRecorder(logs, NAME);
    try {
      await write([`${run} shared`]);
      await until(() => posted.some(i => i.kind === 'entry' && i.message === `${run} shared`), 'the line in the panel');
      await until(() => rec.text().includes(`${run} shared`), 'the line in the channel');
      const session = logs.tails.get(NAME)!;
      assert.equal(session.stats.connects, 1, 'no second TailLogEntries call');
      panel.panel.dispose();
      assert.equal(logs.panels.get(NAME), undefined);
      assert.equal(logs.tails.consumers(NAME), 1);
      await write([`${run} after panel closed`]);
      await until(() => rec.text().includes(`${run} after panel closed`), 'the channel to keep following');
    } finally {
      sub.dispose();
      rec.dispose();
    }
    await vscode.commands.executeCommand('mlServing.logs.stop', NAME);
    assert.equal(logs.tails.get(NAME), undefined, 'the tail closed when nothing listens');
  });

  it('a stream dropped by the server reconnects: no duplicate, no lost entry, a marker', async () => {
    const items: LogItem[] = [];
    const sub = logs.tails.subscribe(NAME, e => { if (e.type === 'items') items.push(...e.items); });
    try {
      await until(() => sub.session.state === 'live', 'live');
      const entries = () => items.filter((i): i is EntryItem => i.kind === 'entry' && i.message.startsWith(`${run} drop`));
      // The emulator ends the stream with UNAVAILABLE after sending 3 more entries.
      await emulatorPost('/faults', { kind: 'dropTail', afterEntries: 3 });
      const first = await write([1, 2, 3, 4, 5].map(i => `${run} drop ${i}`));
      await until(() => sub.session.stats.reconnects >= 1, 'a reconnect');
      const later = await write([6, 7].map(i => `${run} drop ${i}`));
      await until(() => entries().length >= 7, 'all 7 entries');
      await new Promise(r => setTimeout(r, 500)); // anything duplicated would arrive by now
      const got = entries();
      assert.deepEqual(got.map(e => e.insertId), [...first, ...later], 'each entry once, in order');
      const marker = items.find((i): i is MarkerItem => i.kind === 'marker' && (i.level === 'reconnected' || i.level === 'gap'));
      assert.ok(marker, 'a reconnect marker');
      assert.equal(marker.level, 'reconnected', marker.text);
    } finally {
      sub.dispose();
    }
  });

  it('rate-limited entries show a suppression notice', async () => {
    const items: LogItem[] = [];
    const sub = logs.tails.subscribe(NAME, e => { if (e.type === 'items') items.push(...e.items); });
    try {
      await until(() => sub.session.state === 'live', 'live');
      await emulatorPost('/faults', { kind: 'tailRateLimit' });
      await write([`${run} suppressed 1`, `${run} suppressed 2`]);
      const notice = await until(() => items.find((i): i is MarkerItem => i.kind === 'marker' && i.level === 'suppressed'), 'a suppression notice');
      assert.match(notice.text, /did not stream 2 entries.*rate limit/);
    } finally {
      sub.dispose();
    }
  });

  it('a failed custom-op deploy is recognised from its logs and the offered redeploy with the Python server works', async function () {
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes('mlServing.deploy')) this.skip();
    const svc = 'itest-logs-scann';
    const name = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${svc}`;
    const recognized: RecognizedFailure[] = [];
    const watch = logs.failures.onDidRecognize(r => { if (r.service === name) recognized.push(r); });
    const sub = logs.tails.subscribe(name, () => {});
    try {
      await until(() => sub.session.state === 'live', 'live');
      a.trees.models.reset();
      const models = await a.trees.models.getChildren();
      const modelItems = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
      const scannModel = models[modelItems.findIndex(i => i.label === 'recsys-retrieval-custom-op')];
      assert.ok(scannModel, 'the demo custom-op model');
      const versions = await a.trees.models.getChildren(scannModel);
      const failed = await vscode.commands.executeCommand('mlServing.deploy', versions[0], { yes: true, serviceName: svc, container: 'native' });
      assert.equal(failed, undefined, 'the native deploy fails');
      const r = await until(() => recognized.find(x => x.failure.kind === 'opNotRegistered'), 'the failure to be recognised');
      assert.deepEqual(r.failure, { kind: 'opNotRegistered', op: 'MlServingDemo>TopKDot' });
      assert.ok(r.actionId);
      assert.deepEqual(r.advice.action?.args, [{ service: name, container: 'python' }]);
      const marker = sub.session.snapshot().find((i): i is MarkerItem => i.kind === 'marker' && i.level === 'failure');
      assert.equal(marker?.action?.id, r.actionId, 'the panel and channel show the fix');
      // The action's own command and arguments; { yes: true } answers the deploy's confirmation.
      const redeployed = await vscode.commands.executeCommand<{ service: { state: string }; plan: { container: string } }>(r.advice.action!.command, ...r.advice.action!.args, { yes: true });
      assert.ok(redeployed, 'the redeploy went through');
      assert.equal(redeployed.plan.container, 'python');
      assert.equal(redeployed.service.state, 'ready');
      assert.equal(recognized.filter(x => x.failure.kind === 'opNotRegistered').length, 1, 'reported once for the failed revision');
    } finally {
      watch.dispose();
      sub.dispose();
      await vscode.commands.executeCommand('mlServing.undeploy', { service: name }, { confirmed: true });
    }
  });

  it('rejects a bad target naming the field', async () => {
    const before = logs.tails.size;
    const r = await vscode.commands.executeCommand('mlServing.logs.tail', { service: 'projects/p/locations/r/services/Bad Name' });
    assert.equal(r, undefined);
    assert.equal(logs.tails.size, before, 'no tail opened');
  });
});
