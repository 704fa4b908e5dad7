/**
 * Checks a predict request body against the signature before it is sent, naming the field of each
 * problem: missing or unknown inputs, values of the wrong type, ragged batches and lists, shapes
 * that contradict the signature, and bodies over Cloud Run's 32 MiB request limit.
 */
import type { Signature, TensorSpec } from '../savedModel/types';
import { elementProblem, isB64Object, jsonType } from './dtypes';
import { shapeText } from './formSchema';
import type { Json } from '../json';

export interface FieldError {
  /** Where: `instances[2].city`, `inputs.revenue[1]`, `signature_name`, `body`. */
  field: string;
  message: string;
}

/** Cloud Run's maximum HTTP/1 request size. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape of a nested list value, or the first place it is ragged. Leaves are checked for dtype. */
function walk(v: unknown, dtype: string, field: string, errors: FieldError[]): number[] | undefined {
  if (!Array.isArray(v)) {
    const p = elementProblem(dtype, v);
    if (p) { errors.push({ field, message: p }); return undefined; }
    return [];
  }
  if (!v.length) return [0];
  const first = walk(v[0], dtype, `${field}[0]`, errors);
  if (first === undefined) return undefined;
  for (let i = 1; i < v.length; i++) {
    const s = walk(v[i], dtype, `${field}[${i}]`, errors);
    if (s === undefined) return undefined;
    if (!sameShape(s, first)) {
      errors.push({ field: `${field}[${i}]`, message: `ragged list: shape ${shapeText(s)} differs from ${field}[0]'s ${shapeText(first)}` });
      return undefined;
    }
  }
  return [v.length, ...first];
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Does an actual shape fit the expected one (-1 = any size)? */
function shapeProblem(actual: number[], expected: number[] | undefined): string | undefined {
  if (expected === undefined) return undefined;
  const fits = actual.length === expected.length && expected.every((d, i) => d < 0 || d === actual[i]);
  return fits ? undefined : `expected shape ${shapeText(expected)}, got ${shapeText(actual)}`;
}

function checkValue(v: unknown, spec: TensorSpec, expected: number[] | undefined, field: string, errors: FieldError[]): number[] | undefined {
  const shape = walk(v, spec.dtype, field, errors);
  if (shape === undefined) return undefined;
  const p = shapeProblem(shape, expected);
  if (p) errors.push({ field, message: p });
  return shape;
}

/**
 * The largest request the native TF Serving image accepts, in instances: `max_batch_size` of
 * deploy/tf_serving_native/batching.config (larger requests are split into runs of 64 up to it).
 */
export const NATIVE_MAX_INSTANCES = 256;

export interface ValidateOptions {
  /** Size of the body as sent, in bytes. */
  sizeBytes?: number;
  /** The most instances one request may carry (NATIVE_MAX_INSTANCES for the native image). */
  maxInstances?: number;
  /** The signature key the form was built for; the body's signature_name must agree when set. */
  signature?: string;
}

/**
 * Problems with a predict body for `sig`, in document order. An empty list means: send it.
 * `sig` undefined (metadata not loaded) checks only the request's structure and size.
 */
export function validatePredictRequest(body: unknown, sig: Signature | undefined, opts: ValidateOptions = {}): FieldError[] {
  const errors: FieldError[] = [];
  if (opts.sizeBytes !== undefined && opts.sizeBytes > MAX_REQUEST_BYTES) {
    errors.push({ field: 'body', message: `the request is ${(opts.sizeBytes / 1048576).toFixed(1)} MiB; Cloud Run accepts at most 32 MiB per request: send fewer instances` });
  }
  if (!isObj(body)) {
    errors.push({ field: 'body', message: `expected a JSON object with "instances" or "inputs", got ${jsonType(body)}` });
    return errors;
  }
  if ('signature_name' in body && typeof body.signature_name !== 'string') {
    errors.push({ field: 'signature_name', message: `expected a string, got ${jsonType(body.signature_name)}` });
  }
  const known = new Set(['signature_name', 'instances', 'inputs']);
  for (const k of Object.keys(body)) if (!known.has(k)) errors.push({ field: k, message: 'not a predict request key (use "signature_name", "instances" or "inputs")' });
  const hasRows = 'instances' in body;
  const hasCols = 'inputs' in body;
  if (hasRows && hasCols) {
    errors.push({ field: 'body', message: 'has both "instances" (row format) and "inputs" (columnar format); send one' });
    return errors;
  }
  if (!hasRows && !hasCols) {
    errors.push({ field: 'body', message: 'missing "instances" (row format) or "inputs" (columnar format)' });
    return errors;
  }
  if (!sig) return errors;
  if (hasRows) checkRows(body.instances, sig, errors);
  else checkColumns(body.inputs, sig, errors);
  checkBatch(hasRows ? body.instances : body.inputs, hasRows, opts.maxInstances, errors);
  return errors;
}

/** Instances in a request: rows, or the first dimension of the columnar inputs. */
export function instanceCount(data: unknown, rows: boolean): number | undefined {
  if (rows) return Array.isArray(data) ? data.length : undefined;
  if (Array.isArray(data)) return data.length;
  if (isObj(data)) {
    const first = Object.values(data).find(Array.isArray) as unknown[] | undefined;
    return first?.length;
  }
  return undefined;
}

function checkBatch(data: unknown, rows: boolean, max: number | undefined, errors: FieldError[]): void {
  if (max === undefined) return;
  const n = instanceCount(data, rows);
  if (n !== undefined && n > max) {
    errors.push({ field: rows ? 'instances' : 'inputs', message: `${n} instances in one request; the native TF Serving image takes at most ${max} (max_batch_size in its batching.config): send them in several requests, or deploy with the Python server` });
  }
}

function checkRows(instances: unknown, sig: Signature, errors: FieldError[]): void {
  if (!Array.isArray(instances)) {
    errors.push({ field: 'instances', message: `expected a list of instances, got ${jsonType(instances)}` });
    return;
  }
  if (!instances.length) {
    errors.push({ field: 'instances', message: 'is empty: add at least one instance' });
    return;
  }
  const names = Object.keys(sig.inputs);
  const single = names.length === 1 ? names[0] : undefined;
  const firstShape: Record<string, number[]> = {};
  instances.forEach((inst, i) => {
    const at = `instances[${i}]`;
    let values: Json;
    if (isObj(inst) && !isB64Object(inst)) values = inst;
    else if (single !== undefined) values = { [single]: inst };
    else {
      errors.push({ field: at, message: `expected an object with inputs ${names.join(', ')}, got ${jsonType(inst)}` });
      return;
    }
    for (const name of names) {
      if (!(name in values)) { errors.push({ field: `${at}.${name}`, message: 'missing input' }); continue; }
      const spec = sig.inputs[name];
      const shape = checkValue(values[name], spec, spec.shape?.slice(1), `${at}.${name}`, errors);
      if (!shape) continue;
      const prev = firstShape[name];
      if (!prev) firstShape[name] = shape;
      else if (!sameShape(prev, shape)) {
        errors.push({ field: `${at}.${name}`, message: `ragged batch: shape ${shapeText(shape)} differs from the first instance's ${shapeText(prev)}` });
      }
    }
    for (const k of Object.keys(values)) if (!(k in sig.inputs)) errors.push({ field: `${at}.${k}`, message: `the signature has no input "${k}" (inputs: ${names.join(', ')})` });
  });
}

function checkColumns(inputs: unknown, sig: Signature, errors: FieldError[]): void {
  const names = Object.keys(sig.inputs);
  let values: Json;
  if (isObj(inputs) && !isB64Object(inputs)) values = inputs;
  else if (names.length === 1) values = { [names[0]]: inputs };
  else {
    errors.push({ field: 'inputs', message: `expected an object with inputs ${names.join(', ')}, got ${jsonType(inputs)}` });
    return;
  }
  let batch: { name: string; size: number } | undefined;
  for (const name of names) {
    if (!(name in values)) { errors.push({ field: `inputs.${name}`, message: 'missing input' }); continue; }
    const spec = sig.inputs[name];
    const shape = checkValue(values[name], spec, spec.shape, `inputs.${name}`, errors);
    if (!shape || spec.shape?.[0] !== -1 || !shape.length) continue;
    if (!batch) batch = { name, size: shape[0] };
    else if (batch.size !== shape[0]) {
      errors.push({ field: `inputs.${name}`, message: `ragged batch: ${shape[0]} rows, but inputs.${batch.name} has ${batch.size}` });
    }
  }
  for (const k of Object.keys(values)) if (!(k in sig.inputs)) errors.push({ field: `inputs.${k}`, message: `the signature has no input "${k}" (inputs: ${names.join(', ')})` });
}

/** UTF-8 byte length without Node's Buffer (the webview runs this too). */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
