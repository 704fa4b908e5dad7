import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSavedModel } from '../../src/serving/savedModel/decode';
import type { Signature } from '../../src/serving/savedModel/types';
import { elementProblem, fieldKind } from '../../src/serving/predict/dtypes';
import { formSchema, formSchemas } from '../../src/serving/predict/formSchema';
import { MetadataError, orderSignatures, parseModelMetadata } from '../../src/serving/predict/metadata';
import { demoSignature } from './helpers/predictSignatures';
import { skipWithoutFixtures, tfServingModels, savedModelsDir } from './helpers/savedModelFixtures';

function findSavedModels(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findSavedModels(p));
    else if (e.name === 'saved_model.pb') out.push(p);
  }
  return out;
}

describe('predict: metadata → form schema', () => {
  it('reads TF Serving metadata bodies of the fixtures (nested signature_def, string sizes)', function () {
    skipWithoutFixtures(this);
    const body = JSON.parse(fs.readFileSync(path.join(tfServingModels, 'half_plus_two_model_metadata.json'), 'utf8'));
    const meta = parseModelMetadata(body);
    assert.equal(meta.modelName, 'default');
    assert.equal(meta.version, '123');
    assert.ok(meta.signatures.serving_default, 'serving_default present');
    assert.deepEqual(meta.signatures.serving_default.inputs.x, { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] });
    assert.equal(meta.signatures.regress_x2_to_y3.methodName, 'tensorflow/serving/regress');
    assert.equal(formSchemas(meta)[0].signature, 'serving_default', 'serving_default first');
  });

  it('reads every *_metadata.json fixture and builds a form for each signature', function () {
    skipWithoutFixtures(this);
    const files = fs.readdirSync(tfServingModels).filter(f => f.endsWith('_metadata.json'));
    assert.ok(files.length >= 3, `metadata fixtures found: ${files.join(', ')}`);
    for (const f of files) {
      const meta = parseModelMetadata(JSON.parse(fs.readFileSync(path.join(tfServingModels, f), 'utf8')));
      assert.ok(!('__saved_model_init_op' in meta.signatures), `${f}: init op skipped`);
      for (const s of formSchemas(meta)) {
        assert.deepEqual(s.fields.map(x => x.name), Object.keys(meta.signatures[s.signature].inputs).sort(), `${f} ${s.signature}`);
        for (const field of s.fields) assert.ok(field.kind, `${f} ${s.signature}.${field.name}: ${field.dtype} has a form kind`);
      }
    }
  });

  it('types every input of every fixture SavedModel signature by dtype and shape', function () {
    skipWithoutFixtures(this);
    const seen = new Set<string>();
    for (const pb of findSavedModels(savedModelsDir)) {
      let sigs: Record<string, Signature>;
      try {
        sigs = decodeSavedModel(fs.readFileSync(pb)).metaGraphs[0].signatures;
      } catch {
        continue; // not a SavedModel (negative fixtures)
      }
      for (const [key, sig] of Object.entries(sigs)) {
        const schema = formSchema(key, sig);
        for (const f of schema.fields) {
          const spec = sig.inputs[f.name];
          seen.add(`${spec.dtype}${JSON.stringify(spec.shape)}`);
          assert.equal(f.kind, fieldKind(spec.dtype));
          if (spec.shape === undefined) {
            assert.equal(f.instanceShape, undefined);
            assert.equal(f.scalar, false, `${key}.${f.name}: unknown rank is edited as a list`);
          } else {
            assert.deepEqual(f.instanceShape, spec.shape.slice(1));
            assert.equal(f.scalar, spec.shape.length <= 1, `${key}.${f.name} ${JSON.stringify(spec.shape)}`);
          }
        }
      }
    }
    // The fixtures cover these dtype/shape combinations; each got a field above.
    for (const k of ['DT_FLOAT[-1,1]', 'DT_FLOAT[1]', 'DT_FLOAT[]', 'DT_STRING[-1]', 'DT_STRINGundefined']) assert.ok(seen.has(k), `covered ${k}; saw ${[...seen].join(' ')}`);
  });

  it('marks classify/regress string inputs as b64 (serialized tf.Example) and batched signatures', () => {
    const classify: Signature = { methodName: 'tensorflow/serving/classify', inputs: { inputs: { name: 'i', dtype: 'DT_STRING', shape: [-1] } }, outputs: {} };
    const s = formSchema('serving_default', classify);
    assert.equal(s.fields[0].b64Default, true);
    assert.equal(s.batched, true);
    const demo = formSchema('serving_default', demoSignature);
    assert.deepEqual(demo.fields.map(f => [f.name, f.kind, f.scalar, f.b64Default]), [
      ['city', 'string', true, false], ['customer_id', 'string', true, false], ['revenue', 'float', true, false],
    ]);
    assert.deepEqual(demo.outputs.map(o => o.name), ['product_ids', 'scores']);
    const fixed = formSchema('s', { methodName: '', inputs: { x: { name: 'x', dtype: 'DT_FLOAT', shape: [1] } }, outputs: {} });
    assert.equal(fixed.batched, false);
    assert.equal(fixed.fixedBatch, 1);
  });

  it('maps every JSON-capable dtype to a kind and checks element values', () => {
    assert.equal(fieldKind('DT_STRING'), 'string');
    assert.equal(fieldKind('DT_BOOL'), 'bool');
    for (const d of ['DT_FLOAT', 'DT_DOUBLE', 'DT_HALF', 'DT_BFLOAT16']) assert.equal(fieldKind(d), 'float', d);
    for (const d of ['DT_INT8', 'DT_UINT8', 'DT_INT16', 'DT_UINT16', 'DT_INT32', 'DT_UINT32', 'DT_INT64', 'DT_UINT64']) assert.equal(fieldKind(d), 'integer', d);
    assert.equal(fieldKind('DT_COMPLEX64'), undefined);
    assert.equal(fieldKind('DT_RESOURCE'), undefined);
    assert.equal(elementProblem('DT_INT8', 200), '200 is out of range for int8 (-128 to 127)');
    assert.match(elementProblem('DT_INT32', 1.5)!, /whole number/);
    assert.equal(elementProblem('DT_FLOAT', NaN), undefined, 'NaN is a float');
    assert.equal(elementProblem('DT_STRING', { b64: 'aGk=' }), undefined);
    assert.match(elementProblem('DT_STRING', { b64: 'not base64!' })!, /base64/);
    assert.match(elementProblem('DT_BOOL', 'true')!, /true or false/);
  });

  it('rejects malformed metadata naming the field', () => {
    assert.throws(() => parseModelMetadata({ model_spec: {} }), (e: Error) => e instanceof MetadataError && /missing "metadata"/.test(e.message));
    assert.throws(() => parseModelMetadata({ metadata: { signature_def: { signature_def: { s: { inputs: { x: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 'abc' }] } } } } } } } }),
      /signature s\.inputs\.x\.tensor_shape\.dim\[0\]\.size/);
    assert.deepEqual(orderSignatures(['b', 'serving_default', 'a']), ['serving_default', 'a', 'b']);
  });
});
