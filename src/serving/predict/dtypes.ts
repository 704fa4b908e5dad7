/**
 * How each TensorFlow dtype is typed in a form and in TF Serving's JSON: strings, whole numbers,
 * floats or booleans. No vscode or Node import: the webview bundle uses this too.
 */

export type FieldKind = 'string' | 'integer' | 'float' | 'bool';

const INTEGER_RANGES: Record<string, [number, number]> = {
  DT_INT8: [-128, 127],
  DT_UINT8: [0, 255],
  DT_INT16: [-32768, 32767],
  DT_UINT16: [0, 65535],
  DT_INT32: [-2147483648, 2147483647],
  DT_UINT32: [0, 4294967295],
  // JSON numbers lose precision past 2^53; TF Serving reads them as int64 anyway.
  DT_INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  DT_UINT64: [0, Number.MAX_SAFE_INTEGER],
  DT_QINT8: [-128, 127],
  DT_QUINT8: [0, 255],
  DT_QINT16: [-32768, 32767],
  DT_QUINT16: [0, 65535],
  DT_QINT32: [-2147483648, 2147483647],
};

const FLOATS = new Set(['DT_FLOAT', 'DT_DOUBLE', 'DT_HALF', 'DT_BFLOAT16']);

/** The form kind of a dtype, or undefined for dtypes TF Serving's JSON API cannot carry (complex, resource, variant). */
export function fieldKind(dtype: string): FieldKind | undefined {
  if (dtype === 'DT_STRING') return 'string';
  if (dtype === 'DT_BOOL') return 'bool';
  if (FLOATS.has(dtype)) return 'float';
  if (dtype in INTEGER_RANGES) return 'integer';
  return undefined;
}

export function integerRange(dtype: string): [number, number] | undefined {
  return INTEGER_RANGES[dtype];
}

/** A short, readable dtype name for labels: DT_FLOAT → float32. */
export function dtypeLabel(dtype: string): string {
  const names: Record<string, string> = { DT_FLOAT: 'float32', DT_DOUBLE: 'float64', DT_HALF: 'float16', DT_BFLOAT16: 'bfloat16', DT_STRING: 'string', DT_BOOL: 'bool' };
  return names[dtype] ?? dtype.replace(/^DT_/, '').toLowerCase();
}

/**
 * Whether a JSON value fits a dtype (one element, not a list). Strings may be `{"b64": "..."}`.
 * Returns a problem text or undefined.
 */
export function elementProblem(dtype: string, v: unknown): string | undefined {
  const kind = fieldKind(dtype);
  if (!kind) return `dtype ${dtype} cannot be sent as JSON`;
  switch (kind) {
    case 'string':
      if (typeof v === 'string') return undefined;
      if (isB64Object(v)) return isBase64(v.b64) ? undefined : 'b64 value is not valid base64';
      return `expected a string, got ${jsonType(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : `expected true or false, got ${jsonType(v)}`;
    case 'float':
      // NaN and ±Infinity are legal float values; TF Serving reads them as bare tokens.
      return typeof v === 'number' ? undefined : `expected a number, got ${jsonType(v)}`;
    case 'integer': {
      if (typeof v !== 'number' || !Number.isInteger(v)) return `expected a whole number, got ${typeof v === 'number' ? String(v) : jsonType(v)}`;
      const [lo, hi] = integerRange(dtype)!;
      return v < lo || v > hi ? `${v} is out of range for ${dtypeLabel(dtype)} (${lo} to ${hi})` : undefined;
    }
  }
}

export function isB64Object(v: unknown): v is { b64: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { b64?: unknown }).b64 === 'string';
}

export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : String(v);
  return typeof v;
}
