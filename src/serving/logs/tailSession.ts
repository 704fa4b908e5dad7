/**
 * One live tail of a Cloud Run service's (or a Vertex AI endpoint's) logs: a backfill of recent entries (ListLogEntries), then
 * the live stream (TailLogEntries). When the stream ends or fails it reconnects with backoff and
 * re-reads the entries written meanwhile, de-duplicated by insertId, with a marker where a gap may
 * remain. No vscode import: unit tests drive it with a fake LogSource.
 */
import { DedupeWindow } from './dedupe';
import { lineSize, normalizeEntry, partOf, type LogLine } from './entry';
import { logTargetFilter, parseLogTarget, type LogTargetRef } from './filter';
import { formatTime } from './format';
import type { LogItem, MarkerItem, MarkerLevel, TailState } from './items';
import type { LogSource, TailResponse, TailStream } from './source';

export interface TailTiming {
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A stream that lived this long (or delivered entries) resets the backoff. */
  healthyAfterMs: number;
  /** The re-read after a reconnect starts this long before the newest entry seen (late arrivals). */
  overlapMs: number;
  /** Entries read before the live stream starts. */
  backfillSize: number;
  /** Entries re-read after a reconnect; a full page means a gap may remain. */
  reconnectPageSize: number;
  /** Items kept for consumers that join later (a panel opened after the channel). */
  historySize: number;
  /** ...and at most this many bytes of them (entries are up to 16 K characters each). */
  historyBytes: number;
  /** Live entries held while the history loads; beyond this the oldest are dropped, with a marker. */
  heldEntries: number;
  /** Suppression notices are merged over this window instead of one per response. */
  suppressionEveryMs: number;
}

export const DEFAULT_TIMING: TailTiming = {
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  healthyAfterMs: 10_000,
  overlapMs: 5_000,
  backfillSize: 200,
  reconnectPageSize: 1000,
  historySize: 5000,
  historyBytes: 32 * 1024 * 1024,
  heldEntries: 5000,
  suppressionEveryMs: 5000,
};

export type TailEvent = { type: 'items'; items: LogItem[] } | { type: 'state'; state: TailState; detail?: string };
export type TailListener = (e: TailEvent) => void;

// gRPC codes after which retrying cannot help: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED,
// UNAUTHENTICATED, and RESOURCE_EXHAUSTED (too many tail sessions in the project, or the read quota
// is used up: reconnecting every few seconds only keeps the quota exhausted).
const FATAL_CODES = new Set([3, 5, 7, 8, 16]);
const RESOURCE_EXHAUSTED = 8;

const EXHAUSTED_DETAIL = 'Cloud Logging allows 10 live tails per project at once (other VS Code windows, `gcloud beta logging tail` and the Logs Explorer\'s streaming count too) and limits reads per minute. Stop tails you do not need ("ML Serving: Stop Tailing Logs"), then press Reconnect in the logs panel or tail again.';

function errorCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown } | undefined)?.code;
  return typeof c === 'number' ? c : undefined;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return (e as { details?: string }).details || e.message;
  return String(e);
}

const REASONS: Record<string, string> = {
  RATE_LIMIT: 'rate limit: Cloud Logging streams at most 60,000 entries a minute',
  NOT_CONSUMED: 'not consumed: entries arrived faster than they were read',
  1: 'rate limit: Cloud Logging streams at most 60,000 entries a minute',
  2: 'not consumed: entries arrived faster than they were read',
};

export interface TailSessionOptions {
  /**
   * What to follow: a service's full resource name projects/P/locations/R/services/S (or just S),
   * or an endpoint's projects/P/locations/R/endpoints/E (with /deployedModels/D for one deployed model).
   */
  service: string;
  /** Called on every (re)connect, so a session picks up new clients after a project change. */
  source: () => Promise<LogSource>;
  timing?: Partial<TailTiming>;
  /** What to do about a failure (the role to ask for, the API to enable, sign in), when the caller knows. */
  advice?: (e: unknown) => string | undefined;
  log?: (message: string) => void;
}

