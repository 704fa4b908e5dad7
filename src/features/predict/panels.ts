/**
 * One Test Prediction panel per service: opening it again reveals the open one. Panels come back
 * after a reload through the serializer, from the state the webview saved (its service name).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import { PanelRegistry, panelOptions, panelSerializer } from '../../common/panelHost';
import type { Session } from '../shared/session';
import { webviewPage } from '../../common/webviewPage';
import type { IdTokenApi } from '../../gcp/apis';
import { isPanelState, PREDICT_VIEW_TYPE } from '../../protocol/predict';
import type { CloudRunService } from '../../serving/domain';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import { servingRevisions } from '../../serving/reports/savedReport';
import { PredictPanel, type PanelDeps } from './panelHost';
import type { PayloadStore } from '../shared/payloadStore';
import { cloudRunTarget, type PredictionTarget } from './target';

export class PredictPanels implements vscode.Disposable {
  private readonly open = new PanelRegistry<PredictPanel>();
  private readonly tokens: () => Promise<IdTokenApi>;
  /** Restores panels after a reload (registered by the feature). */
  readonly serializer: vscode.WebviewPanelSerializer;

  constructor(private readonly session: Session, private readonly logger: Logger, private readonly store: PayloadStore, private readonly extensionUri: vscode.Uri) {
    // One token cache per session (CloudApis): a new project or connection starts empty.
    this.tokens = async () => (await session.cloud()).apis.idTokens;
    this.serializer = panelSerializer(logger, 'predict', s => (isPanelState(s) ? s : undefined), (panel, state) => this.restore(panel, state.serviceName));
  }

  get(serviceName: string): PredictPanel | undefined {
    return this.open.get(serviceName);
  }

  /** Opens (or reveals) the panel of a service. */
  show(service: CloudRunService): PredictPanel {
    return this.showTarget(this.cloudRun(service), this.reportMetaOf(service));
  }

  /**
   * Opens (or reveals) the panel of any prediction target, keyed by `target.info.name`: the seam a
   * Vertex AI endpoint plugs into.
   */
  showTarget(target: PredictionTarget, reportMeta?: PanelDeps['reportMeta']): PredictPanel {
    const existing = this.open.get(target.info.name);
    if (existing) {
      target.dispose();
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PREDICT_VIEW_TYPE, `Test ${target.info.id}`, vscode.ViewColumn.Active, panelOptions(this.extensionUri, true));
    return this.adopt(panel, target, reportMeta);
  }

  private adopt(panel: vscode.WebviewPanel, target: PredictionTarget, reportMeta?: PanelDeps['reportMeta']): PredictPanel {
    const deps: PanelDeps = { session: this.session, logger: this.logger, store: this.store, extensionUri: this.extensionUri, reportMeta };
    return this.open.add(target.info.name, new PredictPanel(panel, target, deps));
  }

  private cloudRun(service: CloudRunService): PredictionTarget {
    return cloudRunTarget(service, { tokens: this.tokens, usesEmulator: this.session.usesEmulator });
  }

  /** A load test's report is named after what was measured: the revisions the traffic reaches, and the model version served. */
  private reportMetaOf(service: CloudRunService): PanelDeps['reportMeta'] {
    return async () => {
      const now = (await (await this.session.cloud()).run.getService(service.name).catch(() => undefined)) ?? service;
      return {
        service: now.id, revision: servingRevisions(now.trafficStatuses, now.latestReadyRevision),
        modelVersion: now.labels[SERVICE_LABELS.modelVersion] || now.env.MODEL_VERSION || undefined,
      };
    };
  }

  /** Restores a panel after a reload. */
  private async restore(panel: vscode.WebviewPanel, serviceName: string): Promise<void> {
    let service: CloudRunService | undefined;
    try {
      const cloud = await this.session.cloud();
      service = await cloud.run.getService(serviceName);
    } catch (e) {
      this.logger.warn(`predict: could not restore the panel of ${serviceName}: ${(e as Error).message}`);
    }
    if (!service) {
      panel.webview.html = webviewPage({
        cspSource: panel.webview.cspSource, title: 'Test Prediction',
        body: `<p>The service ${serviceName.replace(/[<>&"']/g, '')} is gone or could not be read. Close this tab and run "ML Serving: Test Prediction" again.</p>`,
      });
      return;
    }
    this.adopt(panel, this.cloudRun(service), this.reportMetaOf(service));
  }

  dispose(): void {
    this.open.dispose();
  }
}
