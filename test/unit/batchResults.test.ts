import { strict as assert } from 'node:assert';
import { outputFileKind, parseErrorLine, parseResultLine, previewMarkdown } from '../../src/serving/batch/results';
import { progressText, batchJobState, hasOutput } from '../../src/serving/batch/job';

const retrievalLine = JSON.stringify({
  instance: { user_id: 'user_1', hour_of_day: 9 },
  prediction: { product_ids: ['p3', 'p1', 'p2'], scores: [0.9, 0.5, 0.25] },
});

describe('batch prediction output', () => {
  it('turns a recommender\'s result line into the ranked rows Test Prediction shows', () => {
    const r = parseResultLine(retrievalLine);
    assert.deepEqual(r.instance, { user_id: 'user_1', hour_of_day: 9 });
    assert.deepEqual(r.ranked, [{ rank: 1, id: 'p3', score: 0.9 }, { rank: 2, id: 'p1', score: 0.5 }, { rank: 3, id: 'p2', score: 0.25 }]);
  });

  it('keeps a prediction with no ids and scores as it is', () => {
    const r = parseResultLine('{"instance":{"x":1},"prediction":[0.7]}');
    assert.equal(r.ranked, undefined);
    assert.deepEqual(r.prediction, [0.7]);
  });

  it('rejects lines that are not result lines, naming where', () => {
    assert.throws(() => parseResultLine('{oops', 'prediction.results-00000-of-00001:3'), /^Error: prediction\.results-00000-of-00001:3: not JSON/);
    assert.throws(() => parseResultLine('{"instance":1}', 'f:1'), /f:1: expected \{"instance": …, "prediction": …\}/);
  });

  it('reads an error line with a Status or a string', () => {
    assert.deepEqual(parseErrorLine('{"instance":{"a":1},"error":{"code":3,"message":"bad hour"}}'), { instance: { a: 1 }, message: 'bad hour' });
    assert.deepEqual(parseErrorLine('{"instance":"{x","error":"Invalid JSON"}'), { instance: '{x', message: 'Invalid JSON' });
  });

  it('knows output files by name', () => {
    assert.equal(outputFileKind('out/prediction-m-2026/prediction.results-00001-of-00002'), 'results');
    assert.equal(outputFileKind('prediction.errors_stats-00000-of-00001'), 'errors');
    assert.equal(outputFileKind('prediction.results-1-of-2'), undefined);
    assert.equal(outputFileKind('input.jsonl'), undefined);
  });

  it('previews the first predictions as ranked tables and the errors', () => {
    const text = previewMarkdown({
      title: 'Batch job b1', outputDirectory: 'gs://b/out/prediction-m-x', summary: ['Succeeded'],
      results: [parseResultLine(retrievalLine)], errors: [parseErrorLine('{"instance":{"a":"x|y"},"error":{"message":"bad"}}')],
      totalResults: 600, totalErrors: 1, k: 2,
    });
    assert.match(text, /## Predictions \(first 1 of 600\)/);
    assert.match(text, /\| 1 \| p3 \| 0\.9000 \|\n\| 2 \| p1 \| 0\.5000 \|\n\n_top 2 of 3_/);
    assert.doesNotMatch(text, /\| 3 \| p2/);
    assert.match(text, /## Errors \(1\)/);
    assert.match(text, /x\\\|y/);
  });

  it('says a job\'s progress and state', () => {
    assert.equal(progressText({ successful: 600, failed: 2, incomplete: 0 }), '600 done, 2 failed');
    assert.equal(progressText({ successful: 10, failed: 0, incomplete: 90 }), '10 done, 90 left');
    assert.equal(batchJobState('JOB_STATE_PARTIALLY_SUCCEEDED'), 'partiallySucceeded');
    assert.equal(batchJobState('JOB_STATE_WHATEVER'), 'other');
    assert.ok(hasOutput({ state: 'succeeded', outputDirectory: 'gs://b/o' }));
    assert.ok(!hasOutput({ state: 'running', outputDirectory: 'gs://b/o' }));
  });
});
