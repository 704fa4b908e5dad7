/**
 * The Test Prediction panel's message protocol, shared by the extension host and the webview
 * bundle (no vscode import). Every webview → host message is declared once in `PredictMessages`
 * and checked by `parseWebviewMessage`: the webview is untrusted input, so anything unknown or
 * malformed is refused (and logged). Tokens never travel in these messages.
 */
import type { Signature } from '../serving/savedModel/types';
import type { FormSchema } from '../serving/predict/formSchema';
import type { ColdStart } from '../serving/predict/coldStart';
import { parseLenientJson } from '../serving/predict/lenientJson';
import type { OpenLoopReport } from '../serving/predict/openLoop';
import type { FormState } from '../serving/predict/request';
import type { LatencyStats, HistogramBin } from '../serving/predict/stats';
import { utf8Length, validatePredictRequest, type FieldError } from '../serving/predict/validate';
import { bool, int, list, message, messageParser, num, str, type MessageOf } from './messages';
import { ENDPOINT_NAME, SERVICE_NAME } from '../serving/resourceNames';
import { ValidationError } from '../common/errors';
import type { AnswerTiming } from '../serving/predict/timing';

export const PREDICT_VIEW_TYPE = 'mlServing.predict';

export interface ServiceInfo {
  /** What the panel calls: a Cloud Run service, or a Vertex AI endpoint (absent: a service, as before endpoints). */
  kind?: 'service' | 'endpoint';
  /** projects/P/locations/R/services/S, or projects/P/locations/R/endpoints/E */
  name: string;
  /** Endpoint panels opened on one deployed model: its signatures make the form. */
  deployedModelId?: string;
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

/** What validating a request needs, posted to the webview once with the metadata: both sides run `checkRequest` on it. */
export interface RequestRules {
  signatures: Record<string, Signature>;
  /** The most instances one request may carry (the native TF Serving image's max_batch_size). */
  maxInstances?: number;
}

/**
 * The one check of a request body before it is sent, run by the webview (to show problems as
 * the user types) and by the host (the webview is untrusted): JSON, the signature exists, the
 * inputs fit it. `rules` undefined (no metadata yet) checks structure and size only.
 */
export function checkRequest(text: string, signature: string, rules: RequestRules | undefined): FieldError[] {
  let json: unknown;
  try {
    json = parseLenientJson(text);
  } catch (e) {
    return [{ field: 'body', message: (e as Error).message }];
  }
  const errors: FieldError[] = [];
  const sig = rules?.signatures[signature];
  if (rules && !sig) errors.push({ field: 'signature_name', message: `the model has no signature "${signature}"` });
  errors.push(...validatePredictRequest(json, sig, { sizeBytes: utf8Length(text), signature, maxInstances: rules?.maxInstances }));
  return errors;
}

/** An open-loop run from the panel: the engine's report, the cold-start probe, and the samples to chart. */
export interface LoadTestSummary {
  rate: number;
  durationSec: number;
  /** Names of the saved payloads sent (empty: the request in the editor). */
  mix: string[];
  report: OpenLoopReport;
  coldStart: ColdStart;
  /** [sent at ms from the start, latency ms, 1 ok / 0 error], at most MAX_CHART_POINTS, evenly thinned. */
  points: Array<[number, number, 0 | 1]>;
  /** Samples not in `points`. */
  pointsOmitted: number;
  cancelled: boolean;
}

export const MAX_CHART_POINTS = 2000;

// --- host → webview ----------------------------------------------------------------------------

/** How an answer came back (the host's service client and the "response" message). */
export type { AnswerTiming } from '../serving/predict/timing';

export type HostMessage =
  | { type: 'init'; service: ServiceInfo; latencyTargetMs: number; payloads: SavedPayload[]; history: HistoryEntry[] }
  | { type: 'metadata'; modelName: string; version: string; schemas: FormSchema[]; rules: RequestRules }
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
  | { type: 'loadTestProgress'; requestId: string; phase: 'probe' | 'run'; sent: number; scheduled: number }
  | { type: 'loadTestResult'; requestId: string; result: LoadTestSummary }
  | { type: 'payloads'; payloads: SavedPayload[]; history: HistoryEntry[] }
  | { type: 'notice'; level: 'info' | 'error'; text: string };

// --- webview → host: each message declared once, with its checks --------------------------------

export const LIMITS = {
  /** Bodies over 32 MiB are refused by validation; allow some slack so that message reaches the user. */
  bodyChars: 48 * 1024 * 1024,
  nameChars: 100,
  maxCount: 10_000,
  maxConcurrency: 64,
  /** Open loop: requests per second, seconds, latency target, payloads in the mix. */
  maxRate: 200,
  maxDurationSec: 600,
  maxTargetMs: 60_000,
  maxMix: 50,
} as const;

const requestId = str(64, /^[A-Za-z0-9_-]{1,64}$/);
const signature = str(256, /^[^\u0000-\u001f]{1,256}$/);
const body = str(LIMITS.bodyChars);
const payloadName = str(LIMITS.nameChars, /^\S.*$/);

export const PredictMessages = {
  ready: message('ready'),
  reloadMetadata: message('reloadMetadata'),
  send: message('send', { requestId, signature, body }),
  cancel: message('cancel', { requestId }),
  copyCurl: message('copyCurl', { signature, body }),
  savePayload: message('savePayload', { name: payloadName, signature, body }),
  deletePayload: message('deletePayload', { name: payloadName }),
  /** Closed loop: `count` requests of one body, `concurrency` at a time. */
  benchmark: message('benchmark', {
    requestId, signature, body, count: int(1, LIMITS.maxCount), concurrency: int(1, LIMITS.maxConcurrency), probeColdStart: bool,
  }),
  /**
   * Open loop: Poisson arrivals at `rate` per second for `durationSec`, the saved payloads named in
   * `mix` (the host reads their bodies from the store; none: the current body), then a report.
   */
  loadTest: message('loadTest', {
    requestId, signature, body, rate: num(0.1, LIMITS.maxRate), durationSec: int(1, LIMITS.maxDurationSec),
    targetMs: int(1, LIMITS.maxTargetMs), mix: list(payloadName, LIMITS.maxMix), probeColdStart: bool,
  }),
  /** Saves the open-loop run `requestId` (the last one) as a report in the workspace. */
  saveReport: message('saveReport', { requestId }),
} as const;

export type WebviewMessage = MessageOf<(typeof PredictMessages)[keyof typeof PredictMessages]>;

/** Checks a webview message against the protocol; throws a ValidationError naming the field. */
export const parseWebviewMessage = messageParser(Object.values(PredictMessages));

/** What a panel is opened on, kept in its state so a reload reopens the same target. */
export type PanelTarget =
  | { kind: 'service'; name: string }
  | { kind: 'endpoint'; name: string; deployedModelId?: string };

/** What the webview keeps with getState/setState; the serializer revives the panel from it. */
export interface PanelState {
  target: PanelTarget;
  signature?: string;
  form?: FormState;
  raw?: string;
  view?: 'form' | 'raw';
}

/** The target the webview persists for the panel `info` describes. */
export function panelTargetOf(info: ServiceInfo): PanelTarget {
  return info.kind === 'endpoint'
    ? { kind: 'endpoint', name: info.name, ...(info.deployedModelId ? { deployedModelId: info.deployedModelId } : {}) }
    : { kind: 'service', name: info.name };
}

const DEPLOYED_MODEL_ID = /^[A-Za-z0-9_-]{1,128}$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a saved panel state (untrusted: the webview wrote it) and returns the target to restore;
 * throws a ValidationError naming the bad field. A state saved before endpoints (`{serviceName}`)
 * still restores its service. Only the target matters to the host; the webview re-checks the rest.
 */
export function parsePanelState(v: unknown): PanelState {
  if (!isObj(v)) throw new ValidationError('state', `expected an object, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`);
  const name = (field: string, x: unknown, re: RegExp, what: string): string => {
    if (typeof x !== 'string' || x.length > 512 || !re.test(x)) throw new ValidationError(field, `expected ${what}, got ${JSON.stringify(x)?.slice(0, 120) ?? 'undefined'}`);
    return x;
  };
  let target: PanelTarget;
  if (v.target === undefined && 'serviceName' in v) {
    target = { kind: 'service', name: name('state.serviceName', v.serviceName, SERVICE_NAME, 'projects/P/locations/R/services/S') };
  } else {
    const t = v.target;
    if (!isObj(t)) throw new ValidationError('state.target', `expected an object, got ${t === null ? 'null' : typeof t}`);
    if (t.kind === 'service') target = { kind: 'service', name: name('state.target.name', t.name, SERVICE_NAME, 'projects/P/locations/R/services/S') };
    else if (t.kind === 'endpoint') {
      target = { kind: 'endpoint', name: name('state.target.name', t.name, ENDPOINT_NAME, 'projects/P/locations/R/endpoints/E') };
      if (t.deployedModelId !== undefined) target.deployedModelId = name('state.target.deployedModelId', t.deployedModelId, DEPLOYED_MODEL_ID, 'a deployed model id');
    } else throw new ValidationError('state.target.kind', `expected "service" or "endpoint", got ${JSON.stringify(t.kind) ?? 'undefined'}`);
  }
  const state: PanelState = { target };
  if (typeof v.signature === 'string') state.signature = v.signature;
  if (typeof v.raw === 'string') state.raw = v.raw;
  if (v.view === 'form' || v.view === 'raw') state.view = v.view;
  if (isObj(v.form)) state.form = v.form as unknown as FormState;
  return state;
}

/** Whether `v` is a state the serializer restores (see parsePanelState). */
export function isPanelState(v: unknown): boolean {
  try {
    parsePanelState(v);
    return true;
  } catch {
    return false;
  }
}
