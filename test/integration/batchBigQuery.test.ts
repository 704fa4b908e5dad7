// In-host, against the emulator (issue 17): Batch Predict over the demo's BigQuery table
// demo-project.recsys.users (1,000 rows) into bq://demo-project. Bad tables are refused naming the
// input and the column, before any confirmation or job; the confirmation shows the table's rows and
// columns; the job writes a new dataset whose predictions and errors tables hold every row once;
// Open Output shows the ranked top-K table read from BigQuery.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest } from './support/zoo';
import { rawClients } from './support/rawClients';

type BqTable = { getRows(o?: object): Promise<[Array<Record<string, any>>]> };
type BqClient = { dataset(d: string, o?: object): { table(t: string): BqTable } };

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
  const rows = await a.trees.services.getChildren(a.trees.batchJobs);
  const items = await Promise.all(rows.map(async n => ({ node: n, item: await a.trees.services.getTreeItem(n) })));
  return items.find(r => r.node.id === `batch:${name}`);
}

describe('Batch Predict over BigQuery (issue 17)', function () {
  this.timeout(400_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin() || !zooManifest() || !process.env.MLSERVING_PYTHON) {
      console.log('    (skipped: needs the emulator with real TensorFlow)');
      this.skip();
    }
    a = await useDemoProject();
  });

  it('predicts the 1,000 rows of a BigQuery table into a new dataset: bad tables refused naming the column; every row answered or in errors; Open Output ranks', async () => {
    const cloud = await a.services.session.cloud();
    const node = await versionNode(a, 'recsys-retrieval');
    const tag = `itest-bq-${Date.now()}`;
    const messages = captureMessages(m => (m.modal ? 'Start' : undefined));
    try {
      const bad: Array<[object, RegExp]> = [
        [{ input: 'bq://demo-project.recsys.nope', outputPrefix: 'bq://demo-project' }, /^input: table demo-project\.recsys\.nope does not exist/],
        [{ input: 'bq://demo-project.recsys.users_empty', outputPrefix: 'bq://demo-project' }, /^input: table demo-project\.recsys\.users_empty has no rows/],
        [{ input: 'bq://demo-project.recsys.sessions', outputPrefix: 'bq://demo-project' }, /^input: table demo-project\.recsys\.sessions has no column hour_of_day that the signature serving_default needs/],
        [{ input: 'bq://demo-project.recsys.users', outputPrefix: 'bq://demo-project.no_such_dataset' }, /^outputPrefix: dataset demo-project\.no_such_dataset does not exist/],
        [{ input: 'bq://demo-project.recsys.users', outputPrefix: 'bq://demo-project.a.b' }, /^outputPrefix: "bq:\/\/demo-project\.a\.b" is not a BigQuery destination/],
      ];
      for (const [opts, re] of bad) {
        const before = messages.shown.length;
        const r = await vscode.commands.executeCommand('mlServing.batch.predict', node, { machineType: 'n1-standard-4', ...opts });
        assert.equal(r, undefined);
        const err = await messages.waitFor(m => messages.shown.indexOf(m) >= before && m.level === 'error', `the error for ${JSON.stringify(opts)}`);
        assert.match(err.text, re);
      }
      assert.ok(!messages.shown.some(m => m.modal), 'no confirmation was shown for bad input');
      assert.ok(!(await cloud.apis.batch.listJobs('us-central1')).some(j => j.displayName.startsWith(tag)), 'no job was created for bad input');

      const job = await vscode.commands.executeCommand<{ name: string }>('mlServing.batch.predict', node, { input: 'bq://demo-project.recsys.users', outputPrefix: 'bq://demo-project', machineType: 'n1-standard-4', displayName: `${tag}-job` });
      assert.ok(job?.name, `the job was created; shown: ${JSON.stringify(messages.shown)}`);
      const modal = messages.shown.find(m => m.modal)!;
      assert.match(modal.detail!, /Input: bq:\/\/demo-project\.recsys\.users \(BigQuery table: 1,000 rows; columns user_id STRING, hour_of_day FLOAT, country STRING; each row sends (user_id, hour_of_day|hour_of_day, user_id) to serving_default \(country kept in the output only\)\)/);
      assert.match(modal.detail!, /Output: BigQuery: a new dataset demo-project\.prediction_recsys_retrieval_<time> with tables predictions and errors/);

      const end = Date.now() + 300_000;
      let row = await jobRow(a, job.name);
      assert.ok(row, 'the job is under Serving → Batch Jobs');
      while (!/\.(succeeded|partiallySucceeded|failed|cancelled)$/.test(String(row?.item.contextValue))) {
        assert.ok(Date.now() < end, `the job did not finish: ${row?.item.description}`);
        await new Promise(r => setTimeout(r, 2000));
        row = await jobRow(a, job.name);
      }
      assert.equal(row!.item.contextValue, 'mlServing.batchJob.partiallySucceeded', String(row!.item.tooltip && (row!.item.tooltip as vscode.MarkdownString).value));
      assert.match(String(row!.item.description), /^Partially succeeded · 999 done, 1 failed/);

      // The tables, read with the official BigQuery client as a user would.
      const done = await cloud.apis.batch.getJob(job.name);
      const m = /^bq:\/\/demo-project\.(prediction_recsys_retrieval_\d{4}_\d\d_\d\dT[\d_]+Z)$/.exec(done.outputDirectory ?? '');
      assert.ok(m, `the output is a new dataset: ${done.outputDirectory}`);
      const ds = (rawClients(cloud).bigquery() as unknown as BqClient).dataset(m[1]);
      const [predictions] = await ds.table('predictions').getRows({ parseJSON: true });
      const [errors] = await ds.table('errors').getRows();
      assert.equal(predictions.length, 999);
      assert.deepEqual(errors.map(r => r.user_id), ['user_900']);
      assert.match(errors[0].errors.message, /./);
      assert.deepEqual([...predictions, ...errors].map(r => r.user_id).sort(), Array.from({ length: 1000 }, (_, i) => `user_${i}`).sort());
      assert.ok(Array.isArray(predictions[0].prediction.product_ids), 'each prediction is the model output with product_ids');

      // Open Output: the first predictions as the ranked top-K table, read from BigQuery.
      const out = await vscode.commands.executeCommand<{ markdown: string; results: Array<{ instance: any; ranked?: Array<{ id: string }> }> }>('mlServing.batch.openOutput', row!.node);
      assert.ok(out, `Open Output answered; shown: ${JSON.stringify(messages.shown.slice(-3))}`);
      assert.match(out.markdown, /## Predictions \(first 20 of 999\)/);
      assert.match(out.markdown, /\| rank \| id \| score \|/);
      assert.match(out.markdown, /Tables: `demo-project\.prediction_recsys_retrieval_[\w]+\.predictions`, `demo-project\.prediction_recsys_retrieval_[\w]+\.errors`/);
      assert.match(out.markdown, /## Errors \(1\)/);
      const top = out.results[0];
      const expected = predictions.find(r => r.user_id === top.instance.user_id)!.prediction.product_ids.slice(0, 10);
      assert.deepEqual(top.ranked!.slice(0, 10).map(r => r.id), expected);
    } finally {
      messages.restore();
    }
  });
});
