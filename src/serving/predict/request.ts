/**
 * Form ⇄ request body: the typed text of each field becomes TF Serving JSON in row (`instances`)
 * or columnar (`inputs`) form, binary strings as `{"b64": ...}`; and a body typed in the raw editor
 * goes back into the form when it fits it.
 */
import { isB64Object, isBase64, integerRange } from './dtypes';
import type { FormField, FormSchema } from './formSchema';
import { parseLenientJson, stringifyLenient } from './lenientJson';
import { DEFAULT_SIGNATURE } from '../savedModel/types';
import type { FieldError } from './validate';

export type RequestFormat = 'row' | 'columnar';

export interface FormState {
  signature: string;
  format: RequestFormat;
  /** One map of field name → typed text per instance. */
  instances: Array<Record<string, string>>;
  /** String fields whose text is base64 (sent as `{"b64": ...}`). */
  b64: Record<string, boolean>;
}

export interface PredictBody {
  signature_name?: string;
  instances?: unknown[];
  inputs?: unknown;
}

export function emptyFormState(schema: FormSchema, format: RequestFormat = 'row'): FormState {
  return {
    signature: schema.signature,
    format,
    instances: [Object.fromEntries(schema.fields.map(f => [f.name, '']))],
    b64: Object.fromEntries(schema.fields.filter(f => f.kind === 'string').map(f => [f.name, f.b64Default])),
  };
}

const wrapB64 = (v: unknown): unknown => (Array.isArray(v) ? v.map(wrapB64) : typeof v === 'string' ? { b64: v.trim() } : v);
const unwrapB64 = (v: unknown): unknown => (Array.isArray(v) ? v.map(unwrapB64) : isB64Object(v) ? v.b64 : v);

/** One field's typed text → its JSON value, or the problem. */
export function parseFieldText(field: FormField, text: string, b64: boolean): { value: unknown } | { error: string } {
  if (!field.kind) return { error: `dtype ${field.dtype} cannot be sent through TF Serving's JSON API` };
  const t = text.trim();
  if (!field.scalar) {
    if (!t) return { error: 'required: a JSON list such as [1, 2]' };
    let v: unknown;
    try {
      v = parseLenientJson(t);
    } catch (e) {
      return { error: (e as Error).message };
    }
    if (field.kind === 'string' && b64) {
      const bad = findBadBase64(v);
      if (bad !== undefined) return { error: `"${bad.slice(0, 40)}" is not valid base64` };
      v = wrapB64(v);
    }
    return { value: v };
  }
  switch (field.kind) {
    case 'string':
      if (!b64) return { value: text };
      if (!isBase64(t)) return { error: 'not valid base64 (turn off b64 to send plain text)' };
      return { value: { b64: t } };
    case 'bool':
      if (t === 'true' || t === 'false') return { value: t === 'true' };
      return { error: 'expected true or false' };
    case 'integer': {
      if (!/^[-+]?\d+$/.test(t)) return { error: t ? `"${t}" is not a whole number` : 'required: a whole number' };
      const n = Number(t);
      const [lo, hi] = integerRange(field.dtype)!;
      if (n < lo || n > hi) return { error: `${t} is out of range (${lo} to ${hi})` };
      return { value: n };
    }
    case 'float': {
      if (t === 'NaN' || t === 'Infinity' || t === '-Infinity') return { value: Number(t) };
      const n = t ? Number(t) : NaN;
      if (!t || Number.isNaN(n)) return { error: t ? `"${t}" is not a number` : 'required: a number' };
      return { value: n };
    }
  }
}

function findBadBase64(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const b = findBadBase64(x);
      if (b !== undefined) return b;
    }
    return undefined;
  }
  return typeof v === 'string' && !isBase64(v.trim()) ? v : undefined;
}

