import { strict as assert } from 'node:assert';
import { customOpSetFor, findCustomOps, isCustomOp, stockLibraryOps } from '../../src/serving/savedModel/customOps';

describe('custom ops the stock tensorflow/serving:2.19.0 binary lacks', function () {
  it('treats TF core, TF Text (plain and TFText>) and TF-DF inference ops as stock', function () {
    for (const op of ['MatMul', 'ParseExampleV2', 'SentencepieceOp', 'WordpieceTokenizeWithOffsets', 'TFText>FastWordpieceTokenizeWithOffsets', 'SimpleMLInferenceOpWithHandle', 'SimpleMLCreateModelResource']) {
      assert.equal(isCustomOp(op), false, op);
    }
  });

  it('flags ScaNN, Addons, TFRA, tf-sentencepiece and unknown namespaces, with their pip package', function () {
    const cases: Array<[string, string | undefined]> = [
      ['Scann>ScannSearchBatched', 'scann'],
      ['Addons>GatherTree', 'tensorflow-addons'],
      ['TFRA>CuckooHashTableOfTensors', 'tensorflow-recommenders-addons'],
      ['IO>AudioResample', 'tensorflow-io'],
      ['SentencepieceEncodeSparse', 'tf-sentencepiece'],
      ['Acme>Frobnicate', undefined],
    ];
    for (const [op, pkg] of cases) {
      assert.equal(isCustomOp(op), true, op);
      assert.equal(customOpSetFor(op)?.pythonPackage, pkg, op);
    }
  });

  it('findCustomOps keeps where each op was seen, sorted by op', function () {
    const found = findCustomOps(['MatMul', 'Scann>ScannToTensors', 'Scann>ScannSearchBatched'], {
      'Scann>ScannSearchBatched': ['library:__inference_a_1'],
      'Scann>ScannToTensors': ['library:__inference_a_1', 'stripped_op_list'],
    });
    assert.deepEqual(found.map(f => [f.op, f.where, f.set?.id]), [
      ['Scann>ScannSearchBatched', ['library:__inference_a_1'], 'scann'],
      ['Scann>ScannToTensors', ['library:__inference_a_1', 'stripped_op_list'], 'scann'],
    ]);
  });

  it('names the stock extra-library ops a model uses', function () {
    assert.deepEqual(stockLibraryOps(['MatMul', 'SentencepieceOp', 'SimpleMLInferenceOpWithHandle']), [
      { library: 'TF Text', ops: ['SentencepieceOp'] },
      { library: 'TF Decision Forests', ops: ['SimpleMLInferenceOpWithHandle'] },
    ]);
  });
});
