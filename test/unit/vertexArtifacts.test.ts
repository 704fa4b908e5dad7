import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { declaredOutputTypes, isBlessed, pipelineArtifacts, pushedDestination, pushedModelOf, schemaTitleOf, structToJson } from '../../src/serving/vertex/artifacts';
import { toCustomJobRun, toPipelineRun } from '../../src/gcp/normalize';
import { fixture, FIXTURES } from './helpers/fixtures';

describe('pipeline artifacts', () => {
  it('reads output artifact types from the real TFX PipelineJob spec', function () {
    if (!FIXTURES) this.skip();
    const job = JSON.parse(fs.readFileSync(fixture('gcp/vertex/expected_full_taxi_pipeline_job.json'), 'utf8'));
    const types = declaredOutputTypes(job.pipelineSpec);
    assert.equal(types.get('Pusher')?.get('pushed_model'), 'tfx.PushedModel');
    assert.equal(types.get('Evaluator')?.get('blessing'), 'tfx.ModelBlessing');
    assert.equal(types.get('Trainer')?.get('model'), 'tfx.Model');
  });

  it('finds the pushed model of a run of that pipeline from its task details', function () {
    if (!FIXTURES) this.skip();
    const spec = JSON.parse(fs.readFileSync(fixture('gcp/vertex/expected_full_taxi_pipeline_job.json'), 'utf8'));
    // The spec is the real one; taskDetails are what Vertex returns after the run (output keys as declared).
    const job = {
      ...spec, name: 'projects/p/locations/us-central1/pipelineJobs/taxi-1', state: 'PIPELINE_STATE_SUCCEEDED',
      jobDetail: { taskDetails: [
        { taskName: 'Pusher', outputs: { pushed_model: { artifacts: [{ uri: 'gs://b/root/Pusher/pushed_model/7', metadata: { fields: { pushed: { numberValue: 1 }, pushed_destination: { stringValue: 'gs://b/serving/1700000000' }, pushed_version: { stringValue: '1700000000' } } } }] } } },
        { taskName: 'Evaluator', outputs: { blessing: { artifacts: [{ uri: 'gs://b/root/Evaluator/blessing/6', metadata: { blessed: 1 } }] } } },
      ] },
    };
    const artifacts = pipelineArtifacts(job);
    const pushed = pushedModelOf(artifacts)!;
    assert.equal(pushed.type, 'tfx.PushedModel');
    assert.equal(pushedDestination(pushed), 'gs://b/serving/1700000000');
    assert.equal(pushed.metadata.pushed_version, '1700000000');
    assert.equal(isBlessed(artifacts), true);
    const run = toPipelineRun(job);
    assert.equal(run.pipelineName, 'full-taxi-pipeline');
    assert.equal(run.state, 'succeeded');
    assert.equal(run.artifacts.length, 2);
  });

  it('reads schema titles and Struct metadata', () => {
    assert.equal(schemaTitleOf('title: tfx.PushedModel\ntype: object\n'), 'tfx.PushedModel');
    assert.equal(schemaTitleOf(42), undefined);
    assert.deepEqual(structToJson({ fields: { a: { listValue: { values: [{ numberValue: 1 }, { boolValue: true }] } }, b: { nullValue: 0 } } }), { a: [1, true], b: null });
  });

  it('a custom job\'s model is <baseOutputDirectory>/model once it succeeded', () => {
    const run = toCustomJobRun({ name: 'projects/p/locations/europe-west4/customJobs/123', displayName: 'train', state: 'JOB_STATE_SUCCEEDED', jobSpec: { baseOutputDirectory: { outputUriPrefix: 'gs://b/out/' } }, createTime: { seconds: '1700000000', nanos: 0 } });
    assert.equal(run.region, 'europe-west4');
    assert.deepEqual(run.artifacts.map(a => a.uri), ['gs://b/out/model/']);
    assert.equal(run.createTime?.toISOString(), '2023-11-14T22:13:20.000Z');
    const failed = toCustomJobRun({ name: 'projects/p/locations/us-central1/customJobs/9', state: 'JOB_STATE_FAILED', error: { message: 'OOM' }, jobSpec: { baseOutputDirectory: { outputUriPrefix: 'gs://b/out' } } });
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, 'OOM');
    assert.deepEqual(failed.artifacts, []);
  });
});
