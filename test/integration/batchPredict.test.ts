// In-host, against the emulator (issue 17): Batch Predict on a registered zoo model over a JSONL of
// 1,000 rows in Cloud Storage; the job shows under Serving → Batch Jobs until it finishes; its
// output, read back, answers every row or names it in the errors file; Open Output shows the ranked
// top-K table. Bad input is refused naming the field, before any confirmation or job.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest, zooModel } from './support/zoo';
import { rawClients } from './support/rawClients';

type Bucket = {
  file(n: string): { save(d: Buffer, o: object): Promise<void>; download(): Promise<[Buffer]> };
  getFiles(q: object): Promise<[Array<{ name: string }>]>;
};
const BUCKET = 'demo-project-models';

async function versionNode(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === model)];
  assert.ok(node, `${model} in the Models tree`);
  const versions = await a.trees.models.getChildren(node);
  assert.ok(versions.length, `${model} has versions`);
  return versions[0];
}

async function jobRow(a: ExtensionApi, name: string) {
  const jobs = a.trees.batchJobs;
  const rows = await a.trees.services.getChildren(jobs);
  const items = await Promise.all(rows.map(async n => ({ node: n, item: await a.trees.services.getTreeItem(n) })));
  return items.find(r => r.node.id === `batch:${name}`);
}

