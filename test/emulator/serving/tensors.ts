/**
 * Tensors inside the stand-in (flat, row-major, like a TensorProto) and as predictors see them
 * (nested JS arrays, batch-first).
 */
import { internal } from './status';

/** One element: numbers for numeric dtypes (bigint beyond 2^53), string or bytes for DT_STRING. */
export type TensorScalar = number | bigint | boolean | string | Uint8Array;
/** A tf.Example as classify/regress requests give it: feature name -> values (context merged in). */
export type Example = Record<string, Array<number | bigint | string | Uint8Array>>;
/** A tensor as nested arrays; the outer array is the batch for batched tensors. */
export type TensorValue = TensorScalar | Example | TensorValue[];

export interface Tensor {
  dtype: string;
  shape: number[];
  values: TensorScalar[];
}

/**
 * Computes a model's outputs. `inputs` holds one entry per signature input, batch-first nested
 * arrays (`{customer_id: ['c1', 'c2']}`); DT_STRING elements arrive as strings, or as Uint8Array
 * when the request sent `{"b64": ...}`. For classify/regress signatures the single input holds one
 * object per tf.Example (`{x: [2]}`, context features merged in). Returns one entry per signature
 * output in the same form. Throw a TfServingError to fail like the model runtime would.
 */
export type DemoPredictor = (
  signatureName: string,
  inputs: Record<string, TensorValue>,
) => Record<string, TensorValue> | Promise<Record<string, TensorValue>>;

/** Nested form of a flat tensor. */
export function toNested(t: Tensor): TensorValue {
  let offset = 0;
  const build = (dim: number): TensorValue => {
    if (dim === t.shape.length) return t.values[offset++];
    const out: TensorValue[] = [];
    for (let k = 0; k < t.shape[dim]; k++) out.push(build(dim + 1));
    return out;
  };
  return build(0);
}

/** Flat tensor from a predictor's nested output; rejects ragged nesting. */
export function fromNested(name: string, dtype: string, value: TensorValue): Tensor {
  const shape: number[] = [];
  for (let v: TensorValue = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const values: TensorScalar[] = [];
  const walk = (v: TensorValue, dim: number, path: string) => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw internal(`predictor output '${name}' is ragged at ${path}: a list where a value was expected`);
      if (!isScalar(v)) throw internal(`predictor output '${name}' holds an object at ${path}`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw internal(`predictor output '${name}' is ragged at ${path}: expected a list of ${shape[dim]}`);
    }
    v.forEach((x, k) => walk(x, dim + 1, `${path}[${k}]`));
  };
  walk(value, 0, name);
  return { dtype, shape, values };
}

const isScalar = (v: TensorValue): v is TensorScalar =>
  typeof v !== 'object' || v instanceof Uint8Array;

export const bytesOf = (v: TensorScalar): Uint8Array =>
  v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8');

/** Text of a DT_STRING element, whichever form it came in. */
export const tensorText = (v: unknown): string =>
  v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
