/**
 * The Test Prediction panel's message protocol, shared by the extension host and the webview
 * bundle (no vscode import). Every webview → host message is checked by `parseWebviewMessage`:
 * the webview is untrusted input, so anything unknown or malformed is dropped (and logged).
 * Tokens never travel in these messages.
 */
import type { FormSchema } from '../serving/predict/formSchema';
import type { FormState } from '../serving/predict/request';
import type { LatencyStats, HistogramBin } from '../serving/predict/stats';
import type { FieldError } from '../serving/predict/validate';

export const PREDICT_VIEW_TYPE = 'mlServing.predict';

export interface ServiceInfo {
  /** projects/P/locations/R/services/S */
  name: string;
  id: string;
  region: string;
  uri?: string;
  /** TF Serving model name (the container's MODEL_NAME). */
  modelName: string;
  /** Requests carry an ID token (the service is not public). */
  authenticated: boolean;
  state: string;
}

export interface SavedPayload {
  name: string;
  signature: string;
  /** The request body as JSON text. */
  body: string;
  savedAt: string;
}

export interface HistoryEntry {
  at: string;
  signature: string;
  body: string;
  status: number;
  latencyMs: number;
}

export interface BenchmarkSummary {
  count: number;
  concurrency: number;
  completed: number;
  succeeded: number;
  errors: number;
  /** HTTP status (or "network") → count, for failed requests. */
  errorsByStatus: Record<string, number>;
  firstError?: string;
  stats?: LatencyStats;
  histogram: HistogramBin[];
  wallMs: number;
  throughputRps: number;
  cancelled: boolean;
  targetMs: number;
  /** Time to the first success before the run, retrying 503/429 (a scale-from-zero probe). */
  coldStart?: { timeToFirstSuccessMs: number; retries: number; status: number };
}

// --- host → webview ----------------------------------------------------------------------------

/** How an answer came back: shared by the host's service client and the "response" message. */
export interface AnswerTiming {
  /** The last attempt, from sending to the end of the body. */
  latencyMs: number;
  /** From the first attempt to the end, including cold-start retries and their waits. */
  totalMs: number;
  retries: number;
  /** 503/429 were retried before this answer: the service was starting. */
  coldStart: boolean;
  /** The ID token's identity, when one was sent. */
  identity?: string;
}

export type HostMessage =
  | { type: 'init'; service: ServiceInfo; latencyTargetMs: number; payloads: SavedPayload[]; history: HistoryEntry[] }
  | { type: 'metadata'; modelName: string; version: string; schemas: FormSchema[] }
  | { type: 'metadataError'; message: string; status?: number; hint?: string }
  | ({
      type: 'response';
      requestId: string;
      status: number;
      /** The body as it came (may hold NaN/Infinity tokens); truncated past 2 MB. */
      bodyText: string;
      truncated: boolean;
      contentType?: string;
      hint?: string;
    } & AnswerTiming)
  | { type: 'requestFailed'; requestId: string; message: string; cancelled: boolean; hint?: string }
  | { type: 'validation'; requestId: string; errors: FieldError[] }
  | { type: 'benchmarkProgress'; requestId: string; done: number; total: number; phase: 'probe' | 'run' }
  | { type: 'benchmarkResult'; requestId: string; result: BenchmarkSummary }
  | { type: 'payloads'; payloads: SavedPayload[]; history: HistoryEntry[] }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

// --- webview → host ----------------------------------------------------------------------------

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'reloadMetadata' }
  | { type: 'send'; requestId: string; signature: string; body: string }
  | { type: 'cancel'; requestId: string }
  | { type: 'copyCurl'; signature: string; body: string }
  | { type: 'savePayload'; name: string; signature: string; body: string }
  | { type: 'deletePayload'; name: string }
  | { type: 'benchmark'; requestId: string; signature: string; body: string; count: number; concurrency: number; probeColdStart: boolean };

/** What the webview keeps with getState/setState; the serializer revives the panel from it. */
export interface PanelState {
  serviceName: string;
  signature?: string;
  form?: FormState;
  raw?: string;
  view?: 'form' | 'raw';
}

export const LIMITS = {
  /** Bodies over 32 MiB are refused by validation; allow some slack so that message reaches the user. */
  bodyChars: 48 * 1024 * 1024,
  nameChars: 100,
  maxCount: 10_000,
  maxConcurrency: 64,
} as const;

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SIGNATURE = /^[^\u0000-\u001f]{1,256}$/;

type Check = (v: unknown) => string | undefined;
const str = (max: number, pattern?: RegExp): Check => v =>
  typeof v !== 'string' ? 'expected a string' : v.length > max ? `longer than ${max}` : pattern && !pattern.test(v) ? 'has an invalid format' : undefined;
const int = (min: number, max: number): Check => v =>
  typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max ? `expected a whole number from ${min} to ${max}` : undefined;
const bool: Check = v => (typeof v === 'boolean' ? undefined : 'expected true or false');

const SCHEMAS: Record<WebviewMessage['type'], Record<string, Check>> = {
  ready: {},
  reloadMetadata: {},
  send: { requestId: str(64, REQUEST_ID), signature: str(256, SIGNATURE), body: str(LIMITS.bodyChars) },
  cancel: { requestId: str(64, REQUEST_ID) },
  copyCurl: { signature: str(256, SIGNATURE), body: str(LIMITS.bodyChars) },
  savePayload: { name: str(LIMITS.nameChars, /^\S.*$/), signature: str(256, SIGNATURE), body: str(LIMITS.bodyChars) },
  deletePayload: { name: str(LIMITS.nameChars, /^\S.*$/) },
  benchmark: {
    requestId: str(64, REQUEST_ID), signature: str(256, SIGNATURE), body: str(LIMITS.bodyChars),
    count: int(1, LIMITS.maxCount), concurrency: int(1, LIMITS.maxConcurrency), probeColdStart: bool,
  },
};

/**
 * A webview message checked against the protocol: the exact set of fields, each of the right type
 * and size. Returns the message, or why it was refused.
 */
export function parseWebviewMessage(raw: unknown): { message: WebviewMessage } | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'not an object' };
  const m = raw as Record<string, unknown>;
  if (typeof m.type !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMAS, m.type)) {
    return { error: `unknown message type ${JSON.stringify(String(m.type)).slice(0, 60)}` };
  }
  const schema = SCHEMAS[m.type as WebviewMessage['type']];
  for (const k of Object.keys(m)) {
    if (k !== 'type' && !(k in schema)) return { error: `${m.type}: unexpected field "${k.slice(0, 40)}"` };
  }
  for (const [k, check] of Object.entries(schema)) {
    const p = check(m[k]);
    if (p) return { error: `${m.type}.${k}: ${p}` };
  }
  return { message: m as unknown as WebviewMessage };
}

export function isPanelState(v: unknown): v is PanelState {
  return typeof v === 'object' && v !== null && typeof (v as PanelState).serviceName === 'string' && /^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+$/.test((v as PanelState).serviceName);
}