export class TailSession {
  readonly service: string;
  /** The service id, or `endpoints/E[/deployedModels/D]` for an endpoint (messages, pickers). */
  readonly serviceId: string;
  /** What the name stands for: a Cloud Run service or a Vertex AI endpoint. */
  readonly target: LogTargetRef;
  /** The service's region, when the name carries it: the filter is narrowed to it. */
  readonly location?: string;
  private readonly timing: TailTiming;
  private readonly listeners = new Set<TailListener>();
  private readonly history: LogItem[] = [];
  private readonly historySizes: number[] = [];
  private historyBytesUsed = 0;
  private readonly dedupe: DedupeWindow;
  private readonly revisionSet = new Set<string>();
  private seqValue = 0;
  private stateValue: TailState = 'connecting';
  private stateDetail?: string;
  private lastTimestamp?: number;
  private stream?: TailStream;
  private generation = 0;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private started = false;
  private suppressed = new Map<string, number>();
  private suppressionShownAt = -Infinity;
  private suppressionTimer?: NodeJS.Timeout;
  /** Counters, for the status shown to users and for tests. */
  readonly stats = { connects: 0, reconnects: 0, duplicates: 0, received: 0 };

  constructor(private readonly opts: TailSessionOptions) {
    this.service = opts.service;
    this.target = parseLogTarget(opts.service);
    this.serviceId = this.target.id;
    this.location = this.target.location;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.dedupe = new DedupeWindow(Math.max(10_000, this.timing.reconnectPageSize * 4));
    // Validates the id now, so a bad one fails the caller instead of the background connect.
    this.filter();
  }

  /** This target's entries (in its region), optionally since a time. */
  private filter(since?: Date): string {
    return logTargetFilter(this.target, since);
  }

  /** Bytes the history holds now (tests and the status). */
  get historyBytes(): number {
    return this.historyBytesUsed;
  }

  get state(): TailState {
    return this.stateValue;
  }

  get detail(): string | undefined {
    return this.stateDetail;
  }

  get lastSeq(): number {
    return this.seqValue;
  }

  /** Revisions (an endpoint's: deployed model ids) seen in entries so far, newest first by name. */
  get revisions(): string[] {
    return [...this.revisionSet].sort().reverse();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect('initial');
  }

  /** Items after `afterSeq` still held (at most historySize). */
  snapshot(afterSeq = 0): LogItem[] {
    const start = this.history.length - Math.min(this.history.length, this.timing.historySize);
    return this.history.slice(start).filter(i => i.seq > afterSeq);
  }

