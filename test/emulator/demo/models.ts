/**
 * The demo models the emulator seeds: what their saved_model.pb says (a SavedModelSpec for the
 * project's encoder) and a predictor that computes real, deterministic answers for the serving
 * stand-in. Embeddings come from hashing ids, so results are stable across runs and machines.
 *
 * - retrieval_bruteforce: TFRS two-tower retrieval with a brute-force top-10, standard ops only.
 * - retrieval_scann: the same model with a ScaNN index; the ScaNN ops sit only inside a library
 *   function (as TF2 exports do), so a reader that checks only the main graph or
 *   stripped_op_list misses them, and stock TF Serving fails on the first predict.
 * - ranking: a rating in [1, 5] for a (customer, product) pair.
 */
import { createHash } from 'node:crypto';
import type { SavedModelSpec, Signature } from '../../../src/serving/savedModel/types';
import { tensorText, type DemoPredictor, type TensorValue } from '../serving/tensors';
import { CATALOG, type Product } from './catalog';

export type { DemoPredictor } from '../serving/tensors';

export interface DemoModel {
  id: 'retrieval_bruteforce' | 'retrieval_scann' | 'ranking';
  displayName: string;
  spec: SavedModelSpec;
  predictor: DemoPredictor;
}

const DIM = 32;
const TOP_K = 10;

/** A unit vector from a string, the stand-in for a trained embedding table row. */
export function embed(key: string): number[] {
  const v: number[] = [];
  for (let block = 0; v.length < DIM; block++) {
    const d = createHash('sha256').update(`${key}#${block}`).digest();
    for (let k = 0; k + 1 < d.length && v.length < DIM; k += 2) v.push(d.readUInt16BE(k) / 32768 - 1);
  }
  const n = Math.hypot(...v);
  return v.map(x => x / n);
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);

/** Product tower: id and category, as a TFRS candidate model would combine them. */
const productEmbeddings: Array<{ product: Product; e: number[] }> = CATALOG.map(p => {
  const id = embed(`product:${p.id}`);
  const cat = embed(`category:${p.category}`);
  return { product: p, e: id.map((x, k) => x + 0.8 * cat[k]) };
});

/** Query tower: customer id, city and log revenue. */
function queryEmbedding(customerId: string, city: string, revenue: number): number[] {
  const c = embed(`customer:${customerId}`);
  const t = embed(`city:${city}`);
  const r = Math.log1p(Math.max(0, revenue)) / 10;
  return c.map((x, k) => x + 0.5 * t[k] + r * t[(k + 1) % DIM]);
}

const column = (inputs: Record<string, TensorValue>, name: string): TensorValue[] => {
  const v = inputs[name];
  if (!Array.isArray(v)) throw new Error(`input ${name}: expected a batch (list), got ${typeof v}`);
  return v;
};

