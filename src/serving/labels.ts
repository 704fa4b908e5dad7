/**
 * Google Cloud label rules (Vertex AI and Cloud Run): keys and values of at most 63 characters,
 * lowercase letters, digits, `_` and `-` (international letters allowed; we keep ASCII); keys start
 * with a letter. Values may be empty.
 */
const MAX = 63;

export function sanitizeLabelValue(v: string): string {
  return String(v).toLowerCase().replace(/\./g, '_').replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX);
}

export function sanitizeLabelKey(k: string): string {
  let s = sanitizeLabelValue(k);
  if (!/^[a-z]/.test(s)) s = `k${s}`.slice(0, MAX);
  return s;
}

export function labelKeyProblem(k: string): string | undefined {
  if (!k) return 'a label key cannot be empty';
  if (k.length > MAX) return `a label key has at most ${MAX} characters (this one has ${k.length})`;
  if (!/^[a-z][a-z0-9_-]*$/.test(k)) return 'a label key starts with a lowercase letter and holds only lowercase letters, digits, "_" and "-"';
  return undefined;
}

export function labelValueProblem(v: string): string | undefined {
  if (v.length > MAX) return `a label value has at most ${MAX} characters (this one has ${v.length})`;
  if (!/^[a-z0-9_-]*$/.test(v)) return 'a label value holds only lowercase letters, digits, "_" and "-"';
  return undefined;
}

/** Sanitises a whole label map; later duplicates (after sanitising) lose. At most 64 labels. */
export function sanitizeLabels(labels: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (v === undefined) continue;
    const key = sanitizeLabelKey(k);
    if (!(key in out) && Object.keys(out).length < 64) out[key] = sanitizeLabelValue(String(v));
  }
  return out;
}

/**
 * A label value as the user wrote it, where the product's label rules encoded it: a metric such as
 * 0.5220 is stored as `0_5220` (dots are not allowed; see registration.formatMetric). Only values
 * that are exactly such a number are decoded; others, ids included, are shown as stored.
 */
export function readableLabelValue(key: string, value: string): string {
  if (NOT_METRICS.has(key)) return value;
  const m = /^(-?\d+)_(\d+)$/.exec(value);
  return m ? `${m[1]}.${m[2]}` : value;
}

/** Labels the product writes whose values are never numbers with a decimal point. */
const NOT_METRICS = new Set(['training_run_id', 'model_type', 'is_blessed', 'registered-by', 'tfx_version', 'tfx_py_version']);