describe('Batch Predict (issue 17)', function () {
  this.timeout(400_000);
  let a: ExtensionApi;

  before(async function () {
    const m = zooManifest();
    if (!emulatorAdmin() || !m || !process.env.MLSERVING_PYTHON) {
      console.log('    (skipped: needs the emulator with real TensorFlow)');
      this.skip();
    }
    a = await useDemoProject();
  });

  it('batch-predicts 1,000 rows from Cloud Storage: every row answered or named in the errors file; Open Output shows the ranked table', async () => {
    const cloud = await a.services.session.cloud();
    const bucket = (rawClients(cloud).storage() as unknown as { bucket(b: string): Bucket }).bucket(BUCKET);
    const root = `itest-batch-${Date.now()}`;
    const sample = zooModel(zooManifest()!, 'retrieval').samples.find(s => s.signature_name === 'serving_default')!;
    const first = (sample.request.instances as Array<Record<string, unknown>>)[0];
    const rows = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ user_id: `user_${i}`, hour_of_day: i % 24 }));
    rows[0] = JSON.stringify(first);
    rows[500] = '{"user_id": "user_500", "hour_of_day": ';             // not JSON
    rows[900] = JSON.stringify({ user_id: 'user_900', hour_of_day: 'late' }); // not a float
    await bucket.file(`${root}/in/part-0.jsonl`).save(Buffer.from(rows.slice(0, 500).join('\n') + '\n'), { resumable: false });
    await bucket.file(`${root}/in/part-1.jsonl`).save(Buffer.from(rows.slice(500).join('\n') + '\n'), { resumable: false });
    const node = await versionNode(a, 'recsys-retrieval');
    const input = `gs://${BUCKET}/${root}/in/*.jsonl`;
    const outputPrefix = `gs://${BUCKET}/${root}/out`;

    const messages = captureMessages(m => (m.modal ? 'Start' : undefined));
    try {
      // Bad input: refused naming the field, with no confirmation and no job.
      const bad: Array<[object, RegExp]> = [
        [{ input: `gs://${BUCKET}/${root}/nothing/*.jsonl`, outputPrefix, machineType: 'n1-standard-4' }, /^input: no object matches gs:\/\/demo-project-models\/itest-batch-\d+\/nothing\/\*\.jsonl/],
        [{ input: `gs://${BUCKET}/${root}/*/part-0.jsonl`, outputPrefix, machineType: 'n1-standard-4' }, /^input: .*wildcard \(\*\) is allowed only in the last path segment/],
        [{ input, outputPrefix, machineType: 'n1-standard-3' }, /^machineType: "n1-standard-3" is not a machine type batch prediction offers/],
        [{ input, outputPrefix: `${BUCKET}/${root}/out`, machineType: 'n1-standard-4' }, /^outputPrefix: .* is not a gs:\/\/ URI/],
        [{ input, outputPrefix, machineType: 'n1-standard-4', startingReplicaCount: 2, maxReplicaCount: 1 }, /^maxReplicaCount: 1 is less than the starting replica count 2/],
      ];
      for (const [opts, re] of bad) {
        const before = messages.shown.length;
        const r = await vscode.commands.executeCommand('mlServing.batch.predict', node, opts);
        assert.equal(r, undefined);
        const err = await messages.waitFor(m => messages.shown.indexOf(m) >= before && m.level === 'error', `the error for ${JSON.stringify(opts)}`);
        assert.match(err.text, re);
      }
      assert.ok(!messages.shown.some(m => m.modal), 'no confirmation was shown for bad input');
      const listed = await cloud.apis.batch.listJobs('us-central1');
      assert.ok(!listed.some(j => j.inputUris.some(u => u.includes(root))), 'no job was created for bad input');

      const job = await vscode.commands.executeCommand<{ name: string; outputDirectory: string }>('mlServing.batch.predict', node, { input, outputPrefix, machineType: 'n1-standard-4', displayName: `${root}-job` });
      assert.ok(job?.name, `the job was created; shown: ${JSON.stringify(messages.shown)}`);
      const modal = messages.shown.find(m => m.modal)!;
      assert.equal(modal.text, `Start batch prediction job "${root}-job"?`);
      assert.match(modal.detail!, /Input: gs:\/\/.*\/in\/\*\.jsonl \(2 files: part-0\.jsonl, part-1\.jsonl\)/);
      assert.match(modal.detail!, /Machine: n1-standard-4, replicas 1/);

      // The Batch Jobs node lists it, and polls it to its end.
      const end = Date.now() + 300_000;
      let row = await jobRow(a, job.name);
      assert.ok(row, 'the job is under Serving → Batch Jobs');
      while (!/\.(succeeded|partiallySucceeded|failed|cancelled)$/.test(String(row?.item.contextValue))) {
        assert.ok(Date.now() < end, `the job did not finish: ${row?.item.description}`);
        await new Promise(r => setTimeout(r, 2000));
        row = await jobRow(a, job.name);
      }
      assert.equal(row!.item.contextValue, 'mlServing.batchJob.partiallySucceeded', String(row!.item.tooltip && (row!.item.tooltip as vscode.MarkdownString).value));
      assert.match(String(row!.item.description), /^Partially succeeded · 998 done, 2 failed · \d+/);

      // The output, read back from Cloud Storage: every row answered once, or named in the errors file.
      const dir = job.outputDirectory.replace(`gs://${BUCKET}/`, '');
      const [files] = await bucket.getFiles({ prefix: `${dir}/` });
      const read = async (kind: string) => (await Promise.all(files.filter(f => f.name.includes(`/prediction.${kind}-`)).map(async f => (await bucket.file(f.name).download())[0].toString('utf8'))))
        .join('').split('\n').filter(Boolean).map(l => JSON.parse(l));
      const results = await read('results');
      const errors = await read('errors_stats');
      assert.equal(results.length + errors.length, 1000);
      assert.equal(errors.length, 2);
      const answered = new Set(results.map(r => JSON.stringify(r.instance)));
      rows.forEach((line, i) => {
        if (i === 500 || i === 900) return;
        assert.ok(answered.has(JSON.stringify(JSON.parse(line))), `row ${i} was answered`);
      });
      assert.deepEqual(errors.map(e => e.instance), [rows[500], { user_id: 'user_900', hour_of_day: 'late' }]);
      const firstResult = results.find(r => JSON.stringify(r.instance) === JSON.stringify(first));
      assert.deepEqual(firstResult.prediction.product_ids, (sample.expected.predictions[0] as { product_ids: string[] }).product_ids, 'TensorFlow answered the zoo sample as the zoo says');

      // Open Output: the first predictions as the ranked top-K table, and the error lines.
      const out = await vscode.commands.executeCommand<{ uri: string; markdown: string; results: Array<{ instance: unknown; ranked?: Array<{ id: string }> }> }>('mlServing.batch.openOutput', row!.node);
      assert.ok(out, `Open Output answered; shown: ${JSON.stringify(messages.shown.slice(-3))}`);
      assert.match(out.markdown, /## Predictions \(first 20 of 998\)/);
      assert.match(out.markdown, /\| rank \| id \| score \|/);
      const top = out.results[0];
      const expectedTop = results.find(r => JSON.stringify(r.instance) === JSON.stringify(top.instance)).prediction.product_ids.slice(0, 10);
      assert.deepEqual(top.ranked!.slice(0, 10).map(r => r.id), expectedTop);
      assert.ok(out.markdown.includes(`| 1 | ${expectedTop[0]} |`));
      assert.match(out.markdown, /## Errors \(2\)/);
      assert.match(out.markdown, /Invalid JSON instance/);
      // The preview shows the read-only document that holds this markdown.
      assert.equal((await vscode.workspace.openTextDocument(vscode.Uri.parse(out.uri))).getText(), out.markdown);
      const tabs = () => vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => t.label);
      const end2 = Date.now() + 10_000;
      while (!tabs().some(l => l.includes('-output.md')) && Date.now() < end2) await new Promise(r => setTimeout(r, 200));
      assert.ok(tabs().some(l => l.includes('-output.md')), `a tab shows the output preview; tabs: ${tabs().join(', ')}`);
    } finally {
      messages.restore();
    }
  });
  it('Cancel on a running job asks first, then the job ends Cancelled', async () => {
    const cloud = await a.services.session.cloud();
    const bucket = (rawClients(cloud).storage() as unknown as { bucket(b: string): Bucket }).bucket(BUCKET);
    const root = `itest-batch-cancel-${Date.now()}`;
    await bucket.file(`${root}/in.jsonl`).save(Buffer.from(Array.from({ length: 50 }, (_, i) => JSON.stringify({ user_id: `u${i}`, hour_of_day: 1 })).join('\n')), { resumable: false });
    const node = await versionNode(a, 'recsys-retrieval');
    let answer: string | undefined;
    const messages = captureMessages(m => (m.modal ? answer : undefined));
    try {
      answer = 'Start';
      const job = await vscode.commands.executeCommand<{ name: string }>('mlServing.batch.predict', node, { input: `gs://${BUCKET}/${root}/in.jsonl`, outputPrefix: `gs://${BUCKET}/${root}/out`, machineType: 'e2-standard-4' });
      assert.ok(job?.name);
      const row = await jobRow(a, job.name);
      assert.ok(row && /\.(pending|running)$/.test(String(row.item.contextValue)), `the job is pending or running: ${row?.item.contextValue}`);
      // Dismissed: the job keeps running.
      answer = undefined;
      await vscode.commands.executeCommand('mlServing.batch.cancel', row.node);
      const asked = await messages.waitFor(m => !!m.modal && m.text.startsWith('Cancel batch prediction job'), 'the cancel confirmation');
      assert.equal(asked.actions[0], 'Cancel Job');
      assert.ok(!/cancel/i.test(String((await jobRow(a, job.name))?.item.contextValue)), 'dismissing cancels nothing');
      answer = 'Cancel Job';
      assert.equal(await vscode.commands.executeCommand('mlServing.batch.cancel', row.node), true);
      const end = Date.now() + 120_000;
      let state = '';
      while (!/\.cancelled$/.test(state)) {
        assert.ok(Date.now() < end, `the job did not end Cancelled: ${state}`);
        await new Promise(r => setTimeout(r, 1000));
        state = String((await jobRow(a, job.name))?.item.contextValue);
      }
    } finally {
      messages.restore();
    }
  });
});
