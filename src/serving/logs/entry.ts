/**
 * One log entry as the product shows it, normalised from what the client hands over: an `Entry`
 * of @google-cloud/logging ({metadata, data}: metadata is the LogEntry message with `timestamp` a
 * Date, `data` the payload with jsonPayload already a plain object) or a LogEntry in its JSON form
 * (gcloud's output, the REST API: timestamp an RFC 3339 string, latency "0.012s").
 */
import { inferSeverity, parseSeverity, type Severity } from './severity';
import { formatLatency } from './latency';

export interface RequestInfo {
  method: string;
  url: string;
  status?: number;
  latencyMs?: number;
  responseSize?: number;
  userAgent?: string;
  remoteIp?: string;
}

export interface LogLine {
  /** insertId, or a stand-in built from time, log and text when an entry has none (de-duplication key). */
  key: string;
  insertId?: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** ISO 8601 (UTC). */
  time: string;
  /** The entry's severity, or the level its text carries when the entry says DEFAULT. */
  severity: Severity;
  service?: string;
  revision?: string;
  /** The region (resource.labels.location). */
  location?: string;
  /**
   * A Vertex AI endpoint's entry: the deployed model that wrote it (a resource label as the
   * emulator writes it, or an entry label, since the Endpoint resource itself has no such label).
   */
  deployedModelId?: string;
  /** Set when the text or payload was cut at MAX_ENTRY_CHARS: the original size in characters. */
  truncated?: number;
  /** Short log id: `stdout`, `stderr`, `requests`, `varlog/system`, or the decoded LOG_ID. */
  log: string;
  /** One-line text: the text payload, a JSON payload's message, or `METHOD STATUS LATENCY URL`. */
  message: string;
  request?: RequestInfo;
  /** The jsonPayload, kept for "expand" in the panel. */
  json?: unknown;
  /** protoPayload's type (audit logs). */
  protoType?: string;
}

type Obj = Record<string, unknown>;

/**
 * An entry's text and its JSON payload are each cut at this many characters (a log line may hold a
 * whole request body): memory is bounded per entry, not only per entry count.
 */
export const MAX_ENTRY_CHARS = 16 * 1024;
/** Key of the stand-in object that replaces a JSON payload too big to keep. */
export const TRUNCATED_JSON_KEY = '(truncated)';

