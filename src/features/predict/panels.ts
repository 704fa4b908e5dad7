/**
 * One Test Prediction panel per target (a Cloud Run service or a Vertex AI endpoint): opening it
 * again reveals the open one. Panels come back after a reload through the serializer, from the
 * state the webview saved (its target), checked first: webview state is untrusted.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import { PanelRegistry, panelOptions, panelSerializer } from '../../common/panelHost';
import type { Session } from '../shared/session';
import { webviewPage } from '../../common/webviewPage';
import type { IdTokenApi } from '../../gcp/apis';
import { parsePanelState, PREDICT_VIEW_TYPE, type PanelTarget } from '../../protocol/predict';
import { UserError } from '../../common/errors';
import { idOf } from '../../serving/resourceNames';
import type { VertexEndpoint } from '../../serving/endpoints/types';
import { EndpointPredictionTarget, endpointPredictionTarget, mainDeployedModel } from './endpointTarget';
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
    this.serializer = panelSerializer(logger, 'predict', s => {
      try {
        return parsePanelState(s);
      } catch (e) {
        this.logger.warn(`predict: the restored panel's saved state is refused: ${(e as Error).message}`);
        return undefined;
      }
    }, (panel, state) => this.restore(panel, state.target));
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

  /** Opens (or reveals) the panel of a Vertex AI endpoint; `deployedModelId`: the form is that deployed model's. */
  async showEndpoint(endpoint: VertexEndpoint, deployedModelId?: string): Promise<PredictPanel> {
    return this.showTarget(await this.endpointTarget(endpoint, deployedModelId), this.endpointReportMeta(endpoint.name));
  }

  /** A load test of an endpoint is named after it, the deployed models taking traffic, and the main one's version. */
  private endpointReportMeta(name: string): PanelDeps['reportMeta'] {
    return async () => {
      const e = await (await this.session.cloud()).apis.endpoints.getEndpoint(name);
      return {
        service: e.displayName || e.id,
        revision: servingRevisions(Object.entries(e.trafficSplit).map(([revision, percent]) => ({ revision, percent }))),
        modelVersion: mainDeployedModel(e)?.modelVersionId,
      };
    };
  }

  private async endpointTarget(endpoint: VertexEndpoint, deployedModelId?: string): Promise<PredictionTarget> {
    const cloud = await this.session.cloud();
    const target = new EndpointPredictionTarget(cloud.apis.endpoints, endpoint, async d => {
      const v = (await cloud.vertex.listModelVersions(d.model)).find(x => x.versionId === d.modelVersionId);
      if (!v?.artifactUri) throw new UserError(`${d.model}@${d.modelVersionId} has no artifact to read the signatures from.`);
      return (await cloud.apis.models.inspect(v.artifactUri, { labels: v.labels })).signatures;
    }, undefined, deployedModelId);
    return endpointPredictionTarget(target);
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

  /**
   * Restores a panel after a reload: its service or endpoint read again. One that is gone (or
   * cannot be read, or an endpoint left with no deployed model) gets a page that says so.
   */
  private async restore(panel: vscode.WebviewPanel, target: PanelTarget): Promise<void> {
    const what = target.kind === 'service' ? 'service' : 'Vertex AI endpoint';
    let problem: string | undefined;
    try {
      const cloud = await this.session.cloud();
      if (target.kind === 'service') {
        const service = await cloud.run.getService(target.name);
        if (service) return void this.adopt(panel, this.cloudRun(service), this.reportMetaOf(service));
        problem = 'is gone';
      } else {
        const endpoint = await cloud.apis.endpoints.getEndpoint(target.name);
        if (endpoint.deployedModels.length) {
          // A deployed model undeployed since: the form comes from the endpoint's main model.
          const kept = endpoint.deployedModels.some(d => d.id === target.deployedModelId) ? target.deployedModelId : undefined;
          if (target.deployedModelId && !kept) this.logger.info(`predict: deployed model ${target.deployedModelId} is no longer on ${target.name}; the form uses the endpoint's main model`);
          return void this.adopt(panel, await this.endpointTarget(endpoint, kept), this.endpointReportMeta(endpoint.name));
        }
        problem = 'has no deployed models any more';
      }
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown };
      problem = err.code === 5 ? 'is gone' : `could not be read (${String(err.message ?? e)})`;
    }
    this.logger.warn(`predict: could not restore the panel of the ${what} ${target.name}: it ${problem}`);
    const esc = (t: string) => t.replace(/[<>&"']/g, '');
    const again = target.kind === 'service' ? '"ML Serving: Test Prediction"' : 'Test Prediction on an endpoint in the Serving view';
    panel.title = `Test ${esc(idOf(target.name))}`;
    panel.webview.html = webviewPage({
      cspSource: panel.webview.cspSource, title: 'Test Prediction',
      body: `<main><p data-testid="restore-problem">The ${what} ${esc(target.name)} ${esc(problem)}. Close this tab and run ${again} again.</p></main>`,
    });
  }

  dispose(): void {
    this.open.dispose();
  }
}
