/**
 * Signature → form: one field per input, typed by dtype, with the per-instance shape (the
 * signature's shape without its batch dimension). Pure data, shared by host and webview.
 */
import type { Signature } from '../savedModel/types';
import { fieldKind, type FieldKind } from './dtypes';
import { orderSignatures, type ModelMetadata } from './metadata';

export interface FormField {
  name: string;
  dtype: string;
  /** undefined when the dtype cannot be sent as JSON (complex, resource, variant). */
  kind?: FieldKind;
  /** The signature's full shape; undefined when its rank is unknown. */
  shape?: number[];
  /** The shape of one instance's value: the shape without its first (batch) dimension. */
  instanceShape?: number[];
  /** One value per instance (a text box), not a list. */
  scalar: boolean;
  /** Start with the b64 toggle on: serialized protos and binary blobs. */
  b64Default: boolean;
}

export interface OutputField {
  name: string;
  dtype: string;
  shape?: number[];
}

export interface FormSchema {
  signature: string;
  methodName: string;
  /** Every input has a variable leading dimension: any number of instances. */
  batched: boolean;
  /** When every input's first dimension is the same fixed size, the number of instances it takes. */
  fixedBatch?: number;
  fields: FormField[];
  outputs: OutputField[];
}

const BINARY_NAME = /(^|_)(bytes|image|img|audio|binary|serialized|jpeg|png|tf_?example)s?($|_)/i;

export function formSchema(signature: string, sig: Signature): FormSchema {
  const classifyOrRegress = /\/(classify|regress)$/.test(sig.methodName);
  const fields: FormField[] = Object.entries(sig.inputs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, t]) => {
      const instanceShape = t.shape === undefined ? undefined : t.shape.slice(1);
      const kind = fieldKind(t.dtype);
      return {
        name,
        dtype: t.dtype,
        kind,
        shape: t.shape,
        instanceShape,
        scalar: instanceShape !== undefined && instanceShape.length === 0,
        // Classify/regress signatures take serialized tf.Example protos: binary strings.
        b64Default: kind === 'string' && (classifyOrRegress || BINARY_NAME.test(name)),
      };
    });
  const inputs = Object.values(sig.inputs);
  const batched = inputs.length > 0 && inputs.every(t => t.shape !== undefined && t.shape.length > 0 && t.shape[0] === -1);
  const firsts = new Set(inputs.map(t => (t.shape && t.shape.length ? t.shape[0] : undefined)));
  const only = firsts.size === 1 ? [...firsts][0] : undefined;
  return {
    signature,
    methodName: sig.methodName,
    batched,
    fixedBatch: only !== undefined && only > 0 ? only : undefined,
    fields,
    outputs: Object.entries(sig.outputs).sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })),
  };
}

/** Every signature's form, `serving_default` first. */
export function formSchemas(meta: ModelMetadata): FormSchema[] {
  return orderSignatures(Object.keys(meta.signatures)).map(k => formSchema(k, meta.signatures[k]));
}

/** "[-1, 10]", "scalar", "unknown rank". */
export function shapeText(shape: number[] | undefined): string {
  if (shape === undefined) return 'unknown rank';
  if (!shape.length) return 'scalar';
  return `[${shape.map(d => (d < 0 ? '?' : String(d))).join(', ')}]`;
}