/** `text` cut at `max` characters, with a visible marker saying how much was cut. */
export function truncateText(text: string, max = MAX_ENTRY_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)} … [truncated: ${(text.length - max).toLocaleString('en-US')} more characters]`;
}

/** Rough size of a line in memory (UTF-16 characters of its strings), for byte-bounded buffers. */
export function lineSize(line: { message?: string; json?: unknown; request?: RequestInfo; key?: string; text?: string; detail?: string }): number {
  let n = 200 + (line.message?.length ?? 0) + (line.key?.length ?? 0) + (line.text?.length ?? 0) + (line.detail?.length ?? 0);
  if (line.request) n += line.request.url.length + (line.request.userAgent?.length ?? 0);
  if (line.json !== undefined) n += JSON.stringify(line.json)?.length ?? 0;
  return n * 2;
}

/** FNV-1a (32-bit) of a string, as base-36 text. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Date, RFC 3339 string, epoch ms, or {seconds, nanos} (seconds may be a string or a Long). */
export function toEpochMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (isObj(v) && 'seconds' in v) {
    const s = Number(String(v.seconds ?? 0));
    const n = Number(v.nanos ?? 0);
    return Number.isFinite(s) && Number.isFinite(n) ? s * 1000 + n / 1e6 : undefined;
  }
  return undefined;
}

/** google.protobuf.Duration ({seconds, nanos}) or its JSON form ("0.012s") → milliseconds. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(v.trim());
    return m ? Number(m[1]) * 1000 : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000;
  if (isObj(v) && ('seconds' in v || 'nanos' in v)) {
    const s = Number(String(v.seconds ?? 0));
    const n = Number(v.nanos ?? 0);
    return Number.isFinite(s) && Number.isFinite(n) ? s * 1000 + n / 1e6 : undefined;
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (isObj(v) && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `projects/P/logs/run.googleapis.com%2Fstderr` → `stderr`; other logs → their decoded id. */
export function shortLogName(logName: unknown): string {
  if (typeof logName !== 'string') return '';
  const id = logName.slice(logName.indexOf('/logs/') >= 0 ? logName.indexOf('/logs/') + 6 : 0);
  let decoded = id;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    // a malformed escape: keep the raw id
  }
  return decoded.startsWith('run.googleapis.com/') ? decoded.slice('run.googleapis.com/'.length) : decoded;
}

function requestOf(h: unknown): RequestInfo | undefined {
  if (!isObj(h)) return undefined;
  const method = str(h.requestMethod);
  const url = str(h.requestUrl);
  if (!method && !url) return undefined;
  const r: RequestInfo = { method: method ?? '-', url: url ?? '' };
  const status = num(h.status);
  if (status !== undefined && status !== 0) r.status = status;
  const latency = durationMs(h.latency);
  if (latency !== undefined) r.latencyMs = latency;
  const size = num(h.responseSize);
  if (size !== undefined) r.responseSize = size;
  if (str(h.userAgent)) r.userAgent = h.userAgent as string;
  if (str(h.remoteIp)) r.remoteIp = h.remoteIp as string;
  return r;
}

/** The line a JSON payload stands for: its message field when it has one, else compact JSON. */
function jsonMessage(json: Obj): string {
  for (const k of ['message', 'msg', 'textPayload', 'error']) {
    const v = json[k];
    if (typeof v === 'string' && v) return v;
  }
  return JSON.stringify(json);
}

function protoTypeOf(p: unknown): string | undefined {
  if (!isObj(p)) return undefined;
  const t = str(p['@type']) ?? str(p.type_url) ?? str(p.typeUrl);
  return t?.slice(t.lastIndexOf('/') + 1);
}

function protoMessage(p: unknown, type: string | undefined): string {
  if (isObj(p)) {
    const method = str(p.methodName);
    const status = isObj(p.status) ? str(p.status.message) : undefined;
    const resource = str(p.resourceName);
    const text = [method, resource, status].filter(Boolean).join(' ');
    if (text) return text;
  }
  return type ? `(${type})` : '(proto payload)';
}

/**
 * Normalises one entry. Throws an Error naming the field only when the entry cannot be placed in
 * time at all; every other oddity degrades to a sensible default.
 */
export function normalizeEntry(raw: unknown): LogLine {
  if (!isObj(raw)) throw new Error(`entry: expected an object, got ${raw === null ? 'null' : typeof raw}`);
  // An Entry of the client library keeps the LogEntry in `metadata` and the payload in `data`.
  const fromClient = isObj(raw.metadata) && 'data' in raw;
  const meta: Obj = fromClient ? (raw.metadata as Obj) : raw;
  const timestamp = toEpochMs(meta.timestamp) ?? toEpochMs(meta.receiveTimestamp);
  if (timestamp === undefined) throw new Error(`entry.timestamp: expected a time, got ${JSON.stringify(meta.timestamp)}`);

  // Which payload: the client names the oneof in `payload`; the JSON form just has the field.
  const payloadKind = str(meta.payload) ?? (['textPayload', 'jsonPayload', 'protoPayload'] as const).find(k => meta[k] !== undefined && meta[k] !== null);
  const payload = fromClient ? raw.data : payloadKind ? meta[payloadKind] : undefined;

  const resource = isObj(meta.resource) ? meta.resource : {};
  const labels = isObj(resource.labels) ? (resource.labels as Obj) : {};
  const request = requestOf(meta.httpRequest);

  let message = '';
  let json: unknown;
  let protoType: string | undefined;
  if (payloadKind === 'jsonPayload' && isObj(payload)) {
    json = payload;
    message = jsonMessage(payload);
  } else if (payloadKind === 'protoPayload') {
    protoType = protoTypeOf(payload);
    message = protoMessage(payload, protoType);
  } else if (typeof payload === 'string') {
    message = payload;
  }
  if (request && !message) message = requestSummary(request);
  let truncated: number | undefined;
  if (message.length > MAX_ENTRY_CHARS) {
    truncated = message.length;
    message = truncateText(message);
  }
  if (json !== undefined) {
    const text = JSON.stringify(json) ?? '';
    if (text.length > MAX_ENTRY_CHARS) {
      truncated = Math.max(truncated ?? 0, text.length);
      json = { [TRUNCATED_JSON_KEY]: truncateText(text) };
    }
  }
  if (request && request.url.length > 2048) request.url = truncateText(request.url, 2048);
  if (request?.userAgent && request.userAgent.length > 512) request.userAgent = truncateText(request.userAgent, 512);

  const declared = parseSeverity(meta.severity);
  const severity = declared === 'DEFAULT' ? inferSeverity(message) ?? 'DEFAULT' : declared;
  const log = shortLogName(meta.logName);
  const insertId = str(meta.insertId);
  const line: LogLine = {
    // A hash, not the text: the de-duplication window holds thousands of keys.
    key: insertId ?? `${timestamp}|${log}|${message.length}|${hashText(message)}`,
    timestamp,
    time: new Date(timestamp).toISOString(),
    severity,
    log,
    message,
  };
  if (insertId) line.insertId = insertId;
  if (str(labels.service_name)) line.service = labels.service_name as string;
  if (str(labels.revision_name)) line.revision = labels.revision_name as string;
  if (str(labels.location)) line.location = labels.location as string;
  const entryLabels = isObj(meta.labels) ? (meta.labels as Obj) : {};
  const deployedModelId = str(labels.deployed_model_id) ?? str(entryLabels.deployed_model_id);
  if (deployedModelId) line.deployedModelId = deployedModelId;
  if (truncated !== undefined) line.truncated = truncated;
  if (request) line.request = request;
  if (json !== undefined) line.json = json;
  if (protoType) line.protoType = protoType;
  return line;
}

/**
 * The part of a log target an entry came from: a Cloud Run revision, or a Vertex AI deployed model
 * (what the panel's second filter selects).
 */
export function partOf(line: { revision?: string; deployedModelId?: string }): string | undefined {
  return line.revision ?? line.deployedModelId;
}

/** `POST 200 23 ms /v1/models/m:predict` */
export function requestSummary(r: RequestInfo): string {
  return [r.method, r.status ?? '-', r.latencyMs !== undefined ? formatLatency(r.latencyMs) : '-', r.url].join(' ');
}
