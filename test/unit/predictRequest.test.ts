import { strict as assert } from 'node:assert';
import type { Signature } from '../../src/serving/savedModel/types';
import { formSchema } from '../../src/serving/predict/formSchema';
import { parseLenientJson } from '../../src/serving/predict/lenientJson';
import { bodyText, buildPredictBody, emptyFormState, formStateFromBody, metadataPath, predictPath, type FormState } from '../../src/serving/predict/request';
import { MAX_REQUEST_BYTES, validatePredictRequest } from '../../src/serving/predict/validate';
import { demoSignature } from './helpers/predictSignatures';

const demo = formSchema('serving_default', demoSignature);
const filled = (format: FormState['format']): FormState => ({
  signature: 'serving_default', format, b64: { city: false, customer_id: false },
  instances: [{ customer_id: 'c-1', city: 'Berlin', revenue: '12.5' }, { customer_id: 'c-2', city: 'Paris', revenue: 'NaN' }],
});

const listSig: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: {
    image_bytes: { name: 'a', dtype: 'DT_STRING', shape: [-1] },
    history: { name: 'b', dtype: 'DT_INT64', shape: [-1, 3] },
    mask: { name: 'c', dtype: 'DT_BOOL', shape: [-1] },
  },
  outputs: { y: { name: 'y', dtype: 'DT_FLOAT', shape: [-1] } },
};

describe('predict: request building', () => {
  it('builds the row form with one object per instance', () => {
    const { body, errors } = buildPredictBody(demo, filled('row'));
    assert.deepEqual(errors, []);
    assert.equal(body!.signature_name, undefined, 'serving_default is implicit');
    assert.equal(body!.instances!.length, 2);
    assert.deepEqual(body!.instances![0], { city: 'Berlin', customer_id: 'c-1', revenue: 12.5 });
    assert.ok(Number.isNaN((body!.instances![1] as { revenue: number }).revenue));
    assert.match(bodyText(body!), /"revenue": NaN/, 'NaN written as TF Serving token');
  });

  it('builds the columnar form with one list per input', () => {
    const { body } = buildPredictBody(demo, filled('columnar'));
    assert.deepEqual(Object.keys(body!), ['inputs']);
    const inputs = body!.inputs as Record<string, unknown[]>;
    assert.deepEqual(inputs.customer_id, ['c-1', 'c-2']);
    assert.deepEqual(inputs.city, ['Berlin', 'Paris']);
  });

  it('sends binary strings as {"b64": ...} and lists as JSON, with the signature name', () => {
    const s = formSchema('by_image', listSig);
    assert.equal(s.fields.find(f => f.name === 'image_bytes')!.b64Default, true);
    const state = emptyFormState(s);
    state.instances[0] = { image_bytes: 'aGVsbG8=', history: '[1, 2, 3]', mask: 'true' };
    const { body, errors } = buildPredictBody(s, state);
    assert.deepEqual(errors, []);
    assert.deepEqual(body, { signature_name: 'by_image', instances: [{ history: [1, 2, 3], image_bytes: { b64: 'aGVsbG8=' }, mask: true }] });
    state.instances[0].image_bytes = 'not base64!';
    state.instances[0].history = '[1, 2.5, 3]';
    const bad = buildPredictBody(s, state);
    assert.equal(bad.body, undefined);
    assert.deepEqual(bad.errors.map(e => e.field), ['instances[0].image_bytes']);
    // 2.5 in an int list parses as JSON; the validator names it (checked below).
    const v = validatePredictRequest({ instances: [{ image_bytes: { b64: 'aGk=' }, history: [1, 2.5, 3], mask: true }] }, listSig);
    assert.deepEqual(v.map(e => e.field), ['instances[0].history[1]']);
  });

  it('names each form field that is missing or mistyped', () => {
    const state = filled('row');
    state.instances[0].revenue = 'lots';
    state.instances[1].customer_id = 'c-2';
    const { errors } = buildPredictBody(demo, state);
    assert.deepEqual(errors, [{ field: 'instances[0].revenue', message: '"lots" is not a number' }]);
    const ints = formSchema('s', { methodName: '', inputs: { n: { name: 'n', dtype: 'DT_INT32', shape: [-1] } }, outputs: {} });
    const r = buildPredictBody(ints, { signature: 's', format: 'columnar', b64: {}, instances: [{ n: '' }, { n: '99999999999' }] });
    assert.deepEqual(r.errors.map(e => e.field), ['inputs.n[0]', 'inputs.n[1]']);
    assert.match(r.errors[1].message, /out of range/);
  });

  it('goes back from a raw body to the form when it fits', () => {
    const { body } = buildPredictBody(demo, filled('columnar'));
    const back = formStateFromBody(demo, parseLenientJson(bodyText(body!)));
    assert.deepEqual(back?.instances, filled('row').instances);
    assert.equal(back?.format, 'columnar');
    assert.equal(formStateFromBody(demo, { instances: [{ customer_id: 'x', city: 'y', revenue: 1, extra: 2 }] }), undefined, 'extra input: raw only');
    assert.equal(formStateFromBody(demo, { signature_name: 'other', instances: [] }), undefined);
    const s = formSchema('by_image', listSig);
    const st = formStateFromBody(s, { signature_name: 'by_image', instances: [{ image_bytes: { b64: 'aGk=' }, history: [1, 2, 3], mask: false }] });
    assert.deepEqual(st?.instances[0], { image_bytes: 'aGk=', history: '[1,2,3]', mask: 'false' });
    assert.equal(st?.b64.image_bytes, true);
  });

  it('builds REST paths with the model name escaped', () => {
    assert.equal(predictPath('recs'), '/v1/models/recs:predict');
    assert.equal(metadataPath('recs', '3'), '/v1/models/recs/versions/3/metadata');
    assert.equal(predictPath('a b'), '/v1/models/a%20b:predict');
  });
});

