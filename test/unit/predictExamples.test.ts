// Issue 16 item 13: a fresh Test Prediction form has example values (saved payloads first, else
// from the dtypes) that build a valid request; rank-2 outputs become tables.
import { strict as assert } from 'node:assert';
import { exampleForm, exampleText } from '../../src/serving/predict/examples';
import { formSchema } from '../../src/serving/predict/formSchema';
import { asMatrix } from '../../src/serving/predict/matrix';
import { buildPredictBody } from '../../src/serving/predict/request';
import { validatePredictRequest } from '../../src/serving/predict/validate';
import { demoSignature } from './helpers/predictSignatures';

const schema = formSchema('serving_default', demoSignature);

describe('Test Prediction: example values (issue 16 item 13)', () => {
  it('without saved payloads: values from the dtypes that make a valid request', () => {
    const ex = exampleForm(schema);
    assert.equal(ex.from, 'the signature\'s dtypes');
    assert.deepEqual(ex.form.instances, [{ city: 'example', customer_id: 'example', revenue: '0.5' }]);
    const { body, errors } = buildPredictBody(schema, ex.form);
    assert.deepEqual(errors, []);
    assert.ok(body);
    assert.deepEqual(validatePredictRequest(body, demoSignature, { sizeBytes: 100 }), []);
  });

  it('the newest saved payload of the signature wins; other signatures and bad JSON are skipped', () => {
    const paris = JSON.stringify({ instances: [{ customer_id: 'C000123', city: 'Paris', revenue: 1250.5 }] });
    const ex = exampleForm(schema, [
      { signature: 'serving_default', body: JSON.stringify({ instances: [{ customer_id: 'C1', city: 'Lyon', revenue: 1 }] }), at: '2026-01-01T00:00:00Z', label: 'saved payload "old"' },
      { signature: 'serving_default', body: paris, at: '2026-01-02T00:00:00Z', label: 'saved payload "paris"' },
      { signature: 'other', body: paris, at: '2026-01-03T00:00:00Z', label: 'saved payload "other"' },
      { signature: 'serving_default', body: '{not json', at: '2026-01-04T00:00:00Z', label: 'saved payload "broken"' },
    ]);
    assert.equal(ex.from, 'saved payload "paris"');
    assert.deepEqual(ex.form.instances, [{ customer_id: 'C000123', city: 'Paris', revenue: '1250.5' }]);
  });

  it('lists follow the instance shape (fixed sizes, 2 for unknown), b64 strings are base64', () => {
    const base = { name: 'x', dtype: 'DT_FLOAT', kind: 'float' as const, scalar: false, b64Default: false };
    assert.equal(exampleText({ ...base, instanceShape: [3] }, false), '[0.5,0.5,0.5]');
    assert.equal(exampleText({ ...base, instanceShape: [-1, 2] }, false), '[[0.5,0.5],[0.5,0.5]]');
    assert.equal(exampleText({ ...base, kind: 'integer', scalar: true }, false), '1');
    assert.equal(exampleText({ ...base, kind: 'string', scalar: true }, true), 'aGVsbG8=');
    assert.equal(exampleText({ ...base, kind: undefined, scalar: true }, false), '');
  });
});

describe('Test Prediction: rank-2 outputs as tables (issue 16 item 13)', () => {
  it('a ranking model\'s [[4.2], [3.1]] and any rectangle of scalars is a matrix', () => {
    assert.deepEqual(asMatrix([[4.2], [3.1]]), [[4.2], [3.1]]);
    assert.deepEqual(asMatrix([['a', 1, true, null]]), [['a', 1, true, null]]);
  });
  it('other shapes are not', () => {
    for (const v of [[], [1, 2], [[1], [2, 3]], [[]], [[[1]]], [[{ b64: 'x' }]], 'x', null, { a: [[1]] }]) assert.equal(asMatrix(v), undefined, JSON.stringify(v));
  });
});
