import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, repoRoot, startTestEmulator, waitFor } from './harness';
import { bigqueryClientOptions, type Connection } from '../../../src/gcp/endpoints';
import { GcpClients } from '../../../src/gcp/clients';
import { batchPredictionApi } from '../../../src/gcp/batchPrediction';
import { bigqueryApi } from '../../../src/gcp/bigquery';
import { DEMO_BQ_NULL_ROW, DEMO_BQ_ROWS } from '../demo/bigquery';

/**
 * BigQuery in the emulator with the official `@google-cloud/bigquery` client (the bundle the
 * extension ships): datasets, tables, insertAll and tabledata.list paging; then a batch prediction
 * job whose input is a BigQuery table and whose output is a new BigQuery dataset, predicted by the
 * real TensorFlow server (MLSERVING_PYTHON / MLSERVING_ZOO), read back with the same client.
 */
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_PARTIALLY_SUCCEEDED', 'JOB_STATE_CANCELLED'];

function bigQueryBundle(): any {
  const file = path.join(repoRoot, 'dist', 'gcp-bigquery.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "node scripts/build.mjs --only=ext" first`);
  return require(file);
}

function job(model: string, over: Record<string, any> = {}) {
  return {
    displayName: 'bq-batch-test', model,
    inputConfig: { instancesFormat: 'bigquery', bigquerySource: { inputUri: 'bq://demo-project.recsys.users' } },
    // Without instance_type "object" Vertex AI sends each row as an array; `country` is not a model input.
    instanceConfig: { instanceType: 'object', includedFields: ['user_id', 'hour_of_day'] },
    outputConfig: { predictionsFormat: 'bigquery', bigqueryDestination: { outputUri: 'bq://demo-project' } },
    dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, startingReplicaCount: 1, maxReplicaCount: 1 },
    ...over,
  };
}

