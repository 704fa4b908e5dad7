import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeSavedModel } from '../../src/serving/savedModel/decode';
import { SavedModelError } from '../../src/serving/savedModel/errors';
import type { MetaGraphSummary, SavedModelProto } from '../../src/serving/savedModel/types';
import { savedModelsDir, skipWithoutFixtures, tfServingModels } from './helpers/savedModelFixtures';

function decodeFixture(rel: string): { model: SavedModelProto; bytes: Buffer } {
  const bytes = readFileSync(path.join(savedModelsDir, rel, 'saved_model.pb'));
  return { model: decodeSavedModel(bytes), bytes };
}

function serveGraph(model: SavedModelProto): MetaGraphSummary {
  const g = model.metaGraphs.find(m => m.tags.length === 1 && m.tags[0] === 'serve');
  assert.ok(g, `no serve meta graph; tags: ${JSON.stringify(model.metaGraphs.map(m => m.tags))}`);
  return g;
}

/** TF Serving's expected GET /metadata signature_def, turned into our shape (minus the init op). */
function signaturesFromMetadataJson(file: string) {
  const body = JSON.parse(readFileSync(path.join(tfServingModels, file), 'utf8'));
  const defs = body.metadata.signature_def.signature_def as Record<string, any>;
  const tensors = (m: Record<string, any>) =>
    Object.fromEntries(
      Object.entries(m).map(([k, t]) => [
        k,
        { name: t.name, dtype: t.dtype, shape: t.tensor_shape.unknown_rank ? undefined : (t.tensor_shape.dim ?? []).map((d: any) => Number(d.size)) },
      ]),
    );
  return Object.fromEntries(
    Object.entries(defs)
      .filter(([k]) => k !== '__saved_model_init_op')
      .map(([k, s]) => [k, { methodName: s.method_name, inputs: tensors(s.inputs), outputs: tensors(s.outputs) }]),
  );
}

function normalise(sigs: MetaGraphSummary['signatures']) {
  return JSON.parse(JSON.stringify(sigs));
}

