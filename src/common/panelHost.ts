/**
 * The one framework both panels (Test Prediction, Serving Logs) stand on:
 * - `panelOptions` / `localResourceRoots`: scripts on, and only dist/webview and media/ loadable;
 * - `panelPage`: the CSP/nonce page of `webviewPage` with the panel's bundle and its CSS file;
 * - `PanelHost`: the ready handshake, typed `post`, every incoming message through the panel's
 *   protocol parser (a refusal names the field and is logged, never acted on), one error path,
 *   and dispose;
 * - `PanelRegistry`: one panel per key (opening again reveals it);
 * - `panelSerializer`: a panel comes back after a reload from the state its webview saved, checked
 *   first (webview state is untrusted like its messages).
 */
import * as vscode from 'vscode';
import { reportError } from './commands';
import { isCancellation } from './errors';
import type { Logger } from './logger';
import { webviewPage } from './webviewPage';

/** Only the bundle folder and media/ (icons, CSS) may be loaded by a webview. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelOptions(extensionUri: vscode.Uri, retainContextWhenHidden: boolean): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden, localResourceRoots: localResourceRoots(extensionUri) };
}

/**
 * The page of panel `bundle`: dist/webview/<bundle>.js and media/<bundle>.css. Also sets the
 * webview's options, so a panel VS Code restored after a reload gets the same narrow roots.
 */
export function panelPage(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string, extra: { body?: string; bodyAttributes?: Record<string, string> } = {}): string {
  webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
  return webviewPage({
    cspSource: webview.cspSource, title,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${bundle}.css`)).toString(),
    ...extra,
  });
}

export type HandleResult<T extends string> = { accepted: true; type: T } | { accepted: false; error: string };

export interface PanelHostOptions<In extends { type: string }> {
  /** For log lines: `predict panel svc`. */
  label: string;
  logger: Logger;
  /** The panel's protocol parser: returns the typed message or throws a ValidationError naming the field. */
  parse(raw: unknown): In;
  /** Called for "ready" (after the host marks itself ready) and every other accepted message. */
  dispatch(m: In): Promise<void> | void;
  /**
   * A webview without retainContextWhenHidden is torn down when hidden and says "ready" again
   * when shown: until then, posts would be lost.
   */
  notReadyWhenHidden?: boolean;
  /** How a failure of `dispatch` reaches the user; the default shows it with "Show Logs". */
  onError?(e: unknown, m: In): void;
}

export class PanelHost<In extends { type: string }, Out> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<Out>();
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  /** Every message sent to the webview (tests and the e2e harness observe it: the webview itself cannot be read). */
  readonly onDidPost = this.posted.event;
  readonly onDidDispose = this.disposedEmitter.event;
  private ready = false;
  private disposed = false;

  constructor(readonly panel: vscode.WebviewPanel, private readonly o: PanelHostOptions<In>) {
    this.disposables.push(
      this.posted, this.disposedEmitter,
      panel.webview.onDidReceiveMessage(m => void this.handle(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    if (o.notReadyWhenHidden) this.disposables.push(panel.onDidChangeViewState(() => { if (!panel.visible) this.ready = false; }));
  }

  get isReady(): boolean {
    return this.ready;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  post(m: Out): void {
    if (this.disposed) return;
    this.posted.fire(m);
    void this.panel.webview.postMessage(m);
  }

  /** Checks a webview message against the protocol and acts on it. */
  async handle(raw: unknown): Promise<HandleResult<In['type']>> {
    let m: In;
    try {
      m = this.o.parse(raw);
    } catch (e) {
      const error = (e as Error).message;
      this.o.logger.warn(`${this.o.label}: dropped a webview message: ${error}`);
      return { accepted: false, error };
    }
    if (m.type === 'ready') this.ready = true;
    try {
      await this.o.dispatch(m);
    } catch (e) {
      if (this.o.onError) this.o.onError(e, m);
      else if (!isCancellation(e)) await reportError(`${this.o.label} ${m.type}`, e, this.o.logger);
    }
    return { accepted: true, type: m.type };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposedEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** One panel per key: opening again reveals the open one. */
export class PanelRegistry<P extends { readonly onDidDispose: vscode.Event<void>; dispose(): void }> implements vscode.Disposable {
  private readonly open = new Map<string, P>();

  get(key: string): P | undefined {
    return this.open.get(key);
  }

  /** Records a new panel under `key` (closing one it replaces), forgotten when it closes. */
  add(key: string, p: P): P {
    const other = this.open.get(key);
    if (other && other !== p) other.dispose();
    this.open.set(key, p);
    p.onDidDispose(() => { if (this.open.get(key) === p) this.open.delete(key); });
    return p;
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }
}

/**
 * Restores a panel after a reload from the state its webview saved: `parseState` checks it (a
 * state that does not parse closes the tab), then `restore` takes the panel over.
 */
export function panelSerializer<S>(logger: Logger, label: string, parseState: (s: unknown) => S | undefined, restore: (panel: vscode.WebviewPanel, state: S) => Promise<void> | void): vscode.WebviewPanelSerializer {
  return {
    async deserializeWebviewPanel(panel, raw) {
      const state = parseState(raw);
      if (state === undefined) {
        logger.warn(`${label}: a restored panel had no valid state; closing it`);
        panel.dispose();
        return;
      }
      await restore(panel, state);
    },
  };
}
