/**
 * One Test Prediction panel per service: opening it again reveals the open one. Panels come back
 * after a reload through the serializer, from the state the webview saved (its service name).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import type { Session } from '../../common/session';
import { idTokensFor, type IdTokens } from '../../gcp/idToken';
import type { GcpClients } from '../../gcp/clients';
import { isPanelState, PREDICT_VIEW_TYPE } from '../../protocol/predict';
import type { CloudRunService } from '../../serving/domain';
import { localResourceRoots } from './html';
import { PredictPanel, type PanelDeps, type PredictionTarget } from './panelHost';
import type { PayloadStore } from './payloadStore';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: localResourceRoots(extensionUri) };
}

export class PredictPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly open = new Map<string, PredictPanel>();
  private readonly tokenCache = new WeakMap<GcpClients, IdTokens>();
  private readonly deps: PanelDeps;

  constructor(private readonly session: Session, logger: Logger, store: PayloadStore, private readonly extensionUri: vscode.Uri) {
    this.deps = {
      session, logger, store, extensionUri,
      tokens: async () => {
        const cloud = await session.cloud();
        let t = this.tokenCache.get(cloud.clients);
        if (!t) {
          t = idTokensFor(cloud.clients, { log: line => logger.info(line) });
          this.tokenCache.set(cloud.clients, t);
        }
        return t;
      },
    };
  }

  get(serviceName: string): PredictPanel | undefined {
    return this.open.get(serviceName);
  }

  /** Opens (or reveals) the panel of a service. */
  show(service: CloudRunService, target?: PredictionTarget): PredictPanel {
    const existing = this.open.get(service.name);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PREDICT_VIEW_TYPE, `Test ${service.id}`, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.adopt(panel, service, target);
  }

  private adopt(panel: vscode.WebviewPanel, service: CloudRunService, target?: PredictionTarget): PredictPanel {
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(this.extensionUri) };
    const p = new PredictPanel(panel, service, this.deps, target);
    this.open.set(service.name, p);
    p.onDidDispose(() => {
      if (this.open.get(service.name) === p) this.open.delete(service.name);
    });
    return p;
  }

  /** Restores a panel after a reload. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelState(state)) {
      this.deps.logger.warn('predict: a restored panel had no service in its state; closing it');
      panel.dispose();
      return;
    }
    let service: CloudRunService | undefined;
    try {
      const cloud = await this.session.cloud();
      service = await cloud.run.getService(state.serviceName);
    } catch (e) {
      this.deps.logger.warn(`predict: could not restore the panel of ${state.serviceName}: ${(e as Error).message}`);
    }
    if (!service) {
      panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>The service ${state.serviceName.replace(/[<>&"]/g, '')} is gone or could not be read. Close this tab and run "ML Serving: Test Prediction" again.</p></body></html>`;
      return;
    }
    const other = this.open.get(service.name);
    if (other) other.dispose();
    this.adopt(panel, service);
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }
}