/** The request body for a form, or the problems (each naming its field). */
export function buildPredictBody(schema: FormSchema, state: FormState): { body?: PredictBody; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!state.instances.length) return { errors: [{ field: 'instances', message: 'add at least one instance' }] };
  const rows: Array<Record<string, unknown>> = state.instances.map((inst, i) => {
    const row: Record<string, unknown> = {};
    for (const f of schema.fields) {
      const r = parseFieldText(f, inst[f.name] ?? '', Boolean(state.b64[f.name]));
      const at = state.format === 'row' ? `instances[${i}].${f.name}` : `inputs.${f.name}[${i}]`;
      if ('error' in r) errors.push({ field: at, message: r.error });
      else row[f.name] = r.value;
    }
    return row;
  });
  if (schema.fixedBatch !== undefined && !schema.batched && rows.length !== schema.fixedBatch) {
    errors.push({ field: 'instances', message: `signature ${schema.signature} takes exactly ${schema.fixedBatch} instance(s), got ${rows.length}` });
  }
  const scalarSig = schema.fields.length > 0 && schema.fields.every(f => f.shape !== undefined && f.shape.length === 0);
  if (scalarSig && state.format === 'columnar' && rows.length !== 1) {
    errors.push({ field: 'inputs', message: `signature ${schema.signature} takes scalar inputs: send one instance in columnar form, or use row form` });
  }
  if (errors.length) return { errors };
  const head: PredictBody = schema.signature === DEFAULT_SIGNATURE ? {} : { signature_name: schema.signature };
  if (state.format === 'row') return { body: { ...head, instances: rows }, errors };
  const inputs: Record<string, unknown> = {};
  for (const f of schema.fields) {
    const col = rows.map(r => r[f.name]);
    inputs[f.name] = f.shape !== undefined && f.shape.length === 0 ? col[0] : col;
  }
  return { body: { ...head, inputs }, errors };
}

/** Pretty JSON of a body, keeping NaN/±Infinity as TF Serving's tokens. */
export function bodyText(body: PredictBody): string {
  return stringifyLenient(body, 2);
}

const valueText = (f: FormField, v: unknown): string => {
  const plain = unwrapB64(v);
  if (f.scalar) return typeof plain === 'string' ? plain : typeof plain === 'number' ? String(plain) : typeof plain === 'boolean' ? String(plain) : stringifyLenient(plain);
  return stringifyLenient(plain);
};

const containsB64 = (v: unknown): boolean => (Array.isArray(v) ? v.some(containsB64) : isB64Object(v));

/**
 * A body from the raw editor back into the form, when it fits the schema (same inputs, one value per
 * instance); undefined otherwise (the raw editor then stays the source of truth).
 */
export function formStateFromBody(schema: FormSchema, body: unknown): FormState | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as PredictBody & Record<string, unknown>;
  const sigName = b.signature_name ?? DEFAULT_SIGNATURE;
  if (sigName !== schema.signature) return undefined;
  const names = schema.fields.map(f => f.name);
  const single = names.length === 1 ? names[0] : undefined;
  let rows: Array<Record<string, unknown>>;
  let format: RequestFormat;
  if (Array.isArray(b.instances) && !('inputs' in b)) {
    format = 'row';
    rows = b.instances.map(inst => (typeof inst === 'object' && inst !== null && !Array.isArray(inst) && !isB64Object(inst) ? inst as Record<string, unknown> : single ? { [single]: inst } : {}));
  } else if ('inputs' in b && !('instances' in b)) {
    format = 'columnar';
    const cols = typeof b.inputs === 'object' && b.inputs !== null && !Array.isArray(b.inputs) && !isB64Object(b.inputs)
      ? b.inputs as Record<string, unknown> : single ? { [single]: b.inputs } : undefined;
    if (!cols) return undefined;
    const lengths = new Set<number>();
    for (const f of schema.fields) {
      const c = cols[f.name];
      if (f.shape !== undefined && f.shape.length === 0) lengths.add(1);
      else if (Array.isArray(c)) lengths.add(c.length);
      else return undefined;
    }
    if (lengths.size !== 1) return undefined;
    const n = [...lengths][0];
    rows = Array.from({ length: n }, (_, i) => Object.fromEntries(schema.fields.map(f => [f.name, f.shape !== undefined && f.shape.length === 0 ? cols[f.name] : (cols[f.name] as unknown[])[i]])));
  } else return undefined;
  if (!rows.length) return undefined;
  const b64: Record<string, boolean> = {};
  const instances: Array<Record<string, string>> = [];
  for (const row of rows) {
    const keys = Object.keys(row);
    if (keys.length !== names.length || !names.every(n => n in row)) return undefined;
    const inst: Record<string, string> = {};
    for (const f of schema.fields) {
      const v = row[f.name];
      if (f.scalar && Array.isArray(v)) return undefined;
      if (f.kind === 'string') b64[f.name] = (b64[f.name] ?? false) || containsB64(v);
      inst[f.name] = valueText(f, v);
    }
    instances.push(inst);
  }
  for (const f of schema.fields) if (f.kind === 'string') b64[f.name] ??= false;
  return { signature: schema.signature, format, instances, b64 };
}

/** REST paths of a model on TF Serving. */
export function modelPath(modelName: string, version?: string): string {
  return `/v1/models/${encodeURIComponent(modelName)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
}
export const metadataPath = (modelName: string, version?: string) => `${modelPath(modelName, version)}/metadata`;
export const predictPath = (modelName: string, version?: string) => `${modelPath(modelName, version)}:predict`;
