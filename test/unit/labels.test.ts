import { strict as assert } from 'node:assert';
import { labelKeyProblem, labelValueProblem, sanitizeLabelKey, sanitizeLabels, sanitizeLabelValue } from '../../src/serving/labels';
import { formatMetric, registrationLabels } from '../../src/serving/registration';
import type { TrainingRun } from '../../src/serving/domain';

describe('labels', () => {
  it('sanitises values to lowercase, allowed characters, 63 chars', () => {
    assert.equal(sanitizeLabelValue('TFX Run #42.Final'), 'tfx-run-42_final');
    assert.equal(sanitizeLabelValue('x'.repeat(100)).length, 63);
    assert.equal(labelValueProblem(sanitizeLabelValue('Ünïcode/Path:1')), undefined);
  });

  it('keys start with a letter', () => {
    assert.equal(sanitizeLabelKey('1st_metric'), 'k1st_metric');
    assert.equal(labelKeyProblem(sanitizeLabelKey('Recall@100')), undefined);
    assert.match(labelKeyProblem('Bad Key')!, /starts with a lowercase letter/);
    assert.match(labelKeyProblem('k'.repeat(64))!, /at most 63/);
  });

  it('drops undefined values and caps at 64 labels', () => {
    const many: Record<string, string | undefined> = { gone: undefined };
    for (let i = 0; i < 80; i++) many[`k${i}`] = String(i);
    const out = sanitizeLabels(many);
    assert.equal(Object.keys(out).length, 64);
    assert.ok(!('gone' in out));
  });

  it('registration labels come from the run: id, type, blessing, metrics', () => {
    const run: TrainingRun = {
      kind: 'pipeline', name: 'projects/p/locations/us-central1/pipelineJobs/Retrieval-Run-7', id: 'Retrieval-Run-7', region: 'us-central1',
      displayName: 'retrieval', state: 'succeeded', rawState: 'PIPELINE_STATE_SUCCEEDED', labels: { model_type: 'Retrieval', team: 'Recs' },
      artifacts: [
        { type: 'tfx.ModelBlessing', uri: 'gs://b/blessing', metadata: { blessed: 1 } },
        { type: 'tfx.ModelEvaluation', uri: 'gs://b/eval', metadata: { recall_at_100: 0.42131, note: 'x' } },
      ],
    };
    const l = registrationLabels(run);
    assert.equal(l.training_run_id, 'retrieval-run-7');
    assert.equal(l.model_type, 'retrieval');
    assert.equal(l.is_blessed, 'true');
    assert.equal(l.recall_at_100, '0_4213');
    assert.equal(l.team, 'recs');
    assert.ok(!('note' in l));
    for (const [k, v] of Object.entries(l)) {
      assert.equal(labelKeyProblem(k), undefined, k);
      assert.equal(labelValueProblem(v), undefined, v);
    }
    assert.equal(formatMetric(1), '1');
  });
});