const retrievalPredictor: DemoPredictor = (_signature, inputs) => {
  const ids = column(inputs, 'customer_id');
  const cities = column(inputs, 'city');
  const revenues = column(inputs, 'revenue');
  const productIds: string[][] = [];
  const scores: number[][] = [];
  ids.forEach((id, row) => {
    const q = queryEmbedding(tensorText(id), tensorText(cities[row]), Number(revenues[row]));
    // Brute force: score every candidate, keep the best ten (ties broken by id for stability).
    const ranked = productEmbeddings
      .map(({ product, e }) => ({ id: product.id, score: dot(q, e) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, TOP_K);
    productIds.push(ranked.map(r => r.id));
    scores.push(ranked.map(r => Math.fround(r.score)));
  });
  return { product_ids: productIds, scores };
};

const rankingPredictor: DemoPredictor = (_signature, inputs) => {
  const customers = column(inputs, 'customer_id');
  const products = column(inputs, 'product_id');
  return {
    rating: customers.map((c, row) => {
      const affinity = dot(embed(`customer:${tensorText(c)}`), embed(`product:${tensorText(products[row])}`));
      return [Math.fround(1 + 4 / (1 + Math.exp(-3 * affinity)))];
    }),
  };
};

const str = (name: string, shape: number[]) => ({ name, dtype: 'DT_STRING', shape });

const retrievalSignature: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: {
    customer_id: str('serving_default_customer_id:0', [-1]),
    city: str('serving_default_city:0', [-1]),
    revenue: { name: 'serving_default_revenue:0', dtype: 'DT_FLOAT', shape: [-1] },
  },
  outputs: {
    product_ids: str('StatefulPartitionedCall:0', [-1, TOP_K]),
    scores: { name: 'StatefulPartitionedCall:1', dtype: 'DT_FLOAT', shape: [-1, TOP_K] },
  },
};

/** What a TF2 SavedModel's main graph holds: placeholders, the call into the function, save/restore. */
const MAIN_GRAPH_OPS = [
  'Placeholder', 'StatefulPartitionedCall', 'PartitionedCall', 'Identity', 'NoOp', 'Const', 'VarHandleOp',
  'ReadVariableOp', 'AssignVariableOp', 'SaveV2', 'RestoreV2', 'StringJoin', 'ShardedFilename',
  'MergeV2Checkpoints', 'StaticRegexFullMatch', 'Select', 'Pack',
];
const TOWER_OPS = ['StringToHashBucketFast', 'ResourceGather', 'ReadVariableOp', 'Identity', 'Log1p', 'Mul', 'AddV2', 'ConcatV2', 'MatMul', 'Cast', 'ExpandDims'];
const BRUTE_FORCE_OPS = [...TOWER_OPS, 'TopKV2', 'GatherV2'];
const SCANN_OPS = [...TOWER_OPS, 'Scann>ScannSearchBatched', 'Scann>ScannToTensors', 'GatherV2'];
const uniq = (xs: string[]) => [...new Set(xs)].sort();

export const DEMO_MODELS: readonly DemoModel[] = [
  {
    id: 'retrieval_bruteforce',
    displayName: 'Two-tower retrieval (brute force)',
    spec: {
      tensorflowVersion: '2.15.1',
      signatures: { serving_default: retrievalSignature },
      graphOps: MAIN_GRAPH_OPS,
      libraryFunctions: [
        { name: '__inference_call_4121', ops: BRUTE_FORCE_OPS },
        { name: '__inference_signature_wrapper_4188', ops: ['StatefulPartitionedCall', 'Identity'] },
      ],
      strippedOps: uniq([...MAIN_GRAPH_OPS, ...BRUTE_FORCE_OPS]),
    },
    predictor: retrievalPredictor,
  },
  {
    id: 'retrieval_scann',
    displayName: 'Two-tower retrieval (ScaNN index)',
    spec: {
      tensorflowVersion: '2.15.1',
      signatures: { serving_default: retrievalSignature },
      graphOps: MAIN_GRAPH_OPS,
      libraryFunctions: [
        { name: '__inference_call_1234', ops: SCANN_OPS },
        { name: '__inference_signature_wrapper_1301', ops: ['StatefulPartitionedCall', 'Identity'] },
      ],
      // TF2 leaves the custom ops out of stripped_op_list: only the library function names them.
      strippedOps: uniq([...MAIN_GRAPH_OPS, ...TOWER_OPS, 'GatherV2']),
    },
    predictor: retrievalPredictor,
  },
  {
    id: 'ranking',
    displayName: 'Ranking (rating prediction)',
    spec: {
      tensorflowVersion: '2.15.1',
      signatures: {
        serving_default: {
          methodName: 'tensorflow/serving/predict',
          inputs: { customer_id: str('serving_default_customer_id:0', [-1]), product_id: str('serving_default_product_id:0', [-1]) },
          outputs: { rating: { name: 'StatefulPartitionedCall:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
        },
      },
      graphOps: MAIN_GRAPH_OPS,
      libraryFunctions: [{ name: '__inference_call_2750', ops: ['StringToHashBucketFast', 'ResourceGather', 'ReadVariableOp', 'ConcatV2', 'MatMul', 'BiasAdd', 'Relu', 'Identity'] }],
      strippedOps: uniq([...MAIN_GRAPH_OPS, 'StringToHashBucketFast', 'ResourceGather', 'ConcatV2', 'MatMul', 'BiasAdd', 'Relu']),
    },
    predictor: rankingPredictor,
  },
];

/** Ops of a spec that only appear inside library functions (what a graph-only check misses). */
export function libraryOnlyOps(spec: SavedModelSpec): string[] {
  const seen = new Set([...spec.graphOps, ...(spec.strippedOps ?? [])]);
  return uniq((spec.libraryFunctions ?? []).flatMap(f => f.ops).filter(op => !seen.has(op)));
}