describe('emulator: BigQuery REST v2 and batch prediction over BigQuery, with the official clients', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let conn: Connection;
  let bq: any;
  let jobs: any;
  let model: string;
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;

  before(async () => {
    const started = await startTestEmulator(python && zoo ? { python, zooDir: zoo, opsBuildDir: process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined } : {});
    emu = started.emu;
    conn = started.conn;
    const b = bigQueryBundle();
    bq = new b.BigQuery({ projectId: 'demo-project', ...bigqueryClientOptions(conn, b.OAuth2Client) });
    const v = bundle('vertex');
    jobs = new v.JobServiceClient(clientOptions(conn, 'vertex', v.grpc));
    const retrieval = [...emu.vertex.models.values()].find(m => m.versions[0].displayName === 'recsys-retrieval');
    assert.ok(retrieval, 'the demo project has recsys-retrieval');
    model = `${retrieval.name}@${retrieval.versions[retrieval.versions.length - 1].versionId}`;
  });
  after(async () => {
    await jobs?.close();
    await emu?.stop();
  });

  const finished = async (name: string, ms = 180_000) => waitFor(async () => {
    const [j] = await jobs.getBatchPredictionJob({ name });
    return TERMINAL.includes(j.state) ? j : undefined;
  }, ms, `job ${name} to finish`);

  it('datasets, tables, insertAll and tabledata.list pages answer the official client as BigQuery does', async () => {
    const [ds] = await bq.createDataset('itest');
    const [table] = await ds.createTable('scores', { schema: { fields: [{ name: 'user_id', type: 'STRING', mode: 'REQUIRED' }, { name: 'score', type: 'FLOAT' }, { name: 'n', type: 'INTEGER' }] } });
    await table.insert(Array.from({ length: 5 }, (_, i) => ({ user_id: `u${i}`, score: i / 2, n: i })));
    const [meta] = await table.getMetadata();
    assert.equal(meta.numRows, '5');
    assert.deepEqual(meta.schema.fields.map((f: any) => f.name), ['user_id', 'score', 'n']);
    // Two rows a page: three pages, the rows typed by the schema and in insertion order.
    const seen: any[] = [];
    let query: any = { maxResults: 2, autoPaginate: false };
    let pages = 0;
    while (query) {
      const [rows, next] = await table.getRows(query);
      seen.push(...rows);
      pages++;
      query = next;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [0, 1, 2, 3, 4].map(i => ({ user_id: `u${i}`, score: i / 2, n: i })));
    // A bad row is refused with the row and the field named, and nothing is inserted.
    await assert.rejects(table.insert([{ user_id: 'ok', score: 1 }, { user_id: 'bad', score: 'high' }]), (e: any) => e.name === 'PartialFailureError' && JSON.stringify(e.errors).includes('rows[1].json.score: cannot convert \\"high\\" to FLOAT'));
    assert.equal((await table.getMetadata())[0].numRows, '5');
    await assert.rejects(bq.dataset('recsys').table('nope').getMetadata(), (e: any) => e.code === 404 && /Not found: Table demo-project:recsys\.nope/.test(e.message));
    await assert.rejects(bq.dataset('nope').getMetadata(), (e: any) => e.code === 404);
  });

  it('the product adapter reads the demo table: its columns, row count and first rows', async () => {
    const clients = new GcpClients(conn, 'demo-project');
    try {
      const api = bigqueryApi(clients);
      const info = await api.table({ project: 'demo-project', dataset: 'recsys', table: 'users' });
      assert.deepEqual(info, { id: 'demo-project.recsys.users', rows: DEMO_BQ_ROWS, columns: [{ name: 'user_id', type: 'STRING', mode: 'REQUIRED' }, { name: 'hour_of_day', type: 'FLOAT', mode: 'NULLABLE' }, { name: 'country', type: 'STRING', mode: 'NULLABLE' }] });
      assert.equal(await api.table({ project: 'demo-project', dataset: 'recsys', table: 'missing' }), undefined);
      const rows = await api.rows({ project: 'demo-project', dataset: 'recsys', table: 'users' }, 1500);
      assert.equal(rows.length, DEMO_BQ_ROWS, 'paged past the first tabledata.list page');
      assert.deepEqual(rows[1], { user_id: 'user_1', hour_of_day: 7.5, country: 'DE' });
      assert.equal(rows[DEMO_BQ_NULL_ROW].hour_of_day, null);
      assert.equal(await api.datasetExists('demo-project', 'recsys'), true);
      assert.equal(await api.datasetExists('demo-project', 'nope'), false);
    } finally {
      await clients.dispose();
    }
  });

  it('refuses a bad BigQuery job naming the field; a missing table fails the job naming it', async () => {
    const bad: Array<[Record<string, any>, RegExp]> = [
      [{ inputConfig: { instancesFormat: 'bigquery', bigquerySource: { inputUri: 'bq://demo-project.recsys' } } }, /input_config\.bigquery_source\.input_uri: "bq:\/\/demo-project\.recsys" is not a bq:\/\/PROJECT\.DATASET\.TABLE/],
      [{ outputConfig: { predictionsFormat: 'bigquery', bigqueryDestination: { outputUri: 'gs://x' } } }, /output_config\.bigquery_destination\.output_uri: "gs:\/\/x"/],
      [{ inputConfig: { instancesFormat: 'jsonl', gcsSource: { uris: ['gs://demo-project-models/x/*.jsonl'] } }, instanceConfig: undefined }, /output_config\.predictions_format: "bigquery" output needs a bigquery input/],
      [{ instanceConfig: { includedFields: ['user_id'], excludedFields: ['country'] } }, /instance_config\.excluded_fields: must be empty when included_fields is set/],
    ];
    for (const [over, re] of bad) {
      await assert.rejects(jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, over) }), (e: any) => e.code === 3 && re.test(e.details), JSON.stringify(over));
    }
    const [created] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { inputConfig: { instancesFormat: 'bigquery', bigquerySource: { inputUri: 'bq://demo-project.recsys.nope' } } }) });
    const done = await finished(created.name, 10_000);
    assert.equal(done.state, 'JOB_STATE_FAILED');
    assert.match(done.error.message, /BigQuery table demo-project\.recsys\.nope not found \(input_config\.bigquery_source\.input_uri\)/);
  });

  it('predicts 1,000 BigQuery rows with the real server into a new dataset: every row in predictions or errors', async function () {
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow');
      this.skip();
    }
    const [created] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { manualBatchTuningParameters: { batchSize: 200 } }) });
    assert.match(created.outputInfo.bigqueryOutputDataset, /^bq:\/\/demo-project\.prediction_recsys_retrieval_\d{4}_\d\d_\d\dT\d\d_\d\d_\d\d_\d{3}Z$/);
    assert.equal(created.outputInfo.bigqueryOutputTable, 'predictions');
    const done = await finished(created.name);
    assert.ok(['JOB_STATE_SUCCEEDED', 'JOB_STATE_PARTIALLY_SUCCEEDED'].includes(done.state), JSON.stringify(done.error));
    const ok = Number(done.completionStats.successfulCount);
    const failed = Number(done.completionStats.failedCount);
    assert.equal(ok + failed, DEMO_BQ_ROWS);
    assert.equal(String(done.completionStats.incompleteCount), '0');

    // Read back with the official client, as a user would in BigQuery.
    const dataset = bq.dataset(done.outputInfo.bigqueryOutputDataset.split('.').pop());
    const [pRows] = await dataset.table('predictions').getRows({ parseJSON: true });
    const [eRows] = await dataset.table('errors').getRows();
    assert.equal(pRows.length, ok);
    assert.equal(eRows.length, failed);
    const ids = [...pRows, ...eRows].map((r: any) => r.user_id).sort();
    assert.deepEqual(ids, Array.from({ length: DEMO_BQ_ROWS }, (_, i) => `user_${i}`).sort(), 'every input row is answered or named in errors, once');
    const [pMeta] = await dataset.table('predictions').getMetadata();
    assert.deepEqual(pMeta.schema.fields.map((f: any) => f.name), ['user_id', 'hour_of_day', 'country', 'prediction']);
    const first = pRows.find((r: any) => r.user_id === 'user_1');
    assert.equal(first.hour_of_day, 7.5);
    assert.equal(first.country, 'DE');
    assert.ok(first.prediction && typeof first.prediction === 'object', 'prediction is the model output, as JSON');
    // The demo's row with a NULL hour_of_day is the one the model cannot answer.
    assert.deepEqual(eRows.map((r: any) => r.user_id), [`user_${DEMO_BQ_NULL_ROW}`]);
    assert.equal(done.state, 'JOB_STATE_PARTIALLY_SUCCEEDED');
    for (const r of eRows) assert.ok(r.errors?.message && r.errors.code === 3, `errors row ${r.user_id} says why`);

    // Open Output's read: the same ranked rows the Test Prediction panel shows.
    const clients = new GcpClients(conn, 'demo-project');
    try {
      const out = await batchPredictionApi(clients).readOutput(done.outputInfo.bigqueryOutputDataset, { results: 5, errors: 5 }, done.outputInfo.bigqueryOutputTable);
      assert.equal(out.results.length, 5);
      assert.ok(out.results[0].ranked?.length, 'the retrieval prediction reads as ranked ids and scores');
      assert.equal((out.results[0].instance as any).user_id, pRows[0].user_id);
      assert.deepEqual(out.files, [`${done.outputInfo.bigqueryOutputDataset}.predictions`, `${done.outputInfo.bigqueryOutputDataset}.errors`]);
      assert.equal(out.errors.length, Math.min(5, failed));
    } finally {
      await clients.dispose();
    }
  });

  it('writes into a given dataset (timestamped tables) or to Cloud Storage, and Open Output reads either', async function () {
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow');
      this.skip();
    }
    await bq.createDataset('given_out').catch((e: any) => { if (e.code !== 409) throw e; });
    const [intoDataset] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { displayName: 'into-dataset', outputConfig: { predictionsFormat: 'bigquery', bigqueryDestination: { outputUri: 'bq://demo-project.given_out' } } }) });
    assert.equal(intoDataset.outputInfo.bigqueryOutputDataset, 'bq://demo-project.given_out');
    assert.match(intoDataset.outputInfo.bigqueryOutputTable, /^predictions_\d{4}_\d\d_\d\dT[\d_]+Z$/);
    const [toGcs] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { displayName: 'to-gcs', outputConfig: { predictionsFormat: 'jsonl', gcsDestination: { outputUriPrefix: 'gs://demo-project-models/bq-batch-out' } } }) });
    const a = await finished(intoDataset.name);
    const b = await finished(toGcs.name);
    for (const d of [a, b]) {
      assert.equal(d.state, 'JOB_STATE_PARTIALLY_SUCCEEDED', JSON.stringify(d.error));
      assert.deepEqual([d.completionStats.successfulCount, d.completionStats.failedCount].map(String), [String(DEMO_BQ_ROWS - 1), '1']);
    }
    const errorsTable = a.outputInfo.bigqueryOutputTable.replace(/^predictions/, 'errors');
    const [eRows] = await bq.dataset('given_out').table(errorsTable).getRows();
    assert.deepEqual(eRows.map((r: any) => r.user_id), [`user_${DEMO_BQ_NULL_ROW}`]);

    const clients = new GcpClients(conn, 'demo-project');
    try {
      const api = batchPredictionApi(clients);
      const fromBq = await api.readOutput(a.outputInfo.bigqueryOutputDataset, { results: 3, errors: 3 }, a.outputInfo.bigqueryOutputTable);
      assert.deepEqual(fromBq.files, [`bq://demo-project.given_out.${a.outputInfo.bigqueryOutputTable}`, `bq://demo-project.given_out.${errorsTable}`]);
      assert.equal(fromBq.results.length, 3);
      assert.equal(fromBq.errors.length, 1);
      // Cloud Storage output of a BigQuery input: each results line's instance is the row's object.
      const fromGcs = await api.readOutput(b.outputInfo.gcsOutputDirectory, { results: 3, errors: 3 });
      // The tables keep every input column (country too); a results line holds the instance as sent.
      const { country, ...sent } = fromBq.results[0].instance as Record<string, unknown>;
      assert.equal(country, 'US');
      assert.deepEqual(fromGcs.results[0].instance, sent);
      assert.ok(fromGcs.results[0].ranked?.length);
      assert.equal(fromGcs.errors.length, 1);
    } finally {
      await clients.dispose();
    }
  });
});
