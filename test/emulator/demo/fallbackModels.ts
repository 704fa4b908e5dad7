/**
 * Temporary stand-ins for demo/models.ts (DEMO_MODELS, written by another engineer): the three
 * model kinds the demo needs, as SavedModelSpecs, without predictors. Used only when that file
 * is absent.
 */
import type { SavedModelSpec, Signature } from '../../../src/serving/savedModel/types';
import type { DemoModel } from '../adapters';

const t = (name: string, dtype: string, shape: number[]) => ({ name, dtype, shape });
const retrievalSignature: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: { input_1: t('serving_default_input_1:0', 'DT_STRING', [-1]) },
  outputs: { output_1: t('StatefulPartitionedCall:0', 'DT_FLOAT', [-1, 100]), output_2: t('StatefulPartitionedCall:1', 'DT_STRING', [-1, 100]) },
};
const rankingSignature: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: { user_id: t('serving_default_user_id:0', 'DT_STRING', [-1]), movie_title: t('serving_default_movie_title:0', 'DT_STRING', [-1]) },
  outputs: { output_1: t('StatefulPartitionedCall:0', 'DT_FLOAT', [-1, 1]) },
};
const common = ['Placeholder', 'StatefulPartitionedCall', 'NoOp', 'Const', 'Identity', 'VarHandleOp', 'SaveV2', 'RestoreV2'];
const spec = (signature: Signature, libraryOps: string[]): SavedModelSpec => ({
  tags: ['serve'], tensorflowVersion: '2.15.0', signatures: { serving_default: signature }, graphOps: common,
  libraryFunctions: [{ name: '__inference_serving_default_1234', ops: libraryOps }], strippedOps: common,
});

export const FALLBACK_DEMO_MODELS: DemoModel[] = [
  { id: 'retrieval_bruteforce', displayName: 'movielens-retrieval', spec: spec(retrievalSignature, ['StringLookupV2', 'ResourceGather', 'MatMul', 'TopKV2', 'GatherV2']) },
  { id: 'retrieval_scann', displayName: 'movielens-retrieval-scann', spec: spec(retrievalSignature, ['StringLookupV2', 'ResourceGather', 'Scann>ScannSearchBatched', 'Scann>ScannToTensors', 'GatherV2']) },
  { id: 'ranking', displayName: 'movielens-ranking', spec: spec(rankingSignature, ['StringLookupV2', 'ResourceGather', 'ConcatV2', 'MatMul', 'Relu', 'BiasAdd']) },
];
