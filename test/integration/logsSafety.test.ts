// In-host, against the emulator: a tail shows only its own region's service (and the failure
// watcher offers to fix only that one), RESOURCE_EXHAUSTED stops a tail with a message instead of
// a reconnect loop, the per-project cap says what to do, and a settings change that does not
// touch the project or connection leaves the tail alone.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RecognizedFailure } from '../../src/features/logs/failureWatcher';
import type { LogsFeature } from '../../src/features/logs/register';
import { MAX_TAILS_PER_PROJECT } from '../../src/features/logs/tailRegistry';
import type { LogItem, MarkerItem } from '../../src/protocol/logs';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';

const OTHER_REGION = 'europe-west4';
const nameIn = (region: string, svc: string) => `projects/${DEMO_PROJECT}/locations/${region}/services/${svc}`;

async function write(svc: string, region: string, texts: string[]): Promise<void> {
  await emulatorPost('/logs', texts.map(t => ({
    logName: `projects/${DEMO_PROJECT}/logs/${encodeURIComponent('run.googleapis.com/stderr')}`,
    resource: { type: 'cloud_run_revision', labels: { service_name: svc, revision_name: `${svc}-00001-abc`, location: region, project_id: DEMO_PROJECT } },
    severity: 'ERROR',
    textPayload: t,
  })));
}

