// In-host, against the emulator with real TensorFlow (issue 18): two revisions of one service
// serve the zoo's retrieval model exported with two seeds; Compare with… replays the same requests
// to both through tag URLs and reports the top-K overlap an independent computation (TensorFlow in
// process, set arithmetic here) finds; the comparison moves no traffic, and its "send all traffic"
// action moves traffic only after Roll Back's confirmation.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reportProblems } from '../../src/serving/reports/savedReport';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest } from './support/zoo';
import { rawClients } from './support/rawClients';

const SVC = 'itest-compare';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
const K = 100; // the whole answer: two random seeds share few of 20,000 candidates
const short = (r?: string) => r?.split('/').pop() ?? '';
const repoRoot = path.resolve(__dirname, '../../..');

const REQUESTS = [
  { instances: [{ user_id: 'user_42', hour_of_day: 9 }] },
  { instances: [{ user_id: 'user_7', hour_of_day: 21.5 }, { user_id: 'someone_new', hour_of_day: 3 }] },
  { instances: [{ user_id: 'user_3', hour_of_day: 12 }] },
  { instances: [{ user_id: 'user_99', hour_of_day: 0 }, { user_id: 'user_1', hour_of_day: 18 }] },
];

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap(n => (statSync(path.join(dir, rel, n)).isDirectory() ? files(dir, path.join(rel, n)) : [path.join(rel, n)]));
}

function python(code: string): string {
  const r = spawnSync(process.env.MLSERVING_PYTHON!, ['-c', code], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `python failed: ${(r.stderr ?? '').split('\n').slice(-10).join('\n')}`);
  return r.stdout.trim().split('\n').pop()!;
}

