import { strict as assert } from 'node:assert';
import { BatchInputError, validateBatchForm } from '../../src/serving/batch/input';
import { checkInputTable, describeTable, predictionDatasetName, type TableShape } from '../../src/serving/batch/bigqueryInput';
import { errorFromRow, resultFromRow } from '../../src/serving/batch/results';
import { bigqueryClientOptions, parseEndpoints } from '../../src/gcp/endpoints';

const USERS: TableShape = {
  id: 'demo-project.recsys.users', rows: 1000,
  columns: [{ name: 'user_id', type: 'STRING', mode: 'REQUIRED' }, { name: 'hour_of_day', type: 'FLOAT', mode: 'NULLABLE' }, { name: 'country', type: 'STRING', mode: 'NULLABLE' }],
};
const RETRIEVAL = { user_id: { name: 'user_id:0', dtype: 'DT_STRING', shape: [-1] }, hour_of_day: { name: 'hour_of_day:0', dtype: 'DT_FLOAT', shape: [-1] } };

function inputError(f: () => unknown, re: RegExp, field = 'input') {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof BatchInputError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, re);
    return true;
  });
}

describe('batch prediction over BigQuery: checks before the job, reading its tables', () => {
  it('a table that fits the signature passes; the confirmation line shows rows and columns', () => {
    checkInputTable(USERS, USERS.id, 'serving_default', RETRIEVAL);
    assert.equal(describeTable(USERS), '1,000 rows; columns user_id STRING, hour_of_day FLOAT, country STRING');
  });

  it('refuses a missing table, an empty one, a missing column and a column of the wrong type, naming the input and the column', () => {
    inputError(() => checkInputTable(undefined, 'demo-project.recsys.nope', 'serving_default', RETRIEVAL), /^input: table demo-project\.recsys\.nope does not exist/);
    inputError(() => checkInputTable({ ...USERS, rows: 0 }, USERS.id, 'serving_default', RETRIEVAL), /^input: table demo-project\.recsys\.users has no rows$/);
    const noHour = { ...USERS, columns: USERS.columns.filter(c => c.name !== 'hour_of_day') };
    inputError(() => checkInputTable(noHour, USERS.id, 'serving_default', RETRIEVAL), /^input: table demo-project\.recsys\.users has no column hour_of_day that the signature serving_default needs$/);
    const stringHour = { ...USERS, columns: USERS.columns.map(c => (c.name === 'hour_of_day' ? { ...c, type: 'STRING' } : c)) };
    inputError(() => checkInputTable(stringHour, USERS.id, 'serving_default', RETRIEVAL), /^input: table demo-project\.recsys\.users column hour_of_day is STRING, but the signature serving_default needs DT_FLOAT/);
    // The signature unknown (the model could not be read): the table is still checked for rows.
    checkInputTable(noHour, USERS.id, 'serving_default', undefined);
    inputError(() => checkInputTable({ ...noHour, rows: 0 }, USERS.id, 'serving_default', undefined), /has no rows/);
  });

  it('a BigQuery input may write to bq://PROJECT or bq://PROJECT.DATASET; anything else names outputPrefix', () => {
    const bq = { input: 'bq://demo-project.recsys.users', machineType: 'n1-standard-4' };
    assert.equal(validateBatchForm({ ...bq, outputPrefix: 'bq://demo-project' }).outputPrefix, 'bq://demo-project');
    assert.equal(validateBatchForm({ ...bq, outputPrefix: 'bq://demo-project.results_ds' }).outputPrefix, 'bq://demo-project.results_ds');
    assert.equal(validateBatchForm({ ...bq, outputPrefix: 'gs://demo-project-models/out/' }).outputPrefix, 'gs://demo-project-models/out');
    inputError(() => validateBatchForm({ ...bq, outputPrefix: 'bq://demo-project.a.b' }), /^outputPrefix: "bq:\/\/demo-project\.a\.b" is not a BigQuery destination \(bq:\/\/PROJECT or bq:\/\/PROJECT\.DATASET\)/, 'outputPrefix');
    inputError(() => validateBatchForm({ ...bq, outputPrefix: 'bq://Demo' }), /is not a BigQuery destination/, 'outputPrefix');
    inputError(() => validateBatchForm({ ...bq, outputPrefix: 'demo-project' }), /^outputPrefix: "demo-project" is not a gs:\/\/ URI nor a bq:\/\/ destination/, 'outputPrefix');
    inputError(() => validateBatchForm({ ...bq, outputPrefix: '' }), /or a BigQuery destination bq:\/\/PROJECT/, 'outputPrefix');
    // gs:// input: a BigQuery destination is refused (Batch Predict writes JSONL there).
    inputError(() => validateBatchForm({ input: 'gs://demo-project-models/in/*.jsonl', machineType: 'n1-standard-4', outputPrefix: 'bq://demo-project' }), /a BigQuery destination needs a BigQuery input/, 'outputPrefix');
  });

  it('reads predictions and errors rows into the preview lines: input columns as the instance, the prediction parsed and ranked', () => {
    const prediction = { ids: ['p1', 'p2', 'p3'], scores: [0.9, 0.5, 0.1] };
    const r = resultFromRow({ user_id: 'user_1', hour_of_day: 7.5, prediction: JSON.stringify(prediction) });
    assert.deepEqual(r.instance, { user_id: 'user_1', hour_of_day: 7.5 });
    assert.deepEqual(r.prediction, prediction);
    assert.deepEqual(r.ranked?.map(x => [x.rank, x.id]), [[1, 'p1'], [2, 'p2'], [3, 'p3']]);
    assert.throws(() => resultFromRow({ user_id: 'u' }, 'predictions:3'), /^Error: predictions:3: the predictions table has no prediction column/);
    const e = errorFromRow({ user_id: 'user_900', hour_of_day: null, errors: { code: 3, message: 'bad hour' } });
    assert.deepEqual(e, { instance: { user_id: 'user_900', hour_of_day: null }, message: 'bad hour' });
  });

  it('names the output dataset as Vertex AI does: prediction_<model, dataset-safe>_<ISO time with underscores>', () => {
    assert.equal(predictionDatasetName('recsys-retrieval v2', Date.UTC(2026, 10, 30, 18, 5, 9, 42)), 'prediction_recsys_retrieval_v2_2026_11_30T18_05_09_042Z');
  });

  it('connects the BigQuery client to the emulator named in its endpoints, with a fixed token; an emulator without BigQuery is named', () => {
    const base = { vertex: '127.0.0.1:1', run: '127.0.0.1:2', logging: '127.0.0.1:3', storage: 'http://127.0.0.1:4', admin: 'http://127.0.0.1:5' };
    const endpoints = parseEndpoints({ ...base, bigquery: 'http://127.0.0.1:6' });
    assert.equal(endpoints.bigquery, 'http://127.0.0.1:6');
    assert.throws(() => parseEndpoints({ ...base, bigquery: 'ftp://x' }), /emulator endpoints\.bigquery: expected "http:\/\/host:port"/);
    class FakeOAuth { creds: object = {}; setCredentials(c: object) { this.creds = c; } }
    const o = bigqueryClientOptions({ kind: 'emulator', endpoints }, FakeOAuth);
    assert.equal(o.apiEndpoint, 'http://127.0.0.1:6');
    assert.deepEqual((o.authClient as FakeOAuth).creds, { access_token: 'emulator', token_type: 'Bearer' });
    assert.deepEqual(bigqueryClientOptions({ kind: 'google' }, FakeOAuth), {});
    assert.throws(() => bigqueryClientOptions({ kind: 'emulator', endpoints: parseEndpoints(base) }, FakeOAuth), /This emulator has no BigQuery/);
  });
});
