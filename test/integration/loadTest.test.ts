// In-host, against the emulator with real TensorFlow (issue 18): an open-loop run at a modest rate
// sends every scheduled request to the deployed retrieval model and reports percentiles,
// throughput, errors, goodput and latency over time. No timed assertions: counts and shape only.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poissonSchedule } from '../../src/serving/predict/openLoop';
import { reportProblems } from '../../src/serving/reports/savedReport';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import type { HostMessage } from '../../src/protocol/predict';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest } from './support/zoo';

const SVC = 'itest-load';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
const PANEL_SVC = 'itest-load-panel';
const PANEL_NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${PANEL_SVC}`;

describe('Open-loop Load Test (issue 18)', function () {
  this.timeout(300_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin() || !zooManifest() || !vscode.workspace.workspaceFolders?.length) {
      console.log('    (skipped: needs the emulator with real TensorFlow and a workspace folder)');
      this.skip();
    }
    a = await useDemoProject();
  });
  after(async () => {
    if (emulatorAdmin() && a) await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true }).then(undefined, () => undefined);
  });

  it('sends every Poisson arrival of the mix and reports p50/p95/p99, throughput, errors, goodput and a timeline', async () => {
    await deployWithPayloads(a, SVC, NAME, {
      one: [{ user_id: 'user_1', hour_of_day: 8 }],
      two: [{ user_id: 'user_2', hour_of_day: 9 }, { user_id: 'user_3', hour_of_day: 10 }],
    });

    const opts = { rate: 4, durationSec: 4, targetMs: 60_000, seed: 11, confirmed: true };
    const expected = poissonSchedule({ ratePerSec: opts.rate, durationMs: opts.durationSec * 1000, seed: opts.seed, weights: [1, 1] }).length;
    const r = await vscode.commands.executeCommand<{ report: { scheduled: number; completed: number; errors: number; goodput: number; throughput: number; latency?: { p50: number; p95: number; p99: number }; timeline: unknown[] }; text: string }>(
      'mlServing.predict.loadTest', { service: NAME }, opts);
    assert.ok(r, 'the load test returned');
    assert.ok(expected > 0);
    assert.equal(r.report.scheduled, expected);
    assert.equal(r.report.completed, expected, 'every arrival was sent and answered');
    assert.equal(r.report.errors, 0);
    assert.equal(r.report.goodput, 1, 'all within the (generous) target');
    assert.ok(r.report.latency && r.report.latency.p50 <= r.report.latency.p95 && r.report.latency.p95 <= r.report.latency.p99);
    assert.ok(r.report.throughput > 0);
    assert.ok(r.report.timeline.length >= opts.durationSec);
    assert.match(r.text, /\| p50 \/ p95 \/ p99 \|/);
    assert.match(r.text, /goodput \(successful within 60000 ms\) \| 100\.0% \|/);
    assert.match(r.text, /## Latency over time/);
  });

  it('saves a run as a report in the workspace (JSON and the summary), named after the service, revision and model version', async () => {
    // A bad save option is refused, naming the field, before any request.
    const messages = captureMessages();
    try {
      const refused = await vscode.commands.executeCommand<unknown>('mlServing.predict.loadTest', { service: NAME }, { rate: 2, durationSec: 2, targetMs: 60_000, seed: 5, confirmed: true, save: 'yes' });
      assert.equal(refused, undefined);
      const error = await messages.waitFor(m => m.level === 'error', 'the error message');
      assert.match(error.text, /save: expected true or false/);
    } finally {
      messages.restore();
    }
    const runs = [];
    for (const seed of [5, 6]) {
      runs.push(await vscode.commands.executeCommand<{ report: { scheduled: number; goodput: number }; text: string; saved?: { json: string; md: string } }>(
        'mlServing.predict.loadTest', { service: NAME }, { rate: 2, durationSec: 2, targetMs: 60_000, seed, confirmed: true, save: true }));
    }
    try {
      const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'reports');
      const [one, two] = runs;
      assert.ok(one.saved && two.saved, 'both runs were saved');
      assert.notEqual(one.saved.json, two.saved.json, 'a second run never overwrites the first');
      for (const r of runs) {
        assert.equal(path.dirname(r.saved!.json), dir);
        // <service>-<revision without the service prefix>-v<model version>-<utc>
        assert.match(path.basename(r.saved!.json), new RegExp(`^${SVC}-\\d{5}-\\w+-v\\w+-\\d{8}T\\d{6}Z(-\\d+)?\\.json$`));
        assert.equal(r.saved!.md, r.saved!.json.replace(/\.json$/, '.md'));
        const record = JSON.parse(readFileSync(r.saved!.json, 'utf8'));
        assert.deepEqual(reportProblems(record), []);
        assert.equal(record.meta.kind, 'load-test');
        assert.equal(record.meta.service, SVC);
        assert.match(record.meta.revision, new RegExp(`^${SVC}-\\d{5}-`));
        assert.ok(record.meta.modelVersion, 'the model version the service serves');
        assert.equal(record.data.scheduled, r.report.scheduled);
        assert.equal(record.data.goodput, r.report.goodput);
        assert.equal(readFileSync(r.saved!.md, 'utf8'), r.text, 'the summary the user read');
        // The cold-start probe: measured, or not, saying why (the emulator's instance is usually up).
        assert.ok(record.data.coldStart && typeof record.data.coldStart.measured === 'boolean');
        assert.match(r.text, /\| cold start (\(first request\) \| \d+ ms, \d+ ms more than the warm p50|\| not measured: .+) \|/);
      }

      // Compare Load Test Reports reads both files back and sets them side by side.
      const cmp = await vscode.commands.executeCommand<{ markdown: string }>('mlServing.predict.compareReports', { a: path.basename(one.saved.json), b: path.basename(two.saved.json) });
      assert.ok(cmp, 'the comparison returned');
      const [ra, rb] = [one, two].map(r => JSON.parse(readFileSync(r.saved!.json, 'utf8')));
      const row = (label: string) => cmp.markdown.split('\n').find(l => l.startsWith(`| ${label} |`))?.split(' | ').map(c => c.replace(/^\| |\s*\|$/g, ''));
      assert.deepEqual(row('revision')?.slice(1, 3), [ra.meta.revision, rb.meta.revision]);
      assert.deepEqual(row('scheduled / answered')?.slice(1, 3), [`${ra.data.scheduled} / ${ra.data.completed}`, `${rb.data.scheduled} / ${rb.data.completed}`]);
      assert.deepEqual(row('p99')?.slice(1, 3), [`${ra.data.latency.p99.toFixed(1)} ms`, `${rb.data.latency.p99.toFixed(1)} ms`]);
      assert.deepEqual(row('goodput')?.slice(1, 3), [`${(ra.data.goodput * 100).toFixed(1)}%`, `${(rb.data.goodput * 100).toFixed(1)}%`]);
      // A path outside the reports folder is refused, naming the argument.
      const messages2 = captureMessages();
      try {
        await vscode.commands.executeCommand('mlServing.predict.compareReports', { a: '../requests.json', b: path.basename(two.saved.json) });
        assert.match((await messages2.waitFor(m => m.level === 'error', 'the refusal')).text, /^a: \.\.\/requests\.json is not a \.json file in/);
      } finally {
        messages2.restore();
      }
    } finally {
      for (const r of runs) for (const f of [r.saved?.json, r.saved?.md]) if (f && existsSync(f)) rmSync(f);
    }
  });
});

describe('Test Prediction: the open loop in the panel, and Save Report (issue 18)', function () {
  this.timeout(300_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin() || !zooManifest() || !vscode.workspace.workspaceFolders?.length) {
      console.log('    (skipped: needs the emulator with real TensorFlow and a workspace folder)');
      this.skip();
    }
    a = await useDemoProject();
    await deployWithPayloads(a, PANEL_SVC, PANEL_NAME, { one: [{ user_id: 'user_1', hour_of_day: 8 }], two: [{ user_id: 'user_2', hour_of_day: 9 }] });
  });
  after(async () => {
    if (emulatorAdmin() && a) await vscode.commands.executeCommand('mlServing.undeploy', { service: PANEL_NAME }, { confirmed: true }).then(undefined, () => undefined);
  });

  it('runs open loop on the saved mix, reports goodput and chart points, and saves the run as a report read back intact', async () => {
    const panel = await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service: PANEL_NAME });
    const posted: HostMessage[] = [];
    const sub = panel.onDidPost(m => posted.push(m));
    let saved: string | undefined;
    try {
      await panel.handle({ type: 'ready' });
      await until(() => posted.find(m => m.type === 'metadata'), 'the model metadata');
      // A mix naming a payload that is not saved is refused with the field named; nothing runs.
      await panel.handle({ type: 'loadTest', requestId: 'nope', signature: 'serving_default', body: '', rate: 2, durationSec: 1, targetMs: 60_000, mix: ['nope'], probeColdStart: false });
      const refused = await until(() => posted.find(m => m.type === 'requestFailed' && m.requestId === 'nope'), 'the refusal') as Extract<HostMessage, { type: 'requestFailed' }>;
      assert.match(refused.message, /loadTest\.mix: no saved payload named "nope"/);
      assert.equal(posted.some(m => m.type === 'loadTestResult'), false);

      await panel.handle({ type: 'loadTest', requestId: 'open1', signature: 'serving_default', body: '', rate: 5, durationSec: 3, targetMs: 60_000, mix: ['one', 'two'], probeColdStart: true });
      const done = await until(() => posted.find(m => (m.type === 'loadTestResult' || m.type === 'requestFailed') && m.requestId === 'open1'), 'the open-loop result', 120_000);
      assert.equal(done.type, 'loadTestResult', JSON.stringify(done));
      const r = (done as Extract<HostMessage, { type: 'loadTestResult' }>).result;
      assert.ok(r.report.scheduled > 0);
      assert.equal(r.report.completed, r.report.scheduled, 'every arrival was sent and answered');
      assert.equal(r.report.errors, 0);
      assert.equal(r.report.goodput, 1, 'all within the (generous) target');
      assert.equal(r.points.length + r.pointsOmitted, r.report.completed, 'a chart point per request');
      assert.ok(r.points.every(([t, v, ok]) => t >= 0 && v >= 0 && ok === 1));
      assert.ok(r.report.timeline.length >= 3);
      assert.equal(typeof r.coldStart.measured, 'boolean');
      assert.ok(posted.some(m => m.type === 'loadTestProgress' && m.requestId === 'open1'), 'progress was shown');

      // Save Report: the files in .vscode/ml-serving/reports, read back.
      const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'reports');
      await panel.handle({ type: 'saveReport', requestId: 'open1' });
      const notice = await until(() => posted.find(m => m.type === 'notice' && m.level === 'info' && m.text.startsWith('Saved ')), 'the saved notice') as Extract<HostMessage, { type: 'notice' }>;
      saved = path.join(dir, /^Saved (\S+\.json)/.exec(notice.text)![1]);
      assert.match(path.basename(saved), new RegExp(`^${PANEL_SVC}-\\d{5}-\\w+-v\\w+-\\d{8}T\\d{6}Z(-\\d+)?\\.json$`));
      const record = JSON.parse(readFileSync(saved, 'utf8'));
      assert.deepEqual(reportProblems(record), []);
      assert.equal(record.meta.kind, 'load-test');
      assert.equal(record.meta.service, PANEL_SVC);
      assert.deepEqual(record.data.mix, ['one', 'two']);
      assert.equal(record.data.rate, 5);
      assert.equal(record.data.scheduled, r.report.scheduled);
      assert.equal(record.data.goodput, r.report.goodput);
      assert.deepEqual(record.data.latency, r.report.latency);
      const md = readFileSync(saved.replace(/\.json$/, '.md'), 'utf8');
      assert.match(md, new RegExp(`^# Open-loop load: ${PANEL_SVC}`));
      assert.match(md, /goodput \(successful within 60000 ms\) \| 100\.0% \|/);
      // Saving a run the panel no longer holds says so.
      await panel.handle({ type: 'saveReport', requestId: 'gone' });
      await until(() => posted.find(m => m.type === 'notice' && m.level === 'error' && /no longer held/.test(m.text)), 'the refusal to save');
    } finally {
      sub.dispose();
      panel.dispose();
      if (saved) for (const f of [saved, saved.replace(/\.json$/, '.md')]) if (existsSync(f)) rmSync(f);
    }
  });
});

/**
 * The arrangement of both suites: recsys-retrieval's newest version deployed as `service`, and
 * `payloads` (name → instances) saved for it in the workspace's requests.json as Test Prediction
 * saves them.
 */
async function deployWithPayloads(a: ExtensionApi, service: string, name: string, payloads: Record<string, unknown[]>): Promise<void> {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === 'recsys-retrieval')];
  assert.ok(node, 'recsys-retrieval in the Models tree');
  const version = (await a.trees.models.getChildren(node))[0];
  const d = await vscode.commands.executeCommand<{ service: { state: string } }>('mlServing.deploy', version, { yes: true, serviceName: service });
  assert.equal(d?.service.state, 'ready');

  const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'requests.json');
  let saved: { version: 1; services: Record<string, unknown[]> } = { version: 1, services: {} };
  try { saved = JSON.parse(readFileSync(file, 'utf8')); } catch { /* none yet */ }
  saved.services[name] = Object.entries(payloads).map(([payload, instances]) => ({ name: payload, signature: 'serving_default', body: JSON.stringify({ instances }), savedAt: '' }));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(saved, null, 2));
}
