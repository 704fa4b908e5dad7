// In-host, against the emulator with real TensorFlow (issue 18): an open-loop run at a modest rate
// sends every scheduled request to the deployed retrieval model and reports percentiles,
// throughput, errors, goodput and latency over time. No timed assertions: counts and shape only.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poissonSchedule } from '../../src/serving/predict/openLoop';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { zooManifest } from './support/zoo';

const SVC = 'itest-load';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;

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
    a.trees.models.reset();
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const node = models[items.findIndex(i => i.label === 'recsys-retrieval')];
    const v = (await a.trees.models.getChildren(node))[0];
    const d = await vscode.commands.executeCommand<{ service: { state: string } }>('mlServing.deploy', v, { yes: true, serviceName: SVC });
    assert.equal(d?.service.state, 'ready');

    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'requests.json');
    let saved: { version: 1; services: Record<string, unknown[]> } = { version: 1, services: {} };
    try { saved = JSON.parse(readFileSync(file, 'utf8')); } catch { /* none yet */ }
    saved.services[NAME] = [
      { name: 'one', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_1', hour_of_day: 8 }] }), savedAt: '' },
      { name: 'two', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_2', hour_of_day: 9 }, { user_id: 'user_3', hour_of_day: 10 }] }), savedAt: '' },
    ];
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(saved, null, 2));

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
});
