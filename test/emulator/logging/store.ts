/**
 * The log entries the emulator holds (revision startup lines, request logs, errors, entries posted
 * by tests), in LogEntry proto-loader form, with live subscribers for TailLogEntries.
 */
import { randomBytes } from 'node:crypto';
import { toStruct } from '../struct';
import { Timestamp, duration, timestampMs, toTimestamp } from '../time';
import { SEVERITIES } from '../filter/logging';

export interface LogEntryInput {
  logName: string;
  resource?: { type: string; labels?: Record<string, string> };
  /** Date, RFC 3339 string, epoch ms or a Timestamp; default now. */
  timestamp?: Date | string | number | Timestamp;
  severity?: string;
  textPayload?: string;
  jsonPayload?: Record<string, unknown>;
  httpRequest?: Record<string, unknown>;
  labels?: Record<string, string>;
  insertId?: string;
  trace?: string;
}

export type StoredEntry = Record<string, any> & { logName: string; timestamp: Timestamp; insertId: string };

function toTs(t: LogEntryInput['timestamp']): Timestamp {
  if (t === undefined) return toTimestamp(Date.now());
  if (t instanceof Date) return toTimestamp(t.getTime());
  if (typeof t === 'number') return toTimestamp(t);
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw new Error(`timestamp: "${t}" is not an RFC 3339 time`);
    // keep microseconds from the string when present
    const frac = /\.(\d+)Z?$/i.exec(t)?.[1];
    const ts = toTimestamp(ms);
    if (frac) ts.nanos = Number((frac + '000000000').slice(0, 9));
    return ts;
  }
  return { seconds: String(t.seconds), nanos: t.nanos ?? 0 };
}

/** httpRequest as the LogEntry proto wants it: latency a Duration, sizes as strings. */
function toHttpRequest(h: Record<string, unknown>): object {
  const out: Record<string, unknown> = { ...h };
  if (typeof h.latency === 'string') out.latency = duration(parseFloat(h.latency));
  else if (typeof h.latency === 'number') out.latency = duration(h.latency);
  for (const k of ['requestSize', 'responseSize', 'cacheFillBytes']) if (typeof h[k] === 'number') out[k] = String(h[k]);
  return out;
}

export class LogStore {
  private entries: StoredEntry[] = [];
  private readonly listeners = new Set<(e: StoredEntry) => void>();
  private seq = 0;

  constructor(private readonly maxEntries = 100_000) {}

  /** Validate and store one entry; bad input throws an Error naming the field. */
  append(input: LogEntryInput): StoredEntry {
    if (!input || typeof input !== 'object') throw new Error('entry: expected a JSON object');
    if (typeof input.logName !== 'string' || !/^(projects|organizations|folders|billingAccounts)\/[^/]+\/logs\/[^/]+$/.test(input.logName)) {
      throw new Error(`logName: expected "projects/PROJECT/logs/LOG_ID" (LOG_ID URL-encoded), got ${JSON.stringify(input.logName)}`);
    }
    const severity = (input.severity ?? 'DEFAULT').toUpperCase();
    if (!SEVERITIES.includes(severity)) throw new Error(`severity: expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(input.severity)}`);
    if (input.textPayload !== undefined && input.jsonPayload !== undefined) throw new Error('textPayload, jsonPayload: set only one');
    const now = Date.now();
    const entry: StoredEntry = {
      logName: input.logName,
      resource: { type: input.resource?.type ?? 'global', labels: { ...(input.resource?.labels ?? {}) } },
      timestamp: toTs(input.timestamp),
      receiveTimestamp: toTimestamp(now),
      severity,
      insertId: input.insertId ?? `${now.toString(16)}${(++this.seq).toString(16).padStart(6, '0')}${randomBytes(3).toString('hex')}`,
    };
    if (input.labels) entry.labels = { ...input.labels };
    if (input.trace) entry.trace = input.trace;
    if (input.httpRequest) entry.httpRequest = toHttpRequest(input.httpRequest);
    if (input.textPayload !== undefined) entry.textPayload = String(input.textPayload);
    else if (input.jsonPayload !== undefined) entry.jsonPayload = toStruct(input.jsonPayload);
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** Store an entry that is already in LogEntry proto form (WriteLogEntries). */
  appendProto(entry: Record<string, any>): StoredEntry {
    const now = Date.now();
    const stored: StoredEntry = {
      ...entry,
      logName: entry.logName,
      timestamp: entry.timestamp ?? toTimestamp(now),
      receiveTimestamp: toTimestamp(now),
      insertId: entry.insertId || `${now.toString(16)}${(++this.seq).toString(16).padStart(6, '0')}`,
    };
    this.entries.push(stored);
    for (const l of this.listeners) l(stored);
    return stored;
  }

  /** Entries of these projects in time order (ties in insertion order). */
  query(projects: string[]): StoredEntry[] {
    const prefixes = projects.map(p => `${p}/logs/`);
    return this.entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => prefixes.some(p => e.logName.startsWith(p)))
      .sort((a, b) => timestampMs(a.e.timestamp) - timestampMs(b.e.timestamp) || a.e.timestamp.nanos - b.e.timestamp.nanos || a.i - b.i)
      .map(({ e }) => e);
  }

  subscribe(listener: (e: StoredEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  count(): number {
    return this.entries.length;
  }
}