describe('predict: validation before sending', () => {
  it('names missing and unknown inputs', () => {
    const errors = validatePredictRequest({ instances: [{ customer_id: 'a', revenue: 1, town: 'x' }] }, demoSignature);
    assert.deepEqual(errors.map(e => `${e.field}: ${e.message}`), [
      'instances[0].city: missing input',
      'instances[0].town: the signature has no input "town" (inputs: customer_id, city, revenue)',
    ]);
  });

  it('names wrong types', () => {
    const errors = validatePredictRequest({ inputs: { customer_id: ['a'], city: [3], revenue: ['1.0'] } }, demoSignature);
    assert.deepEqual(errors.map(e => e.field), ['inputs.city[0]', 'inputs.revenue[0]']);
    assert.match(errors[1].message, /expected a number, got a string/);
  });

  it('finds ragged batches in row and columnar form', () => {
    const rows = validatePredictRequest({ instances: [{ image_bytes: 'x', history: [1, 2, 3], mask: true }, { image_bytes: 'y', history: [1, 2], mask: true }] },
      { ...listSig, inputs: { ...listSig.inputs, history: { name: 'b', dtype: 'DT_INT64', shape: [-1, -1] } } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].field, 'instances[1].history');
    assert.match(rows[0].message, /ragged batch/);
    const cols = validatePredictRequest({ inputs: { customer_id: ['a', 'b'], city: ['x'], revenue: [1, 2] } }, demoSignature);
    assert.deepEqual(cols.map(e => e.field), ['inputs.city']);
    assert.match(cols[0].message, /ragged batch: 1 rows, but inputs.customer_id has 2/);
    const nested = validatePredictRequest({ inputs: { history: [[1, 2, 3], [4, 5]] } }, { methodName: '', inputs: { history: listSig.inputs.history }, outputs: {} });
    assert.equal(nested[0].field, 'inputs.history[1]');
    assert.match(nested[0].message, /ragged list/);
  });

  it('checks shapes against the signature', () => {
    const errors = validatePredictRequest({ instances: [{ image_bytes: 'x', history: [1, 2], mask: true }] }, listSig);
    assert.deepEqual(errors, [{ field: 'instances[0].history', message: 'expected shape [3], got [2]' }]);
  });

  it('refuses bodies over Cloud Run\'s 32 MiB limit, both forms at once, and neither', () => {
    const big = validatePredictRequest({ instances: [] }, undefined, { sizeBytes: MAX_REQUEST_BYTES + 1 });
    assert.equal(big[0].field, 'body');
    assert.match(big[0].message, /32 MiB/);
    assert.deepEqual(validatePredictRequest({ instances: [{ x: 1 }] }, undefined, { sizeBytes: MAX_REQUEST_BYTES }), []);
    assert.match(validatePredictRequest({ instances: [], inputs: {} }, demoSignature)[0].message, /both/);
    assert.match(validatePredictRequest({}, demoSignature)[0].message, /missing "instances"/);
    assert.match(validatePredictRequest({ instances: [] }, demoSignature)[0].message, /empty/);
    assert.deepEqual(validatePredictRequest({ signature_name: 3, instances: [{ customer_id: 'a', city: 'b', revenue: 1 }] }, demoSignature).map(e => e.field), ['signature_name']);
  });

  it('accepts single-input shorthand and b64 objects as values', () => {
    const one: Signature = { methodName: '', inputs: { x: { name: 'x', dtype: 'DT_STRING', shape: [-1] } }, outputs: {} };
    assert.deepEqual(validatePredictRequest({ instances: ['a', { b64: 'aGk=' }] }, one), []);
    assert.deepEqual(validatePredictRequest({ inputs: ['a', 'b'] }, one), []);
  });
});
