/**
 * The serving-logs panel (one per target: a service, a Vertex AI endpoint, or one model deployed
 * to an endpoint): joins the target's shared tail, sends items to the
 * webview in batches, and acts on the webview's validated messages. Closing it leaves the tail to
 * other consumers (the output channel keeps following).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import { PanelHost, PanelRegistry, panelOptions, panelPage, panelSerializer } from '../../common/panelHost';
import { checkLogsPanelState, parseWebviewMessage, type HostToWebview, type LogItem, type WebviewToHost } from '../../protocol/logs';
import type { FailureWatcher } from './failureWatcher';
import { targetFromName, type LogTarget } from './pickTarget';
import type { TailRegistry, TailSubscription } from './tailRegistry';
import { filterItems } from './tailRegistry';
import { logsExplorerUrl } from '../../serving/logs/filter';

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
  private pending: LogItem[] = [];
  private flushTimer?: NodeJS.Timeout;
  private clearedSeq = 0;
  private revisionsSent = '';
  private readonly host: PanelHost<WebviewToHost, HostToWebview>;
  /** Messages posted, for tests (the webview itself cannot be read from the extension host). */
  readonly posted = { items: 0, batches: 0 };
  readonly onDidPost: vscode.Event<HostToWebview>;
  readonly onDidDispose: vscode.Event<void>;

  constructor(readonly panel: vscode.WebviewPanel, public target: LogTarget, private readonly deps: PanelDeps) {
    const title = `Logs: ${target.serviceId}`;
    panel.webview.html = panelPage(panel.webview, deps.extensionUri, 'logs', title, { bodyAttributes: { 'data-title': title } });
    this.host = new PanelHost<WebviewToHost, HostToWebview>(panel, {
      label: 'logs panel',
      logger: deps.logger,
      parse: parseWebviewMessage,
      dispatch: m => this.dispatch(m),
      // A hidden webview is torn down (no retainContextWhenHidden); it says "ready" again when shown.
      notReadyWhenHidden: true,
    });
    // Joined now, so the tail runs while the webview loads; items arrive after "ready" as a replay.
    this.sub = deps.tails.subscribe(target.service, e => {
      if (!this.host.isReady) return;
      if (e.type === 'items') this.queue(e.items);
      else this.post({ type: 'state', state: e.state, detail: e.detail });
    }, { revision: target.revision, replay: false });
    this.onDidPost = this.host.onDidPost;
    this.onDidDispose = this.host.onDidDispose;
    this.host.onDidDispose(() => {
      clearTimeout(this.flushTimer);
      // Undefined when joining the tail threw (the panel is then disposed by the registry).
      this.sub?.dispose();
    });
  }

  get session() {
    return this.sub.session;
  }

  get isReady(): boolean {
    return this.host.isReady;
  }

  /** Shows another revision (or all) of the same service. */
  retarget(target: LogTarget): void {
    this.target = target;
    this.sub.setRevision(target.revision);
    if (this.host.isReady) this.sendAll();
  }

  private post(m: HostToWebview): void {
    this.host.post(m);
  }

  private queue(items: LogItem[]): void {
    this.pending.push(...items);
    if (this.pending.length >= FLUSH_ITEMS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.length || !this.host.isReady) return;
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
    this.post({
      type: 'init', service: s.service, serviceId: this.target.serviceId, target: s.target.kind, console: Boolean(logsExplorerUrl(s.target)),
      revisions: s.revisions, revision: this.target.revision, maxLines: PANEL_MAX_LINES,
    });
    const items = filterItems(s.snapshot(this.clearedSeq), this.target.revision);
    this.posted.items += items.length;
    this.posted.batches++;
    this.post({ type: 'items', items, replace: true });
    this.post({ type: 'state', state: s.state, detail: s.detail });
  }

  private async dispatch(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
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
      case 'openConsole': {
        // The URL comes from the target's own (validated) name, never from the webview.
        const url = logsExplorerUrl(this.session.target);
        if (url) await vscode.env.openExternal(vscode.Uri.parse(url, true));
        return;
      }
    }
  }

  dispose(): void {
    this.host.dispose();
  }
}

/** One panel per target key (a service, an endpoint, one deployed model); opening again reveals it. */
export class LogsPanels implements vscode.Disposable {
  private readonly panels = new PanelRegistry<LogsPanel>();
  /** Restores panels after a reload (registered by the feature). */
  readonly serializer: vscode.WebviewPanelSerializer;

  constructor(private readonly deps: PanelDeps) {
    const parse = (raw: unknown) => {
      const r = checkLogsPanelState(raw);
      if (!r.ok) deps.logger.warn(`logs panel: not restored: ${r.error}`);
      return r.ok ? r.state : undefined;
    };
    this.serializer = panelSerializer(deps.logger, 'logs', parse, (panel, s) => {
      this.adopt(panel, targetFromName(s.service, s.revision, s.label));
    });
  }

  open(target: LogTarget): LogsPanel {
    const existing = this.panels.get(target.service);
    if (existing) {
      if (existing.target.revision !== target.revision) existing.retarget(target);
      existing.panel.reveal();
      return existing;
    }
    // Refused before a panel opens (the per-project tail limit).
    this.deps.tails.ensureCapacity(target.service);
    const panel = vscode.window.createWebviewPanel(LOGS_VIEW_TYPE, `Logs: ${target.serviceId}`, vscode.ViewColumn.Active, panelOptions(this.deps.extensionUri, false));
    return this.adopt(panel, target);
  }

  /** Takes over a panel VS Code restored after a reload (the serializer). */
  adopt(panel: vscode.WebviewPanel, target: LogTarget): LogsPanel {
    let p: LogsPanel;
    try {
      p = new LogsPanel(panel, target, this.deps);
    } catch (e) {
      panel.dispose();
      throw e;
    }
    return this.panels.add(target.service, p);
  }

  get(service: string): LogsPanel | undefined {
    return this.panels.get(service);
  }

  dispose(): void {
    this.panels.dispose();
  }
}