describe('decodeSavedModel on TF Serving / TFX SavedModels', function () {
  before(function () {
    skipWithoutFixtures(this);
  });

  it('half_plus_two (TF1, cpu): serving_default x DT_FLOAT [-1,1] -> y DT_FLOAT [-1,1], plus classify/regress', function () {
    const { model } = decodeFixture('tensorflow_serving/saved_model_half_plus_two_cpu/00000123');
    assert.equal(model.schemaVersion, 1);
    const g = serveGraph(model);
    assert.equal(g.tensorflowVersion, '1.14.0');
    const sd = g.signatures.serving_default;
    assert.equal(sd.methodName, 'tensorflow/serving/predict');
    assert.deepEqual(sd.inputs, { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] } });
    assert.deepEqual(sd.outputs, { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1, 1] } });
    assert.equal(g.signatures.classify_x_to_y.methodName, 'tensorflow/serving/classify');
    assert.equal(g.signatures.regress_x_to_y.methodName, 'tensorflow/serving/regress');
    // A serialized tf.Example input of unknown rank has no shape.
    assert.deepEqual(g.signatures.classify_x_to_y.inputs.inputs, { name: 'tf_example:0', dtype: 'DT_STRING' });
  });

  it('matches the signatures in TF Serving\'s expected metadata bodies', function () {
    const pairs: Array<[string, string]> = [
      ['tensorflow_serving/saved_model_half_plus_two_cpu/00000123', 'half_plus_two_model_metadata.json'],
      ['tensorflow_serving/saved_model_half_plus_two_2_versions/00000123', 'saved_model_half_plus_two_2_versions_metadata.json'],
      ['tensorflow_serving/saved_model_half_plus_two_tf2_cpu/00000123', 'saved_model_half_plus_two_tf2_2_versions_metadata.json'],
    ];
    for (const [model, metadata] of pairs) {
      const g = serveGraph(decodeFixture(model).model);
      assert.deepEqual(normalise(g.signatures), normalise(signaturesFromMetadataJson(metadata)), `${model} vs ${metadata}`);
    }
  });

  it('tf2_cpu: skips __saved_model_init_op (present in the file), serving_default x DT_FLOAT [1]', function () {
    const { model, bytes } = decodeFixture('tensorflow_serving/saved_model_half_plus_two_tf2_cpu/00000123');
    assert.ok(bytes.includes('__saved_model_init_op'), 'the fixture itself carries the init op signature');
    const g = serveGraph(model);
    assert.equal(g.tensorflowVersion, '2.14.0');
    assert.ok(!('__saved_model_init_op' in g.signatures));
    assert.deepEqual(Object.keys(g.signatures).sort(), ['classify_x2_to_y3', 'classify_x_to_y', 'regress_x2_to_y3', 'regress_x_to_y', 'regress_x_to_y2', 'serving_default']);
    assert.deepEqual(g.signatures.serving_default.inputs.x, { name: 'serving_default_x:0', dtype: 'DT_FLOAT', shape: [1] });
    // TF2: the math lives in library functions.
    assert.ok(g.opSources.Mul.some(s => s.startsWith('library:__inference_')), JSON.stringify(g.opSources.Mul));
  });

  it('half_plus_three: scalar x and a signature literally named tensorflow/serving/regress', function () {
    const g = serveGraph(decodeFixture('tensorflow_serving/saved_model_half_plus_three/00000123').model);
    assert.deepEqual(g.signatures.serving_default.inputs.x, { name: 'x:0', dtype: 'DT_FLOAT', shape: [] });
    assert.equal(g.signatures['tensorflow/serving/regress'].methodName, 'tensorflow/serving/regress');
  });

  it('tf_text_regression: TF Text ops are found only in library functions', function () {
    const g = serveGraph(decodeFixture('tensorflow_serving/tf_text_regression/01').model);
    assert.deepEqual(g.signatures.serving_default.inputs.x, { name: 'serving_default_x:0', dtype: 'DT_FLOAT', shape: [1] });
    assert.deepEqual(g.signatures.serving_default.outputs.y.shape, [1]);
    for (const op of ['SentencepieceOp', 'WordpieceTokenizeWithOffsets', 'WhitespaceTokenizeWithOffsets', 'NormalizeUTF8']) {
      assert.ok(g.ops.includes(op), `${op} missing from ops`);
      const where = g.opSources[op];
      assert.ok(where.length > 0 && where.every(w => w.startsWith('library:')), `${op} seen in ${JSON.stringify(where)}`);
    }
    // Function calls by name are not ops.
    assert.ok(g.ops.every(op => !op.startsWith('__inference_')));
    assert.deepEqual(g.ops, [...g.ops].sort());
  });

  it('TFX Pusher output: serving_default is a classify signature over serialized tf.Example', function () {
    const g = serveGraph(decodeFixture('tfx/pusher/model_push/1584391735').model);
    assert.equal(g.tensorflowVersion, '2.1.0');
    const sd = g.signatures.serving_default;
    assert.equal(sd.methodName, 'tensorflow/serving/classify');
    assert.deepEqual(sd.inputs, { inputs: { name: 'input_example_tensor:0', dtype: 'DT_STRING', shape: [-1] } });
    assert.deepEqual(Object.keys(sd.outputs).sort(), ['classes', 'scores']);
    assert.deepEqual(sd.outputs.scores, { name: 'head/predictions/probabilities:0', dtype: 'DT_FLOAT', shape: [-1, 2] });
    assert.equal(g.signatures.predict.outputs.class_ids.dtype, 'DT_INT64');
  });
});

describe('decodeSavedModel on bad bytes', function () {
  function assertCorrupt(bytes: Uint8Array) {
    assert.throws(
      () => decodeSavedModel(bytes, '/m/1/saved_model.pb'),
      (e: unknown) => e instanceof SavedModelError && e.code === 'corrupt' && e.message.startsWith('/m/1/saved_model.pb: '),
    );
  }

  it('rejects an empty file', function () {
    assertCorrupt(new Uint8Array(0));
  });

  it('rejects text and truncated protobuf', function () {
    assertCorrupt(new TextEncoder().encode('model_checkpoint_path: "/tmp/export"\n'));
    assertCorrupt(Uint8Array.from([0x12, 0x50, 0x0a, 0x05])); // meta_graphs claims 80 bytes, has 2
  });

  it('rejects a valid protobuf that is not a SavedModel (no tagged meta graph)', function () {
    assertCorrupt(Uint8Array.from([0x08, 0x01])); // only saved_model_schema_version = 1
  });

  it('rejects a truncated real SavedModel', function () {
    skipWithoutFixtures(this);
    const bytes = readFileSync(path.join(tfServingModels, 'saved_model_half_plus_two_cpu/00000123/saved_model.pb'));
    assertCorrupt(bytes.subarray(0, Math.floor(bytes.length / 2)));
  });
});
