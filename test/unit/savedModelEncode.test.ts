import { strict as assert } from 'node:assert';
import { decodeSavedModel } from '../../src/serving/savedModel/decode';
import { encodeSavedModel } from '../../src/serving/savedModel/encode';
import type { SavedModelSpec } from '../../src/serving/savedModel/types';
import { plainSpec, predictSignature, scannSpec } from './helpers/savedModelFixtures';

describe('encodeSavedModel / decodeSavedModel round trip', function () {
  it('keeps tags, TF version, signatures (dtypes, shapes, names) and method names', function () {
    const spec: SavedModelSpec = {
      ...plainSpec,
      signatures: {
        serving_default: predictSignature,
        classify: {
          methodName: 'tensorflow/serving/classify',
          inputs: { inputs: { name: 'tf_example:0', dtype: 'DT_STRING' } }, // unknown rank
          outputs: { scores: { name: 'scores:0', dtype: 'DT_FLOAT', shape: [-1, 3] }, n: { name: 'n:0', dtype: 'DT_INT64', shape: [] } },
        },
      },
    };
    const model = decodeSavedModel(encodeSavedModel(spec));
    assert.equal(model.schemaVersion, 1);
    assert.equal(model.metaGraphs.length, 1);
    const g = model.metaGraphs[0];
    assert.deepEqual(g.tags, ['serve']);
    assert.equal(g.tensorflowVersion, '2.15.0');
    assert.deepEqual(g.signatures, spec.signatures);
  });

  it('lists ops of the graph, library functions and stripped_op_list with where each was seen', function () {
    const g = decodeSavedModel(encodeSavedModel(plainSpec)).metaGraphs[0];
    assert.deepEqual(g.ops, ['AddV2', 'Const', 'Identity', 'MatMul', 'NoOp', 'Placeholder', 'StatefulPartitionedCall']);
    assert.deepEqual(g.opSources.MatMul, ['library:__inference_signature_wrapper_42']);
    assert.deepEqual(g.opSources.Const, ['graph', 'stripped_op_list']);
  });

  it('finds a ScaNN op that lives only inside a library function', function () {
    const g = decodeSavedModel(encodeSavedModel(scannSpec)).metaGraphs[0];
    assert.ok(g.ops.includes('Scann>ScannSearchBatched'));
    assert.deepEqual(g.opSources['Scann>ScannSearchBatched'], ['library:__inference_call_1234']);
    assert.deepEqual(g.opSources['Scann>ScannToTensors'], ['library:__inference_call_1234']);
    assert.deepEqual(g.signatures.serving_default.outputs.output_2, { name: 'StatefulPartitionedCall:1', dtype: 'DT_STRING', shape: [-1, 100] });
  });

  it('writes custom tags and *_REF / newer dtypes', function () {
    const spec: SavedModelSpec = {
      tags: ['serve', 'gpu'],
      signatures: { s: { methodName: 'tensorflow/serving/predict', inputs: { a: { name: 'a:0', dtype: 'DT_BFLOAT16', shape: [2] } }, outputs: { b: { name: 'b:0', dtype: 'DT_UINT4', shape: [2] } } } },
      graphOps: ['Identity'],
    };
    const g = decodeSavedModel(encodeSavedModel(spec)).metaGraphs[0];
    assert.deepEqual(g.tags, ['serve', 'gpu']);
    assert.equal(g.signatures.s.inputs.a.dtype, 'DT_BFLOAT16');
    assert.equal(g.signatures.s.outputs.b.dtype, 'DT_UINT4');
  });

  it('rejects an unknown dtype, a bad shape and an empty op name, naming the field', function () {
    const bad = (sig: SavedModelSpec['signatures'][string]): SavedModelSpec => ({ signatures: { serving_default: sig }, graphOps: [] });
    assert.throws(
      () => encodeSavedModel(bad({ ...predictSignature, inputs: { x: { name: 'x:0', dtype: 'DT_FLOATY', shape: [1] } } })),
      /SavedModelSpec\.signatures\.serving_default\.inputs\.x\.dtype: unknown dtype "DT_FLOATY"/,
    );
    assert.throws(
      () => encodeSavedModel(bad({ ...predictSignature, outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-2] } } })),
      /signatures\.serving_default\.outputs\.y\.shape/,
    );
    assert.throws(() => encodeSavedModel({ signatures: {}, graphOps: ['Const', ''] }), /SavedModelSpec\.graphOps\[1\]: expected an op name/);
    assert.throws(() => encodeSavedModel({ signatures: {}, graphOps: [], tags: [''] }), /SavedModelSpec\.tags/);
  });
});
