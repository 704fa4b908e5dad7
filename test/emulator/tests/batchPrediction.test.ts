import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, startTestEmulator, waitFor } from './harness';

/**
 * JobService batch prediction with the official JobServiceClient: bad requests are refused naming
 * the field; a job reads JSONL from the emulator's Cloud Storage, predicts with the real TensorFlow
 * server (MLSERVING_PYTHON / MLSERVING_ZOO, set by scripts/test.mjs) and writes Vertex AI's files.
 */
const BUCKET = 'demo-project-models';
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_PARTIALLY_SUCCEEDED', 'JOB_STATE_CANCELLED'];

function job(model: string, over: Record<string, any> = {}) {
  return {
    displayName: 'batch-test', model,
    inputConfig: { instancesFormat: 'jsonl', gcsSource: { uris: [`gs://${BUCKET}/batch-in/*.jsonl`] } },
    outputConfig: { predictionsFormat: 'jsonl', gcsDestination: { outputUriPrefix: `gs://${BUCKET}/batch-out` } },
    dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, startingReplicaCount: 1, maxReplicaCount: 2 },
    ...over,
  };
}

describe('emulator: batch prediction jobs with the official JobServiceClient', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let jobs: any;
  let model: string;
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;

  before(async () => {
    // A job waits operationMs before it runs: long enough that "cancel a pending job" is not a race
    // with the start on a loaded machine (30 ms was: the job had already failed once).
    const started = await startTestEmulator({ operationMs: 2000, ...(python && zoo ? { python, zooDir: zoo, opsBuildDir: process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined } : {}) });
    emu = started.emu;
    const v = bundle('vertex');
    jobs = new v.JobServiceClient(clientOptions(started.conn, 'vertex', v.grpc));
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
  const writeInput = (file: string, lines: string[]) => {
    const f = path.join(emu.dataDir, BUCKET, 'batch-in', file);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, lines.join('\n') + '\n');
  };

  it('refuses a bad request naming the field, before any job exists', async () => {
    const bad: Array<[Record<string, any>, RegExp]> = [
      [{ dedicatedResources: { machineSpec: { machineType: 'n1-standard-3' } } }, /dedicated_resources\.machine_spec\.machine_type: "n1-standard-3" is not supported/],
      [{ dedicatedResources: undefined }, /dedicated_resources\.machine_spec\.machine_type: required/],
      [{ dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, startingReplicaCount: 3, maxReplicaCount: 2 } }, /max_replica_count: must be between starting_replica_count \(3\)/],
      [{ inputConfig: { instancesFormat: 'csv', gcsSource: { uris: ['gs://b/x.csv'] } } }, /input_config\.instances_format: "csv"/],
      [{ inputConfig: { instancesFormat: 'jsonl', gcsSource: { uris: [] } } }, /input_config\.gcs_source\.uris: at least one/],
      [{ outputConfig: { predictionsFormat: 'jsonl', gcsDestination: { outputUriPrefix: 'http://x' } } }, /output_config\.gcs_destination\.output_uri_prefix: "http:\/\/x"/],
      [{ displayName: '' }, /display_name: required/],
    ];
    for (const [over, re] of bad) {
      await assert.rejects(jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, over) }), (e: any) => e.code === 3 && re.test(e.details), JSON.stringify(over));
    }
    await assert.rejects(jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(`${PARENT}/models/nope`) }), (e: any) => e.code === 5);
    const [list] = await jobs.listBatchPredictionJobs({ parent: PARENT });
    assert.equal(list.length, 0);
  });

  it('an input URI that matches no file fails the job, naming the URI', async () => {
    const [created] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { inputConfig: { instancesFormat: 'jsonl', gcsSource: { uris: [`gs://${BUCKET}/nothing-here/*.jsonl`] } } }) });
    assert.equal(created.state, 'JOB_STATE_PENDING');
    const done = await finished(created.name, 10_000);
    assert.equal(done.state, 'JOB_STATE_FAILED');
    assert.match(done.error.message, /No files match the input URI gs:\/\/demo-project-models\/nothing-here\/\*\.jsonl/);
  });

  it('cancel stops a pending job; delete refuses a running job and removes a finished one', async () => {
    const [created] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { displayName: 'to-cancel' }) });
    await assert.rejects(jobs.deleteBatchPredictionJob({ name: created.name }), (e: any) => e.code === 9 && /cancel it first/.test(e.details));
    await jobs.cancelBatchPredictionJob({ name: created.name });
    const done = await finished(created.name, 10_000);
    assert.equal(done.state, 'JOB_STATE_CANCELLED');
    const [list] = await jobs.listBatchPredictionJobs({ parent: PARENT, filter: 'display_name="to-cancel"' });
    assert.deepEqual(list.map((j: any) => j.name), [created.name]);
    const [op] = await jobs.deleteBatchPredictionJob({ name: created.name });
    await op.promise();
    await assert.rejects(jobs.getBatchPredictionJob({ name: created.name }), (e: any) => e.code === 5);
  });

  it('predicts a JSONL file with the real server: results and errors files as Vertex AI writes them, PARTIALLY_SUCCEEDED with completion stats', async function () {
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow');
      this.skip();
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(zoo!, 'manifest.json'), 'utf8'));
    const sample = manifest.models.find((m: any) => m.name === 'retrieval').samples.find((s: any) => s.signature_name === 'serving_default');
    const good = Array.from({ length: 600 }, (_, i) => JSON.stringify({ user_id: `user_${i}`, hour_of_day: i % 24 }));
    good[0] = JSON.stringify(sample.request.instances[0]);
    writeInput('part-0.jsonl', good.slice(0, 300));
    writeInput('part-1.jsonl', [...good.slice(300), '{not json', JSON.stringify({ user_id: 'user_x', hour_of_day: 'noon' })]);
    writeInput('ignored.txt', ['{"user_id":"u","hour_of_day":1}']);
    const [created] = await jobs.createBatchPredictionJob({ parent: PARENT, batchPredictionJob: job(model, { manualBatchTuningParameters: { batchSize: 100 } }) });
    assert.match(created.outputInfo.gcsOutputDirectory, /^gs:\/\/demo-project-models\/batch-out\/prediction-recsys-retrieval-\d{4}_\d\d_\d\dT\d\d_\d\d_\d\d_\d{3}Z$/);
    await waitFor(async () => (await jobs.getBatchPredictionJob({ name: created.name }))[0].state === 'JOB_STATE_RUNNING', 10_000, 'RUNNING');
    const done = await finished(created.name);
    assert.equal(done.state, 'JOB_STATE_PARTIALLY_SUCCEEDED', JSON.stringify(done.error));
    assert.deepEqual([done.completionStats.successfulCount, done.completionStats.failedCount, done.completionStats.incompleteCount].map(String), ['600', '2', '0']);
    assert.ok(done.startTime && done.endTime);
    assert.ok(done.partialFailures.length >= 1);

    const outDir = path.join(emu.dataDir, ...done.outputInfo.gcsOutputDirectory.replace('gs://', '').split('/'));
    const files = fs.readdirSync(outDir).sort();
    assert.deepEqual(files, ['prediction.errors_stats-00000-of-00001', 'prediction.results-00000-of-00002', 'prediction.results-00001-of-00002']);
    const results = files.filter(f => f.startsWith('prediction.results')).flatMap(f => fs.readFileSync(path.join(outDir, f), 'utf8').trim().split('\n')).map(l => JSON.parse(l));
    assert.equal(results.length, 600);
    assert.deepEqual(results.map(r => r.instance.user_id).sort(), good.map(l => JSON.parse(l).user_id).sort(), 'every good row answered once');
    const first = results.find(r => r.instance.user_id === sample.request.instances[0].user_id && r.instance.hour_of_day === sample.request.instances[0].hour_of_day);
    assert.deepEqual(first.prediction.product_ids, sample.expected.predictions[0].product_ids, 'TensorFlow computed the prediction');
    const errors = fs.readFileSync(path.join(outDir, files[0]), 'utf8').trim().split('\n').map(l => JSON.parse(l));
    assert.equal(errors.length, 2);
    assert.equal(errors[0].instance, '{not json');
    assert.match(errors[0].error.message, /Invalid JSON instance/);
    assert.deepEqual(errors[1].instance, { user_id: 'user_x', hour_of_day: 'noon' });
    assert.ok(errors[1].error.message.length > 0);
    const logs = emu.logs.query(['projects/demo-project']).filter(e => e.resource?.labels?.job_id === created.name.split('/').pop()).map(e => String(e.textPayload));
    assert.ok(logs.some(t => /finished: 600 predicted, 2 failed/.test(t)), logs.slice(-5).join('\n'));
  });
});