describe('serving logs: regions, limits and reconnects', function () {
  this.timeout(120_000);
  let a: ExtensionApi;
  let logs: LogsFeature;
  const run = `s${Date.now().toString(36)}`;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    logs = (a as unknown as { logs: LogsFeature }).logs;
  });
  afterEach(async () => {
    if (emulatorAdmin()) await emulatorDelete('/faults');
  });

  it('two services with one name in two regions: each tail shows its own, and the fix offered is for that one', async () => {
    const svc = `twin-${run}`;
    const here = nameIn(DEMO_REGION, svc);
    const items: LogItem[] = [];
    const recognized: RecognizedFailure[] = [];
    const watch = logs.failures.onDidRecognize(r => recognized.push(r));
    const sub = logs.tails.subscribe(here, e => { if (e.type === 'items') items.push(...e.items); });
    try {
      await until(() => sub.session.state === 'live', 'live');
      await write(svc, OTHER_REGION, [`${run} from ${OTHER_REGION}`, `E tensorflow_serving: Op type not registered 'Scann>ScannSearchBatched' in binary (${OTHER_REGION})`]);
      await write(svc, DEMO_REGION, [`${run} from ${DEMO_REGION}`]);
      await until(() => items.some(i => i.kind === 'entry' && i.message === `${run} from ${DEMO_REGION}`), 'the line of this region');
      const texts = items.filter(i => i.kind === 'entry').map(i => (i as { message: string }).message);
      assert.deepEqual(texts.filter(t => t.includes(OTHER_REGION)), [], 'no line of the other region');
      assert.equal(recognized.length, 0, 'no failure recognised from the other region');
      await write(svc, DEMO_REGION, [`E tensorflow_serving: Op type not registered 'Scann>ScannSearchBatched' in binary (${DEMO_REGION})`]);
      const r = await until(() => recognized.find(x => x.failure.kind === 'opNotRegistered'), 'the failure of this region');
      assert.equal(r.service, here);
      assert.deepEqual((r.advice.action?.args[0] as { service: string }).service, here, 'the redeploy offered is for this region\'s service');
    } finally {
      watch.dispose();
      sub.dispose();
    }
  });

  it('RESOURCE_EXHAUSTED from Cloud Logging stops the tail with a message, without reconnecting', async () => {
    const svc = `busy-${run}`;
    const name = nameIn(DEMO_REGION, svc);
    await emulatorPost('/faults', { kind: 'resourceExhausted', method: 'TailLogEntries', count: 1, message: 'Too many concurrent tail sessions for projects/demo-project: the limit is 10.' });
    const items: LogItem[] = [];
    const sub = logs.tails.subscribe(name, e => { if (e.type === 'items') items.push(...e.items); });
    try {
      await until(() => sub.session.state === 'failed', 'the tail to stop');
      const m = items.find((i): i is MarkerItem => i.kind === 'marker' && i.level === 'error');
      assert.ok(m, 'a marker says why');
      assert.match(m.text, /refused the live tail .*Too many concurrent tail sessions/);
      assert.match(m.detail ?? '', /10 live tails per project/);
      assert.equal(sub.session.stats.connects, 1, 'no reconnect');
    } finally {
      sub.dispose();
    }
  });

  it(`the ${MAX_TAILS_PER_PROJECT + 1}th tail in a project is refused, naming the limit and what to do`, async () => {
    const subs = Array.from({ length: MAX_TAILS_PER_PROJECT }, (_, i) => logs.tails.subscribe(nameIn(DEMO_REGION, `cap-${i}-${run}`), () => {}));
    const messages = captureMessages();
    try {
      const r = await vscode.commands.executeCommand('mlServing.logs.tail', { service: nameIn(DEMO_REGION, `cap-x-${run}`) });
      assert.equal(r, undefined);
      const m = await messages.waitFor(x => x.level === 'error' || x.level === 'warning', 'the refusal');
      assert.match(m.text, /ML Serving opens at most 8 live tails per project \(Cloud Logging allows 10/);
      assert.equal(logs.tails.get(nameIn(DEMO_REGION, `cap-x-${run}`)), undefined);
      assert.equal(logs.channels.channel(nameIn(DEMO_REGION, `cap-x-${run}`)), undefined, 'no channel claims to follow it');
      assert.equal(await vscode.commands.executeCommand('mlServing.logs.openPanel', { service: nameIn(DEMO_REGION, `cap-x-${run}`) }), undefined);
      assert.equal(logs.panels.get(nameIn(DEMO_REGION, `cap-x-${run}`)), undefined, 'no panel opened');
      assert.equal(messages.shown.filter(x => /at most 8 live tails per project/.test(x.text)).length, 2, 'the panel was refused with the same message');
    } finally {
      messages.restore();
      subs.forEach(s => s.dispose());
    }
  });

  it('a settings change that does not touch the project or connection does not reconnect the tail', async () => {
    const svc = `steady-${run}`;
    const name = nameIn(DEMO_REGION, svc);
    const items: LogItem[] = [];
    const sub = logs.tails.subscribe(name, e => { if (e.type === 'items') items.push(...e.items); });
    const cfg = vscode.workspace.getConfiguration('mlServing');
    const before = cfg.inspect<number>('predict.latencyTargetMs')?.workspaceValue;
    try {
      await until(() => sub.session.state === 'live', 'live');
      // Such a change no longer resets the session at all (its clients stay): wait for the setting itself.
      const changed = new Promise<void>(r => { const d = vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('mlServing.predict.latencyTargetMs')) { d.dispose(); r(); } }); });
      let sessionReset = false;
      const watch = a.services.session.onDidChange(() => { sessionReset = true; });
      await cfg.update('predict.latencyTargetMs', 37, vscode.ConfigurationTarget.Workspace);
      await changed;
      watch.dispose();
      // A line written after the change arrives through the same stream.
      await write(svc, DEMO_REGION, [`${run} after the change`]);
      await until(() => items.some(i => i.kind === 'entry' && i.message === `${run} after the change`), 'the line');
      assert.equal(sub.session.stats.reconnects, 0, 'no reconnect');
      assert.equal(sub.session.stats.connects, 1);
      assert.equal(sessionReset, false, 'the session kept its clients');
      assert.deepEqual(items.filter(i => i.kind === 'marker').map(i => (i as MarkerItem).text), [], 'no marker');
    } finally {
      sub.dispose();
      await cfg.update('predict.latencyTargetMs', before, vscode.ConfigurationTarget.Workspace);
    }
  });
});
