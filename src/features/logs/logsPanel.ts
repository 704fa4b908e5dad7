/**
 * The serving-logs panel (one per service): joins the service's shared tail, sends items to the
 * webview in batches, and acts on the webview's validated messages. Closing it leaves the tail to
 * other consumers (the output channel keeps following).
 */
import * as vscode from 'vscode';
import { reportError } from '../../common/commands';
import type { Logger } from '../../common/logger';
import { parseWebviewMessage, type HostToWebview, type LogItem } from '../../protocol/logs';
import type { FailureWatcher } from './failureWatcher';
import { logsPanelHtml } from './panelHtml';
import type { LogTarget } from './pickTarget';
import type { TailRegistry, TailSubscription } from './tailRegistry';
import { filterItems } from './tailRegistry';

export const LOGS_VIEW_TYPE = 'mlServing.logs';
/** Host → webview batching: one message per interval, or sooner when this many items wait. */
const FLUSH_MS = 100;
const FLUSH_ITEMS = 1000;
/** Lines the webview keeps before dropping the oldest. */
export const PANEL_MAX_LINES = 20_000;

export interface PanelDeps {
  extensionUri: vscode.Uri;
  tails: TailRegistry;
  failures: FailureWatcher;
  logger: Logger;
}

export class LogsPanel implements vscode.Disposable {
  private sub: TailSubscription;
  private ready = false;
  private pending: LogItem[] = [];
  private flushTimer?: NodeJS.Timeout;
  private clearedSeq = 0;
  private revisionsSent = '';
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Messages posted, for tests (the webview itself cannot be read from the extension host). */
  readonly posted = { items: 0, batches: 0 };
  private readonly postedEmitter = new vscode.EventEmitter<HostToWebview>();
  readonly onDidPost = this.postedEmitter.event;

  constructor(readonly panel: vscode.WebviewPanel, public target: LogTarget, private readonly deps: PanelDeps, private readonly onDisposed: () => void) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview')] };
    const script = webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'logs.js'));
    webview.html = logsPanelHtml(webview, script, `Logs: ${target.serviceId}`);
    // Joined now, so the tail runs while the webview loads; items arrive after "ready" as a replay.
    this.sub = deps.tails.subscribe(target.service, e => {
      if (!this.ready) return;
      if (e.type === 'items') this.queue(e.items);
      else this.post({ type: 'state', state: e.state, detail: e.detail });
    }, { revision: target.revision, replay: false });
    this.disposables.push(
      webview.onDidReceiveMessage(m => this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retainContextWhenHidden); it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get session() {
    return this.sub.session;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Shows another revision (or all) of the same service. */
  retarget(target: LogTarget): void {
    this.target = target;
    this.sub.setRevision(target.revision);
    if (this.ready) this.sendAll();
  }

  private post(m: HostToWebview): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(m);
    this.postedEmitter.fire(m);
  }

  private queue(items: LogItem[]): void {
    this.pending.push(...items);
    if (this.pending.length >= FLUSH_ITEMS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length || !this.ready) return;
    const items = this.pending;
    this.pending = [];
    this.posted.items += items.length;
    this.posted.batches++;
    this.post({ type: 'items', items });
    this.sendRevisions();
  }

  private sendRevisions(): void {
    const revs = this.session.revisions;
    const key = revs.join(',');
    if (key === this.revisionsSent) return;
    this.revisionsSent = key;
    this.post({ type: 'revisions', revisions: revs });
  }

  /** The full state after the webview (re)loaded: init, replay of held items, tail state. */
  private sendAll(): void {
    this.pending = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const s = this.session;
    this.revisionsSent = s.revisions.join(',');
    this.post({ type: 'init', service: s.service, serviceId: s.serviceId, revisions: s.revisions, revision: this.target.revision, maxLines: PANEL_MAX_LINES });
    const items = filterItems(s.snapshot(this.clearedSeq), this.target.revision);
    this.posted.items += items.length;
    this.posted.batches++;
    this.post({ type: 'items', items, replace: true });
    this.post({ type: 'state', state: s.state, detail: s.detail });
  }

  private async onMessage(raw: unknown): Promise<void> {
    let m;
    try {
      m = parseWebviewMessage(raw);
    } catch (e) {
      this.deps.logger.warn(`logs panel: ignored a message: ${(e as Error).message}`);
      return;
    }
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          this.sendAll();
          return;
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          void vscode.window.setStatusBarMessage(`Copied ${m.text.split('\n').length} log lines`, 3000);
          return;
        case 'clear':
          this.clearedSeq = Math.max(this.clearedSeq, Math.min(m.upToSeq, this.session.lastSeq));
          return;
        case 'action':
          if (!(await this.deps.failures.runAction(m.id))) this.deps.logger.warn(`logs panel: unknown action ${m.id}`);
          return;
        case 'reconnect':
          this.session.restart('reconnect requested');
          return;
      }
    } catch (e) {
      await reportError(`logs panel ${m.type}`, e, this.deps.logger);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.sub.dispose();
    for (const d of this.disposables) d.dispose();
    this.postedEmitter.dispose();
    this.panel.dispose();
    this.onDisposed();
  }
}

/** One panel per service; opening again reveals it. */
export class LogsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, LogsPanel>();

  constructor(private readonly deps: PanelDeps) {}

  open(target: LogTarget): LogsPanel {
    const existing = this.panels.get(target.service);
    if (existing) {
      if (existing.target.revision !== target.revision) existing.retarget(target);
      existing.panel.reveal();
      return existing;
    }
    // Refused before a panel opens (the per-project tail limit).
    this.deps.tails.ensureCapacity(target.service);
    const panel = vscode.window.createWebviewPanel(LOGS_VIEW_TYPE, `Logs: ${target.serviceId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview')],
    });
    return this.adopt(panel, target);
  }

  /** Takes over a panel VS Code restored after a reload (the serializer). */
  adopt(panel: vscode.WebviewPanel, target: LogTarget): LogsPanel {
    let p: LogsPanel;
    try {
      p = new LogsPanel(panel, target, this.deps, () => this.panels.delete(target.service));
    } catch (e) {
      panel.dispose();
      throw e;
    }
    this.panels.set(target.service, p);
    return p;
  }

  get(service: string): LogsPanel | undefined {
    return this.panels.get(service);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
