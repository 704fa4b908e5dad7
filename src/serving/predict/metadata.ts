/**
 * Reads TF Serving's `GET /v1/models/NAME[/versions/V]/metadata` body: signature_def is nested
 * twice, dim sizes are strings, `__saved_model_init_op` is not a signature anyone calls.
 */
import { DEFAULT_SIGNATURE, type Signature, type TensorSpec } from '../savedModel/types';
import type { Json } from '../json';

export interface ModelMetadata {
  modelName: string;
  version: string;
  signatures: Record<string, Signature>;
}

const INIT_OP = '__saved_model_init_op';

export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function tensor(v: unknown, field: string): TensorSpec {
  if (!isObj(v)) throw new MetadataError(`${field}: expected an object`);
  const dtype = v.dtype;
  if (typeof dtype !== 'string') throw new MetadataError(`${field}.dtype: expected a string such as "DT_FLOAT"`);
  const shapeObj = v.tensor_shape;
  let shape: number[] | undefined = [];
  if (isObj(shapeObj)) {
    if (shapeObj.unknown_rank === true) shape = undefined;
    else {
      const dims = shapeObj.dim ?? [];
      if (!Array.isArray(dims)) throw new MetadataError(`${field}.tensor_shape.dim: expected a list`);
      shape = dims.map((d, i) => {
        const size = isObj(d) ? d.size : undefined;
        const n = typeof size === 'string' || typeof size === 'number' ? Number(size) : NaN;
        if (!Number.isInteger(n)) throw new MetadataError(`${field}.tensor_shape.dim[${i}].size: expected a whole number, got ${JSON.stringify(size)}`);
        return n;
      });
    }
  } else if (shapeObj === undefined) shape = undefined;
  return { name: typeof v.name === 'string' ? v.name : '', dtype, shape };
}

function tensorMap(v: unknown, field: string): Record<string, TensorSpec> {
  if (v === undefined) return {};
  if (!isObj(v)) throw new MetadataError(`${field}: expected an object`);
  return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, tensor(t, `${field}.${k}`)]));
}

export function parseModelMetadata(body: unknown): ModelMetadata {
  if (!isObj(body)) throw new MetadataError('metadata: expected a JSON object');
  const spec = isObj(body.model_spec) ? body.model_spec : {};
  const meta = body.metadata;
  if (!isObj(meta)) throw new MetadataError('metadata: missing "metadata"');
  const outer = meta.signature_def;
  if (!isObj(outer)) throw new MetadataError('metadata.signature_def: missing');
  const defs = outer.signature_def;
  if (!isObj(defs)) throw new MetadataError('metadata.signature_def.signature_def: missing');
  const signatures: Record<string, Signature> = {};
  for (const [key, def] of Object.entries(defs)) {
    if (key === INIT_OP) continue;
    if (!isObj(def)) throw new MetadataError(`signature ${key}: expected an object`);
    signatures[key] = {
      methodName: typeof def.method_name === 'string' ? def.method_name : '',
      inputs: tensorMap(def.inputs, `signature ${key}.inputs`),
      outputs: tensorMap(def.outputs, `signature ${key}.outputs`),
    };
  }
  return {
    modelName: typeof spec.name === 'string' ? spec.name : '',
    version: typeof spec.version === 'string' || typeof spec.version === 'number' ? String(spec.version) : '',
    signatures,
  };
}

/** Signature keys with `serving_default` first, then the others by name. */
export function orderSignatures(keys: string[]): string[] {
  return [...keys].sort((a, b) => (a === DEFAULT_SIGNATURE ? -1 : b === DEFAULT_SIGNATURE ? 1 : a.localeCompare(b)));
}
