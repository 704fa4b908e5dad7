// The native TF Serving image takes at most max_batch_size instances per request (larger ones it
// splits into runs of max_execution_batch_size, up to that): the panel's validation says so
// before sending, naming the limit. The constant must agree with the batching file it names.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Signature } from '../../src/serving/savedModel/types';
import { instanceCount, NATIVE_MAX_INSTANCES, validatePredictRequest } from '../../src/serving/predict/validate';
import { REPO_ROOT } from './helpers/fixtures';

const sig: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1] } },
  outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1] } },
};

describe('predict: the native image\'s request size limit', () => {
  it('agrees with max_batch_size in deploy/tf_serving_native/batching.config', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'tf_serving_native', 'batching.config'), 'utf8').replace(/#.*$/gm, '');
    assert.equal(Number(/max_batch_size\s*\{\s*value:\s*(\d+)/.exec(text)?.[1]), NATIVE_MAX_INSTANCES);
    assert.match(text, /enable_large_batch_splitting\s*\{\s*value:\s*true\s*\}/);
  });

  it('refuses more instances than the limit, naming it; accepts up to it; columnar too', () => {
    const rows = (n: number) => ({ instances: Array.from({ length: n }, (_, i) => ({ x: i })) });
    assert.deepEqual(validatePredictRequest(rows(NATIVE_MAX_INSTANCES), sig, { maxInstances: NATIVE_MAX_INSTANCES }), []);
    const [e] = validatePredictRequest(rows(NATIVE_MAX_INSTANCES + 1), sig, { maxInstances: NATIVE_MAX_INSTANCES });
    assert.equal(e.field, 'instances');
    assert.match(e.message, /^257 instances in one request; the native TF Serving image takes at most 256 \(max_batch_size in its batching\.config\)/);
    const cols = validatePredictRequest({ inputs: { x: Array.from({ length: 300 }, () => 1) } }, sig, { maxInstances: NATIVE_MAX_INSTANCES });
    assert.equal(cols.find(x => x.field === 'inputs')?.message.startsWith('300 instances'), true);
    // No limit given (the Python server): any size.
    assert.deepEqual(validatePredictRequest(rows(1000), sig), []);
    assert.equal(instanceCount([[1, 2], [3, 4]], false), 2);
  });
});
