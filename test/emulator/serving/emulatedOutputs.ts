/**
 * Outputs for models the emulator has no predictor for: the declared dtypes and shapes (unknown
 * dimensions become the batch size first, then 1), values derived from a hash of the inputs so
 * the same request always gets the same answer. Responses carrying them are marked
 * `x-emulated-outputs: true`.
 */
import { createHash } from 'node:crypto';
import type { TensorSpec } from '../../../src/serving/savedModel/types';
import { bytesOf, type Tensor, type TensorScalar } from './tensors';

function seedOf(inputs: Record<string, Tensor>): Buffer {
  const h = createHash('sha256');
  for (const name of Object.keys(inputs).sort()) {
    const t = inputs[name];
    h.update(`${name}:${t.shape.join('x')}:`);
    for (const v of t.values) h.update(typeof v === 'string' || v instanceof Uint8Array ? bytesOf(v) : String(v)).update('\0');
  }
  return h.digest();
}

/** Batch size: first dimension of the first input, 1 for scalars. */
export function batchSizeOf(inputs: Record<string, Tensor>): number {
  const first = Object.values(inputs)[0];
  return first && first.shape.length > 0 ? first.shape[0] : 1;
}

export function emulatedOutputs(outputs: Record<string, TensorSpec>, inputs: Record<string, Tensor>, batch = batchSizeOf(inputs)): Record<string, Tensor> {
  const seed = seedOf(inputs);
  const result: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(outputs)) {
    const shape = spec.shape === undefined ? [batch] : spec.shape.map((d, k) => (d >= 0 ? d : k === 0 ? batch : 1));
    const count = shape.reduce((a, b) => a * b, 1);
    const values: TensorScalar[] = [];
    for (let i = 0; i < count; i++) {
      const word = createHash('sha256').update(seed).update(`${name}#${i}`).digest().readUInt32BE(0);
      values.push(valueFor(spec.dtype, word));
    }
    result[name] = { dtype: spec.dtype, shape, values };
  }
  return result;
}

function valueFor(dtype: string, word: number): TensorScalar {
  switch (dtype) {
    case 'DT_FLOAT': case 'DT_DOUBLE': case 'DT_HALF': case 'DT_BFLOAT16': return Math.fround(word / 2 ** 32);
    case 'DT_BOOL': return (word & 1) === 1;
    case 'DT_STRING': return `emulated-${word.toString(16).padStart(8, '0')}`;
    case 'DT_INT8': return (word % 256) - 128;
    case 'DT_UINT8': return word % 256;
    default: return word % 1000;
  }
}
