import { strict as assert } from 'node:assert';
import { batchJobView, batchJobsView } from '../../src/features/explorer/present/batchJobView';
import type { BatchJob } from '../../src/serving/batch/job';

const job = (over: Partial<BatchJob> = {}): BatchJob => ({
  name: 'projects/p/locations/us-central1/batchPredictionJobs/42', id: '42', region: 'us-central1', displayName: 'nightly',
  model: 'projects/p/locations/us-central1/models/7@2', state: 'running', rawState: 'JOB_STATE_RUNNING',
  inputUris: ['gs://b/in/*.jsonl'], outputDirectory: 'gs://b/out/prediction-m-2026_01_01T00_00_00_000Z', machineType: 'n1-standard-4',
  startingReplicaCount: 1, maxReplicaCount: 2, successful: 300, failed: 2, incomplete: 698, partialFailures: [],
  createTime: new Date(0), startTime: new Date(10_000), ...over,
});

describe('batch job rows', () => {
  it('a running job shows its state, progress and time so far, spins, and offers Cancel', () => {
    const v = batchJobView(job(), 75_000);
    assert.equal(v.label, 'nightly');
    assert.equal(v.description, 'Running · 300 done, 2 failed, 698 left · 1m 5s');
    assert.equal(v.icon?.id, 'sync~spin');
    assert.equal(v.contextValue, 'mlServing.batchJob.running');
  });

  it('a finished job shows its duration, its error and its partial failures', () => {
    const v = batchJobView(job({ state: 'partiallySucceeded', rawState: 'JOB_STATE_PARTIALLY_SUCCEEDED', successful: 998, incomplete: 0, endTime: new Date(70_000), error: 'quota exceeded', partialFailures: ['bad hour_of_day'] }));
    assert.equal(v.description, 'Partially succeeded · 998 done, 2 failed · 1m 0s');
    assert.equal(v.contextValue, 'mlServing.batchJob.partiallySucceeded');
    assert.match(v.tooltip!, /\*\*Error:\*\* quota exceeded/);
    assert.match(v.tooltip!, /partial failure: bad hour\\_of\\_day/);
  });

  it('the Batch Jobs node counts running jobs', () => {
    assert.equal(batchJobsView([job(), job({ state: 'succeeded' })]).description, '1 running');
    assert.equal(batchJobsView([job({ state: 'failed' })]).description, '1');
    assert.equal(batchJobsView(undefined).contextValue, 'mlServing.batchJobs');
  });
});