  subscribe(listener: TailListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a marker line (a recognised failure, a notice) for every consumer. */
  addMarker(level: MarkerLevel, text: string, extra: { detail?: string; action?: MarkerItem['action']; timestamp?: number } = {}): MarkerItem {
    const m: MarkerItem = { kind: 'marker', seq: ++this.seqValue, timestamp: extra.timestamp ?? Date.now(), level, text };
    if (extra.detail) m.detail = extra.detail;
    if (extra.action) m.action = extra.action;
    this.emitItems([m]);
    return m;
  }

  /** Drops the current stream and connects again now (new clients after a project change, or the user asked). */
  restart(reason: string): void {
    if (this.closed) return;
    this.opts.log?.(`${this.serviceId}: restarting tail (${reason})`);
    this.dropStream();
    clearTimeout(this.timer);
    this.attempt = 0;
    this.stats.reconnects++;
    void this.connect('reconnect', reason);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    clearTimeout(this.timer);
    clearTimeout(this.suppressionTimer);
    this.dropStream();
    this.setState('stopped');
    this.listeners.clear();
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = undefined;
    this.generation++;
    try {
      s?.close();
    } catch (e) {
      this.opts.log?.(`${this.serviceId}: closing the stream failed: ${errorText(e)}`);
    }
  }

  private setState(state: TailState, detail?: string): void {
    if (this.stateValue === state && this.stateDetail === detail) return;
    this.stateValue = state;
    this.stateDetail = detail;
    this.emit({ type: 'state', state, detail });
  }

  private emit(e: TailEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.opts.log?.(`${this.serviceId}: a log consumer failed: ${errorText(err)}`);
      }
    }
  }

  private emitItems(items: LogItem[]): void {
    if (!items.length) return;
    for (const i of items) {
      const size = lineSize(i.kind === 'entry' ? i : { text: i.text, detail: i.detail });
      this.history.push(i);
      this.historySizes.push(size);
      this.historyBytesUsed += size;
    }
    // trim in chunks, not on every push
    if (this.history.length > this.timing.historySize * 1.2 || this.historyBytesUsed > this.timing.historyBytes) {
      let drop = Math.max(0, this.history.length - this.timing.historySize);
      let bytes = this.historyBytesUsed;
      for (let i = 0; i < drop; i++) bytes -= this.historySizes[i];
      // Below 90% of the byte budget, so the next lines do not trim again at once.
      while (drop < this.history.length - 1 && bytes > this.timing.historyBytes * 0.9) bytes -= this.historySizes[drop++];
      this.history.splice(0, drop);
      this.historySizes.splice(0, drop);
      this.historyBytesUsed = bytes;
    }
    this.emit({ type: 'items', items });
  }

  /** De-duplicates, numbers and emits lines; returns how many were new. */
  private accept(lines: LogLine[]): number {
    const items: LogItem[] = [];
    for (const line of lines) {
      this.stats.received++;
      if (this.dedupe.seen(line.key)) {
        this.stats.duplicates++;
        continue;
      }
      const part = partOf(line);
      if (part) this.revisionSet.add(part);
      if (this.lastTimestamp === undefined || line.timestamp > this.lastTimestamp) this.lastTimestamp = line.timestamp;
      items.push({ ...line, kind: 'entry', seq: ++this.seqValue });
    }
    this.emitItems(items);
    return items.length;
  }

  private normalize(raw: unknown[]): LogLine[] {
    const out: LogLine[] = [];
    for (const r of raw) {
      try {
        out.push(normalizeEntry(r));
      } catch (e) {
        this.opts.log?.(`${this.serviceId}: skipped an entry: ${errorText(e)}`);
      }
    }
    return out;
  }

  private onResponse(r: TailResponse): void {
    if (Array.isArray(r.entries) && r.entries.length) this.accept(this.normalize(r.entries));
    if (Array.isArray(r.suppressionInfo)) {
      for (const s of r.suppressionInfo as Array<{ reason?: unknown; suppressedCount?: unknown }>) {
        const count = Number(s?.suppressedCount ?? 0);
        const reason = String(s?.reason ?? 'REASON_UNSPECIFIED');
        if (count > 0) this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + count);
      }
      this.showSuppression();
    }
  }

  /** One notice per window, with the counts merged: a rate-limited stream reports every response. */
  private showSuppression(): void {
    if (!this.suppressed.size || this.suppressionTimer) return;
    const wait = this.suppressionShownAt + this.timing.suppressionEveryMs - Date.now();
    const show = () => {
      this.suppressionTimer = undefined;
      if (this.closed || !this.suppressed.size) return;
      const parts = [...this.suppressed].map(([reason, n]) => `${n} (${REASONS[reason] ?? reason.toLowerCase()})`);
      const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
      this.suppressed.clear();
      this.suppressionShownAt = Date.now();
      this.addMarker('suppressed', `Cloud Logging did not stream ${total} entr${total === 1 ? 'y' : 'ies'}: ${parts.join(', ')}.`, {
        detail: 'They are stored and can be read in the Logs Explorer; narrow the filter or lower the log volume to see them here.',
      });
    };
    if (wait <= 0) show();
    else this.suppressionTimer = setTimeout(show, wait);
  }

  private async connect(kind: 'initial' | 'reconnect', reason?: string): Promise<void> {
    if (this.closed) return;
    const gen = ++this.generation;
    this.setState(kind === 'initial' ? 'connecting' : 'reconnecting', reason);
    this.stats.connects++;
    let source: LogSource;
    try {
      source = await this.opts.source();
    } catch (e) {
      if (gen === this.generation) this.streamEnded(gen, e);
      return;
    }
    if (gen !== this.generation || this.closed) return;

    // Open the live stream before reading history and hold what it sends until the history is
    // in: entries written between the two calls then arrive through one or the other.
    const held: TailResponse[] = [];
    let heldCount = 0;
    let heldDropped = 0;
    let historyDone = false;
    let endedEarly = false;
    const openedAt = Date.now();
    let delivered = false;
    let stream: TailStream;
    try {
      stream = source.tail(this.filter());
    } catch (e) {
      this.streamEnded(gen, e);
      return;
    }
    this.stream = stream;
    let ended = false;
    const onEnd = (err?: unknown) => {
      if (ended) return;
      ended = true;
      if (gen !== this.generation || this.closed) return;
      if (!historyDone) endedEarly = true;
      const healthy = delivered || Date.now() - openedAt >= this.timing.healthyAfterMs;
      if (healthy) this.attempt = 0;
      this.streamEnded(gen, err ?? new Error('The server ended the tail session.'));
    };
    stream.on('data', r => {
      if (gen !== this.generation) return;
      if (Array.isArray(r?.entries) && r.entries.length) delivered = true;
      if (historyDone) {
        this.onResponse(r);
        return;
      }
      held.push(r);
      heldCount += Array.isArray(r?.entries) ? r.entries.length : 0;
      // A slow history read under a busy stream must not grow without bound.
      while (heldCount > this.timing.heldEntries && held.length > 1) {
        const n = held.shift()?.entries?.length ?? 0;
        heldCount -= n;
        heldDropped += n;
      }
    });
    stream.on('error', e => onEnd(e));
    stream.on('end', () => onEnd());
    stream.on('close', () => onEnd());

    const gapStart = this.lastTimestamp;
    const since = gapStart !== undefined ? new Date(gapStart - this.timing.overlapMs) : undefined;
    const pageSize = since ? this.timing.reconnectPageSize : this.timing.backfillSize;
    try {
      const raw = await source.list(this.filter(since), pageSize);
      if (gen !== this.generation && !endedEarly) return;
      // The list comes newest first; reverse before the stable sort so same-time entries keep their order.
      const lines = this.normalize(raw).reverse().sort((a, b) => a.timestamp - b.timestamp);
      if (kind === 'reconnect' && gapStart !== undefined) {
        const fresh = lines.filter(l => !this.dedupe.has(l.key));
        const full = raw.length >= pageSize;
        const from = formatTime(gapStart);
        // One marker per reconnect, in time order: a possible gap sits where it starts (after
        // the last entry seen, before what was re-read); a clean reconnect follows the entries it
        // recovered, at the time it happened.
        if (full) {
          this.addMarker('gap', `Reconnected${reason ? ` (${reason})` : ''}: entries after ${from} may be missing (more than ${pageSize} were written while the stream was down).`, { timestamp: gapStart, detail: 'Open the Logs Explorer for the full history.' });
          this.accept(lines);
        } else {
          this.accept(lines);
          this.addMarker('reconnected', `Stream reconnected${reason ? ` (${reason})` : ''}; ${fresh.length} entr${fresh.length === 1 ? 'y' : 'ies'} written meanwhile recovered from history.`);
        }
      } else this.accept(lines);
    } catch (e) {
      if (gen !== this.generation && !endedEarly) return;
      const text = errorText(e);
      const code = errorCode(e);
      if (code === RESOURCE_EXHAUSTED) {
        this.addMarker('error', `Cloud Logging refused to read this service's logs: ${text}`, { detail: EXHAUSTED_DETAIL });
      } else if (kind === 'reconnect' && gapStart !== undefined) {
        this.addMarker('gap', `Reconnected, but the entries after ${formatTime(gapStart)} could not be re-read (${text}): some may be missing.`);
      } else {
        this.addMarker('error', `Could not read recent entries: ${text}`, { detail: this.opts.advice?.(e) });
      }
      if (FATAL_CODES.has(code ?? -1)) {
        this.fail(e);
        return;
      }
    }
    if (heldDropped) {
      this.addMarker('gap', `${heldDropped} live entr${heldDropped === 1 ? 'y' : 'ies'} dropped while recent history loaded (more than ${this.timing.heldEntries} arrived meanwhile).`, { detail: 'Open the Logs Explorer for the full history.' });
    }
    historyDone = true;
    if (this.closed) return;
    const current = gen === this.generation;
    // A stream that dropped while history loaded still delivered what it held.
    if (!current && !endedEarly) return;
    for (const r of held.splice(0)) this.onResponse(r);
    if (current) this.setState('live');
  }

  private fail(e: unknown): void {
    this.dropStream();
    clearTimeout(this.timer);
    this.setState('failed', this.opts.advice?.(e) ?? errorText(e));
  }

  private streamEnded(gen: number, err: unknown): void {
    if (this.closed || gen !== this.generation) return;
    const s = this.stream;
    this.stream = undefined;
    this.generation++;
    try {
      s?.close();
    } catch {
      // already gone
    }
    const text = errorText(err);
    if (errorCode(err) === RESOURCE_EXHAUSTED) {
      this.addMarker('error', `The log stream stopped: Cloud Logging refused the live tail (${text}).`, { detail: EXHAUSTED_DETAIL });
      this.fail(err);
      return;
    }
    if (FATAL_CODES.has(errorCode(err) ?? -1)) {
      this.addMarker('error', `The log stream stopped: ${text}`, { detail: this.opts.advice?.(err) });
      this.fail(err);
      return;
    }
    const delay = Math.min(this.timing.maxBackoffMs, this.timing.initialBackoffMs * 2 ** this.attempt);
    this.attempt++;
    this.opts.log?.(`${this.serviceId}: tail ended (${text}); reconnecting in ${delay} ms`);
    this.setState('reconnecting', text);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stats.reconnects++;
      void this.connect('reconnect', text);
    }, delay);
  }
}
