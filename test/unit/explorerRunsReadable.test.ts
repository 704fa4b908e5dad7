// Issue 16 item 12: what tells runs apart, a failed run's error, the filter note, model names in
// the register picker, and metric label values as the user wrote them.
import { strict as assert } from 'node:assert';
import { labelTable } from '../../src/features/explorer/present/format';
import { existingModelDescription } from '../../src/features/explorer/present/modelView';
import { pushedSummary, runErrorView, runLabel, runView } from '../../src/features/explorer/present/runView';
import { filterDescription } from '../../src/features/explorer/runFilter';
import type { RegisteredModel, TrainingRun } from '../../src/serving/domain';
import { readableLabelValue } from '../../src/serving/labels';
import { formatMetric } from '../../src/serving/registration';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const run: TrainingRun = {
  kind: 'pipeline', name: 'projects/p/locations/us-central1/pipelineJobs/recsys-tfx-20260110093012', id: 'recsys-tfx-20260110093012', region: 'us-central1',
  displayName: 'recsys-tfx', pipelineName: 'recsys-tfx', state: 'succeeded', rawState: 'PIPELINE_STATE_SUCCEEDED', labels: {},
  createTime: new Date(NOW - 3 * 3600e3), artifacts: [],
};

describe('explorer: runs a user can tell apart (issue 16 item 12)', () => {
  it('a pipeline run is labelled with its id\'s time, not only the pipeline name', () => {
    assert.equal(runLabel(run), 'recsys-tfx 2026-01-10 09:30:12');
    // Vertex appends more digits to TFX run ids; still the time.
    assert.equal(runLabel({ ...run, id: 'recsys-tfx-2026011009301207' }), 'recsys-tfx 2026-01-10 09:30:12');
    assert.equal(runLabel({ ...run, id: 'recsys-tfx-a1b2' }), 'recsys-tfx (a1b2)');
    assert.equal(runLabel({ ...run, id: '8812345' }), 'recsys-tfx (8812345)');
    assert.equal(runLabel({ ...run, kind: 'custom', id: '8812345', displayName: 'train-retrieval' }), 'train-retrieval');
    assert.notEqual(runLabel(run), runLabel({ ...run, id: 'recsys-tfx-20260110101500' }));
  });

  it('the description names the model the run pushed', () => {
    const pushed = { ...run, artifacts: [{ type: 'tfx.PushedModel', uri: 'gs://b/root/Pusher/pushed_model', metadata: { pushed_destination: 'gs://demo-models/recsys-ranking/pushed_model/1795949202' } }] };
    assert.equal(pushedSummary(pushed.artifacts), 'recsys-ranking 1795949202');
    assert.match(runView(pushed, NOW).description!, /^pipeline · succeeded · pushed recsys-ranking 1795949202 · 3h ago/);
    assert.equal(pushedSummary([]), undefined);
  });

  it('a failed run expands to its error', () => {
    const failed = { ...run, state: 'failed' as const, rawState: 'PIPELINE_STATE_FAILED', error: 'The replica workerpool0-0 exited with a non-zero status of 1.\nTermination reason: Error.' };
    assert.equal(runView(failed, NOW).collapsible, 'collapsed');
    const e = runErrorView(failed);
    assert.equal(e.label, 'The replica workerpool0-0 exited with a non-zero status of 1.');
    assert.equal(e.icon?.id, 'error');
    assert.match(e.tooltip!, /Termination reason: Error\\\./);
    assert.match(runErrorView({ ...failed, error: undefined }).label, /ended in PIPELINE_STATE_FAILED without an error message/);
    assert.ok(runErrorView({ ...failed, error: 'x'.repeat(300) }).label.length <= 120);
  });

  it('the runs view says when a filter is active', () => {
    assert.equal(filterDescription({}), undefined);
    assert.equal(filterDescription({ state: 'failed' }), 'filter: state:failed');
    assert.equal(filterDescription({ text: 'ranking', label: { key: 'model_type', value: 'ranking' } }), 'filter: ranking label:model_type=ranking');
  });

  it('the register picker describes an existing model without its numeric id', () => {
    const m = { name: 'projects/p/locations/us-central1/models/4567890123', id: '4567890123', region: 'us-central1', displayName: 'recsys-ranking', labels: { model_type: 'ranking' },
      defaultVersion: { versionId: '3', aliases: ['default'] }, updateTime: new Date(NOW - 86400e3) } as unknown as RegisteredModel;
    const d = existingModelDescription(m, NOW);
    assert.equal(d, 'new version · ranking · default v3 @default · updated 1d ago');
    assert.ok(!d.includes(m.id));
  });

  it('metric label values show as the number the product encoded', () => {
    assert.equal(readableLabelValue('recall_at_100', formatMetric(0.522)), '0.522');
    assert.equal(readableLabelValue('recall_at_100', '0_5220'), '0.5220');
    assert.equal(readableLabelValue('loss', '-1_25'), '-1.25');
    for (const [k, v] of [['training_run_id', 'recsys-tfx-20260110093012'], ['model_type', 'ranking'], ['is_blessed', 'true'], ['tfx_version', '1-14-0'], ['batch', '32']]) {
      assert.equal(readableLabelValue(k, v), v);
    }
    const table = labelTable({ recall_at_100: '0_5220', model_type: 'ranking' });
    assert.match(table, /\| recall\\_at\\_100 \| 0\\\.5220 \|/);
    assert.doesNotMatch(table, /0\\_5220/);
  });
});
