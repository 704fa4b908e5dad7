/**
 * A predict response as the panel shows it: each output as a column (one value per instance),
 * whether the request used row or columnar form; errors as TF Serving or Cloud Run sent them.
 */
import { parseLenientJson } from './lenientJson';
import type { Json } from '../json';

export interface ParsedResponse {
  ok: boolean;
  status: number;
  /** The parsed body when it was JSON (NaN/±Infinity kept). */
  json?: unknown;
  /** Output name → one value per instance (or the whole value when unbatched). */
  outputs?: Record<string, unknown>;
  /** TF Serving's `error`, or the text of a front-end error page. */
  error?: string;
  /** The body was not JSON although it should have been. */
  parseError?: string;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text of an HTML error page (Google Front End's 401/403/503 pages): title and headings. */
export function htmlErrorText(html: string): string {
  const parts = [...html.matchAll(/<(title|h1|h2)[^>]*>([\s\S]*?)<\/\1>/gi)].map(m => m[2].replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim()).filter(Boolean);
  return [...new Set(parts)].join(' — ') || html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * @param outputNames the signature's outputs (sorted), used to name a single unnamed output.
 */
export function parsePredictResponse(status: number, text: string, outputNames: string[] = []): ParsedResponse {
  const ok = status >= 200 && status < 300;
  const trimmed = text.trim();
  let json: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      json = parseLenientJson(trimmed);
    } catch (e) {
      return { ok: false, status, parseError: (e as Error).message, error: ok ? undefined : trimmed.slice(0, 2000) };
    }
  }
  if (!ok) {
    if (isObj(json) && typeof json.error === 'string') return { ok, status, json, error: json.error };
    if (/^<(!doctype|html)/i.test(trimmed)) return { ok, status, error: htmlErrorText(trimmed) };
    return { ok, status, json, error: trimmed || `HTTP ${status} with an empty body` };
  }
  if (!isObj(json)) return { ok: false, status, parseError: trimmed ? 'the response is not a JSON object' : 'the response body is empty' };
  const single = outputNames.length === 1 ? outputNames[0] : undefined;
  if ('predictions' in json) {
    const p = json.predictions;
    // Several outputs: one object per instance. One output: bare values (which may be objects such as {"b64": ...}).
    const names = outputNames.length > 1 ? outputNames : outputNames.length === 0 && Array.isArray(p) && p.length && isObj(p[0]) ? Object.keys(p[0]) : [];
    if (Array.isArray(p) && names.length && p.every(row => isObj(row) && names.every(n => n in row))) {
      return { ok, status, json, outputs: Object.fromEntries(names.map(n => [n, p.map(row => (row as Json)[n])])) };
    }
    return { ok, status, json, outputs: { [single ?? 'predictions']: p } };
  }
  if ('outputs' in json) {
    const o = json.outputs;
    if (isObj(o) && (outputNames.length !== 1 || single! in o)) return { ok, status, json, outputs: o };
    return { ok, status, json, outputs: { [single ?? 'outputs']: o } };
  }
  if (typeof json.error === 'string') return { ok: false, status, json, error: json.error };
  return { ok, status, json, parseError: 'the response has neither "predictions" nor "outputs"' };
}