describe('Compare with…: two retrieval models trained with different seeds (issue 18)', function () {
  this.timeout(600_000);
  let a: ExtensionApi;
  let tmp = '';

  before(async function () {
    const m = zooManifest();
    if (!emulatorAdmin() || !m || !process.env.MLSERVING_PYTHON) {
      console.log('    (skipped: no emulator with real TensorFlow; node scripts/test.mjs provides one)');
      this.skip();
    }
    a = await useDemoProject();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'compare-'));
  });
  after(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (emulatorAdmin() && a) await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true }).then(undefined, () => undefined);
  });

  it('reports the top-K overlap TensorFlow finds, moves no traffic, and promotes only after the confirmation', async () => {
    // The second model: the zoo exporter's retrieval model with another seed (its Python API).
    const seedDir = path.join(tmp, 'seed7');
    python(`import sys; sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'deploy', 'examples', 'zoo'))}); import export_zoo; export_zoo.SEED = 7; export_zoo.export(${JSON.stringify(seedDir)}, ['retrieval']); print('ok')`);

    a.trees.models.reset();
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const modelNode = models[items.findIndex(i => i.label === 'recsys-retrieval')];
    assert.ok(modelNode, 'recsys-retrieval in the Models tree');
    const v1 = (await a.trees.models.getChildren(modelNode))[0] as unknown as { version: { artifactUri: string } };
    const base = v1.version.artifactUri.replace(/\/+$/, '');
    const seedUri = `${base}-seed7`;
    // Upload the seed-7 export next to it, through the Storage client (the emulator's GCS).
    const cloud = await a.services.session.cloud();
    const storage = rawClients(cloud).storage() as unknown as { bucket(b: string): { file(n: string): { save(d: Buffer, o: object): Promise<void> } } };
    const [, bucket, prefix] = /^gs:\/\/([^/]+)\/(.*)$/.exec(seedUri)!;
    const exported = path.join(seedDir, 'retrieval');
    for (const f of files(exported)) await storage.bucket(bucket).file(`${prefix}/${f.split(path.sep).join('/')}`).save(readFileSync(path.join(exported, f)), { resumable: false });
    // A node like v1's but pointing at the seed-7 folder (the deploy command takes Models-tree nodes).
    const v2 = Object.assign(Object.create(Object.getPrototypeOf(v1)), v1, { version: { ...v1.version, artifactUri: seedUri } });

    const d1 = await vscode.commands.executeCommand<{ service: { latestReadyRevision?: string } }>('mlServing.deploy', v1, { yes: true, serviceName: SVC });
    assert.ok(d1, 'the first deploy succeeded');
    const d2 = await vscode.commands.executeCommand<{ service: { latestReadyRevision?: string } }>('mlServing.deploy', v2, { yes: true, serviceName: SVC });
    assert.ok(d2, 'the second deploy succeeded');
    const r1 = short(d1.service.latestReadyRevision), r2 = short(d2.service.latestReadyRevision);
    assert.notEqual(r1, r2);

    const before = (await cloud.run.getService(NAME))!;
    const splitOf = (s: typeof before) => Object.fromEntries(s.trafficStatuses.filter(t => t.percent > 0).map(t => [short(t.type === 'LATEST' ? s.latestReadyRevision : t.revision), t.percent]));
    const splitBefore = splitOf(before);

    // Independent: TensorFlow in process on both exports, top-K ids per instance, set arithmetic below.
    // (Before the comparison: spawnSync blocks the extension host, which must stay free once it runs.)
    const zoo = zooManifest()!;
    const zooRetrieval = path.join(process.env.MLSERVING_ZOO!, zoo.models.find(m => m.name === 'retrieval')!.path);
    const seedVersion = path.join(exported, readdirSync(exported).find(n => /^\d+$/.test(n))!);
    const tops = JSON.parse(python(`
import json, tensorflow as tf
reqs = json.loads(${JSON.stringify(JSON.stringify(REQUESTS))})
out = []
for folder in (${JSON.stringify(zooRetrieval)}, ${JSON.stringify(seedVersion)}):
  f = tf.saved_model.load(folder).signatures["serving_default"]
  side = []
  for r in reqs:
      res = f(user_id=tf.constant([i["user_id"] for i in r["instances"]]), hour_of_day=tf.constant([float(i["hour_of_day"]) for i in r["instances"]], tf.float32))
      side.append([[x.decode() for x in row[:${K}]] for row in res["product_ids"].numpy().tolist()])
  out.append(side)
print(json.dumps(out))`)) as string[][][][];
    const jsonl = path.join(tmp, 'requests.jsonl');
    writeFileSync(jsonl, REQUESTS.map(r => JSON.stringify(r)).join('\n') + '\n');

    let rollAnswer: string | undefined;
    // The user: adds the tags, clicks "Roll back to r1" on the verdict, then answers Roll Back's modal.
    const messages = captureMessages(m => {
      if (m.modal && m.text.startsWith('Add tag')) return 'Add Tags';
      if (!m.modal && m.actions.includes(`Roll back to ${r1}`)) return `Roll back to ${r1}`;
      if (m.modal && m.text.startsWith('Roll')) return rollAnswer;
      return undefined;
    });
    try {
      const result = await vscode.commands.executeCommand<{ rows: Array<{ name: string; recall: number | null; jaccard: number | null; a: { error?: string }; b: { error?: string } }>; summary: { recall: number; jaccard: number; errorsA: number; errorsB: number; verdict: string; latencyA: unknown; latencyB: unknown }; report: string }>(
        'mlServing.deploy.compare', { service: NAME }, { a: r1, b: r2, requests: jsonl, k: K });
      assert.ok(result, 'the comparison returned');
      const tagModal = messages.shown.find(m => m.modal && m.text.startsWith('Add tag'));
      assert.ok(tagModal, 'adding the tags asked first');
      assert.match(tagModal.detail!, /no traffic moves/);
      assert.deepEqual(splitOf((await cloud.run.getService(NAME))!), splitBefore, 'the comparison moved no traffic');

      const recalls: number[] = [];
      const perRequest = REQUESTS.map((_, i) => {
        const rs = tops[0][i].map((ta, j) => ta.filter(id => tops[1][i][j].includes(id)).length / ta.length);
        recalls.push(...rs);
        return rs.reduce((x, y) => x + y, 0) / rs.length;
      });
      const expected = recalls.reduce((x, y) => x + y, 0) / recalls.length;
      console.log(`      recall@${K}: product ${result.summary.recall}, independent ${expected}; per request ${perRequest.join(', ')}`);
      assert.ok(expected < 1, `the two seeds rank differently (independent recall ${expected})`);
      assert.equal(result.summary.errorsA, 0);
      assert.equal(result.summary.errorsB, 0);
      assert.ok(Math.abs(result.summary.recall - expected) < 1e-9, `recall@${K}: ${result.summary.recall} vs independent ${expected}`);
      result.rows.forEach((row, i) => assert.ok(Math.abs(row.recall! - perRequest[i]) < 1e-9, `request ${i + 1}: ${row.recall} vs ${perRequest[i]}`));
      assert.ok(result.summary.latencyA && result.summary.latencyB);
      assert.match(result.report, new RegExp(`\\*\\*Verdict:\\*\\* ${result.summary.verdict.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.equal(result.report.split('\n').filter(l => l.startsWith('| line ')).length, REQUESTS.length, 'one row per request');

      // The verdict's roll-back action goes through Roll Back's confirmation: dismissed, nothing moves.
      const verdictMsg = await messages.waitFor(m => !m.modal && m.text === result.summary.verdict, 'the verdict notification');
      assert.deepEqual(verdictMsg.actions, [`Send all traffic to ${r2}`, `Roll back to ${r1}`, 'Save Report']);
      const dismissed = await messages.waitFor(m => !!m.modal && m.text.startsWith('Roll'), 'the roll back confirmation');
      assert.equal(dismissed.text, `Roll ${SVC} back to ${r1}?`);
      await new Promise(r => setTimeout(r, 500));
      assert.deepEqual(splitOf((await cloud.run.getService(NAME))!), splitBefore, 'dismissing moves nothing');
      // Confirmed, it moves.
      rollAnswer = 'Roll Back';
      await vscode.commands.executeCommand('mlServing.rollback', { service: NAME }, { revision: r1 });
      assert.deepEqual(splitOf((await cloud.run.getService(NAME))!), { [r1]: 100 });

      // Save Report on a comparison: the record read back names what was compared and holds the same numbers.
      if (!vscode.workspace.workspaceFolders?.length) { console.log('      (save not checked: no workspace folder)'); return; }
      const again = await vscode.commands.executeCommand<{ summary: { recall: number; verdict: string }; report: string; saved?: { json: string; md: string } }>(
        'mlServing.deploy.compare', { service: NAME }, { a: r1, b: r2, requests: jsonl, k: K, save: true });
      assert.ok(again?.saved, 'the comparison was saved');
      try {
        assert.equal(path.dirname(again.saved.json), path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'reports'));
        const record = JSON.parse(readFileSync(again.saved.json, 'utf8'));
        assert.deepEqual(reportProblems(record), []);
        assert.deepEqual([record.meta.kind, record.meta.service, record.meta.against, record.meta.revision], ['comparison', SVC, r1, r2]);
        assert.ok(Math.abs(record.data.summary.recall - expected) < 1e-9, `saved recall ${record.data.summary.recall} vs independent ${expected}`);
        assert.equal(record.data.rows.length, REQUESTS.length);
        assert.equal(readFileSync(again.saved.md, 'utf8'), again.report, 'the summary the user read');
      } finally {
        for (const f of [again.saved.json, again.saved.md]) rmSync(f, { force: true });
      }
    } finally {
      messages.restore();
    }
  });
});
