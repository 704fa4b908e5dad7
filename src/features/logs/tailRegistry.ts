/**
 * At most one live tail per service, shared by every consumer (the output channel, the panel, the
 * failure watcher's taps do not count), closed when the last consumer leaves. Cloud Logging allows
 * 10 tail sessions per project, so two views of one service must never open two.
 * No vscode import: unit tests use it with a fake LogSource.
 */
import { adviceText, UserError } from '../../common/errors';
import type { LogItem } from '../../serving/logs/items';
import { logTargetProjectOf } from '../../serving/logs/filter';
import type { LogSource } from '../../serving/logs/source';
import { TailSession, type TailEvent, type TailListener, type TailTiming } from '../../serving/logs/tailSession';

export interface SubscribeOptions {
  /** Deliver only this revision's entries (markers always pass). The tail itself stays per service. */
  revision?: string;
  /** Deliver the session's recent items first (default true). */
  replay?: boolean;
  /** With replay, only items after this sequence number (a panel that was cleared). */
  afterSeq?: number;
}

export interface TailSubscription {
  readonly session: TailSession;
  /** Changes the revision filter; future items only. */
  setRevision(revision: string | undefined): void;
  dispose(): void;
}

export type TailTap = (session: TailSession, event: TailEvent) => void;

/**
 * Live tails this extension opens per project. Cloud Logging allows 10 per project; the rest are
 * left for the team's other windows and tools (gcloud, the Logs Explorer).
 */
export const MAX_TAILS_PER_PROJECT = 8;

export interface TailRegistryOptions {
  source: () => Promise<LogSource>;
  /** Default MAX_TAILS_PER_PROJECT. */
  maxPerProject?: number;
  timing?: Partial<TailTiming>;
  log?: (message: string) => void;
}

export function filterItems(items: LogItem[], revision: string | undefined): LogItem[] {
  return revision ? items.filter(i => i.kind === 'marker' || i.revision === revision) : items;
}

export class TailRegistry {
  private readonly sessions = new Map<string, { session: TailSession; consumers: number }>();
  private readonly taps = new Set<TailTap>();
  private readonly changeListeners = new Set<() => void>();
  /** What the sessions' clients connect to (project and endpoint); undefined until first told. */
  private connectionKey?: string;

  constructor(private readonly opts: TailRegistryOptions) {}

  /**
   * Joins the service's tail, opening it when this is the first consumer. The listener gets the
   * recent history first (unless replay is false), then live items and state changes.
   */
  subscribe(service: string, listener: TailListener, options: SubscribeOptions = {}): TailSubscription {
    let slot = this.sessions.get(service);
    const opening = !slot;
    if (!slot) {
      this.ensureCapacity(service);
      const session = new TailSession({ service, source: this.opts.source, timing: this.opts.timing, advice: adviceText, log: this.opts.log });
      slot = { session, consumers: 0 };
      this.sessions.set(service, slot);
      session.subscribe(e => {
        for (const t of [...this.taps]) {
          try {
            t(session, e);
          } catch (err) {
            this.opts.log?.(`log tap failed: ${(err as Error).message}`);
          }
        }
      });
    }
    const { session } = slot;
    slot.consumers++;
    let revision = options.revision;
    let active = true;
    const deliver = (e: TailEvent) => {
      if (!active) return;
      if (e.type === 'items') {
        const items = filterItems(e.items, revision);
        if (items.length) listener({ type: 'items', items });
      } else listener(e);
    };
    if (options.replay !== false) {
      const items = filterItems(session.snapshot(options.afterSeq ?? 0), revision);
      if (items.length) listener({ type: 'items', items });
      listener({ type: 'state', state: session.state, detail: session.detail });
    }
    const unsubscribe = session.subscribe(deliver);
    if (opening) {
      session.start();
      this.changed();
    }
    return {
      session,
      setRevision: r => {
        revision = r;
      },
      dispose: () => {
        if (!active) return;
        active = false;
        unsubscribe();
        this.release(service, session);
      },
    };
  }

  /**
   * Throws a UserError when following `service` would open one tail too many in its project
   * (callers check before they open a channel or a panel for it).
   */
  ensureCapacity(service: string): void {
    if (this.sessions.has(service)) return;
    const project = logTargetProjectOf(service);
    const max = this.opts.maxPerProject ?? MAX_TAILS_PER_PROJECT;
    const open = [...this.sessions.values()].filter(s => logTargetProjectOf(s.session.service) === project);
    if (open.length >= max) {
      throw new UserError(
        `Already following ${open.length} services' logs${project ? ` in ${project}` : ''}: ML Serving opens at most ${max} live tails per project (Cloud Logging allows 10, shared with your other windows and tools).`,
        `Stop one first ("ML Serving: Stop Tailing Logs" or close its logs panel). Following: ${open.map(s => s.session.serviceId).join(', ')}.`,
      );
    }
  }

  private release(service: string, session: TailSession): void {
    const slot = this.sessions.get(service);
    if (!slot || slot.session !== session) return;
    if (--slot.consumers > 0) return;
    this.sessions.delete(service);
    session.close();
    this.changed();
  }

  get(service: string): TailSession | undefined {
    return this.sessions.get(service)?.session;
  }

  /** Open sessions (one per service). */
  list(): TailSession[] {
    return [...this.sessions.values()].map(s => s.session);
  }

  consumers(service: string): number {
    return this.sessions.get(service)?.consumers ?? 0;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sees every session's events without keeping any open (failure recognition). */
  tap(t: TailTap): () => void {
    this.taps.add(t);
    return () => this.taps.delete(t);
  }

  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.changeListeners]) l();
  }

  /** Records what the tails connect to the first time it is known (their first connect). */
  noteConnection(key: string): void {
    this.connectionKey ??= key;
  }

  /**
   * The session's settings changed: reconnect only when what the tails connect to changed (a
   * different project or endpoint means new clients); any other setting leaves them alone.
   * Returns whether the tails were restarted.
   */
  connectionChanged(key: string, reason = 'project or connection changed'): boolean {
    const before = this.connectionKey;
    this.connectionKey = key;
    if (before === undefined || before === key) return false;
    this.restartAll(reason);
    return true;
  }

  /** Reconnects every session now (the project or connection changed: new clients). */
  restartAll(reason: string): void {
    for (const { session } of this.sessions.values()) session.restart(reason);
  }

  dispose(): void {
    for (const { session } of this.sessions.values()) session.close();
    this.sessions.clear();
    this.taps.clear();
    this.changed();
    this.changeListeners.clear();
  }
}
