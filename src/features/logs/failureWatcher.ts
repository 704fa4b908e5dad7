/**
 * Watches every open tail for known serving failures (once per revision and kind), adds a marker
 * with the fix to the stream (so the panel and the channel show it) and offers the fix in a
 * notification. Actions are kept here by id: the webview only ever sends an id back.
 */
import * as vscode from 'vscode';
import { reportError } from '../../common/commands';
import type { Logger } from '../../common/logger';
import type { Session } from '../shared/session';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import { adviceFor, endpointAdviceFor, EndpointFailureTracker, FailureTracker, type EndpointFacts, type EndpointFailure, type FailureAdvice, type KnownFailure, type ServingFacts } from '../../serving/logs/failures';
import { isPrebuiltTfImage } from '../../serving/endpoints/deployPlan';
import type { TailRegistry } from './tailRegistry';
import type { TailSession } from '../../serving/logs/tailSession';
import type { LogItem } from '../../serving/logs/items';

export interface RecognizedFailure {
  /** The tail's name: a service, or an endpoint (…/endpoints/E[/deployedModels/D]). */
  service: string;
  /** The revision, or on an endpoint the deployed model, whose entry showed it. */
  revision?: string;
  failure: KnownFailure | EndpointFailure;
  advice: FailureAdvice;
  /** Id of the marker's action, when the advice has one. */
  actionId?: string;
}

export class FailureWatcher implements vscode.Disposable {
  private readonly trackers = new Map<string, FailureTracker>();
  private readonly endpointTrackers = new Map<string, EndpointFailureTracker>();
  private readonly actions = new Map<string, { command: string; args: unknown[] }>();
  private readonly recognizedEmitter = new vscode.EventEmitter<RecognizedFailure>();
  readonly onDidRecognize = this.recognizedEmitter.event;
  private readonly untap: () => void;
  private nextId = 0;

  constructor(tails: TailRegistry, private readonly session: Session, private readonly logger: Logger, private readonly notify = true) {
    this.untap = tails.tap((s, e) => {
      if (e.type !== 'items') return;
      // An endpoint's lines get Vertex AI's rules and fixes, never Cloud Run's (redeploy a service).
      if (s.target.kind === 'endpoint') {
        this.observeEndpoint(s, e.items);
        return;
      }
      for (const item of e.items) {
        if (item.kind !== 'entry') continue;
        // The tail is narrowed to the service's region; an entry from a same-named service in
        // another region must never make us offer to redeploy this one.
        if (s.location && item.location && item.location !== s.location) continue;
        let tracker = this.trackers.get(s.service);
        if (!tracker) this.trackers.set(s.service, (tracker = new FailureTracker()));
        const failure = tracker.observe(item);
        if (failure) void this.report(s, item.revision, failure, item.timestamp);
      }
    });
  }

  private observeEndpoint(s: TailSession, items: readonly LogItem[]): void {
    let tracker = this.endpointTrackers.get(s.service);
    if (!tracker) this.endpointTrackers.set(s.service, (tracker = new EndpointFailureTracker()));
    for (const item of items) {
      if (item.kind !== 'entry') continue;
      if (s.location && item.location && item.location !== s.location) continue;
      const failure = tracker.observe(item);
      if (failure) void this.reportEndpoint(s, item.deployedModelId, failure, item.timestamp);
    }
  }

  /** The deployed model's registry version and container, when the endpoint still has it. */
  private async endpointFacts(s: TailSession, deployedModelId: string | undefined): Promise<EndpointFacts> {
    if (s.target.kind !== 'endpoint') throw new Error('not an endpoint tail');
    const endpoint = `projects/${s.target.project}/locations/${s.target.location}/endpoints/${s.target.endpointId}`;
    const facts: EndpointFacts = { endpoint, ...(deployedModelId ? { deployedModelId } : {}) };
    if (!deployedModelId) return facts;
    try {
      const cloud = await this.session.cloud();
      // A model that failed to start was never added to the endpoint: then nothing more is known.
      const d = (await cloud.apis.endpoints.getEndpoint(endpoint)).deployedModels.find(x => x.id === deployedModelId);
      if (d) {
        facts.model = d.model;
        facts.modelVersionId = d.modelVersionId;
        const v = (await cloud.vertex.listModelVersions(d.model)).find(x => x.versionId === d.modelVersionId);
        if (v?.containerImage) facts.container = isPrebuiltTfImage(v.containerImage) ? 'prebuilt' : 'custom';
      }
    } catch (e) {
      this.logger.warn(`could not read ${endpoint} for failure advice: ${(e as Error).message}`);
    }
    return facts;
  }

  private async reportEndpoint(s: TailSession, deployedModelId: string | undefined, failure: EndpointFailure, timestamp: number): Promise<void> {
    const advice = endpointAdviceFor(failure, await this.endpointFacts(s, deployedModelId));
    // Named once: in the prefix, unless the advice's title names the deployed model already.
    const named = !deployedModelId || advice.title.includes(`deployed model ${deployedModelId}`);
    await this.publish(s, deployedModelId, named ? '' : `deployed model ${deployedModelId}: `, failure, advice, timestamp);
  }

  /** Runs the action a marker offered; false when the id is unknown (stale or forged). */
  async runAction(id: string): Promise<boolean> {
    const a = this.actions.get(id);
    if (!a) return false;
    await vscode.commands.executeCommand(a.command, ...a.args);
    return true;
  }

  private async facts(service: string): Promise<ServingFacts> {
    const facts: ServingFacts = { service };
    try {
      const cloud = await this.session.cloud();
      const s = await cloud.run.getService(service);
      if (s) {
        facts.modelName = s.env.MODEL_NAME || undefined;
        facts.modelBasePath = s.env.MODEL_BASE_PATH || undefined;
        const c = s.labels[SERVICE_LABELS.container];
        if (c === 'native' || c === 'python') facts.container = c;
      }
    } catch (e) {
      // advice without the service's details is still useful
      this.logger.warn(`could not read ${service} for failure advice: ${(e as Error).message}`);
    }
    return facts;
  }

  private async report(s: TailSession, revision: string | undefined, failure: KnownFailure, timestamp: number): Promise<void> {
    const advice = adviceFor(failure, await this.facts(s.service));
    await this.publish(s, revision, revision ? `${revision}: ` : '', failure, advice, timestamp);
  }

  /** The marker in the stream (panel and channel), the log line, the event, the notification. */
  private async publish(s: TailSession, revision: string | undefined, prefix: string, failure: KnownFailure | EndpointFailure, advice: FailureAdvice, timestamp: number): Promise<void> {
    let actionId: string | undefined;
    if (advice.action) {
      actionId = `fix-${++this.nextId}`;
      this.actions.set(actionId, { command: advice.action.command, args: advice.action.args });
    }
    if (!s.isClosed) {
      s.addMarker('failure', `${prefix}${advice.title}`, {
        detail: advice.detail,
        timestamp,
        action: actionId && advice.action ? { id: actionId, title: advice.action.title } : undefined,
      });
    }
    this.logger.warn(`${s.serviceId}${revision ? `/${revision}` : ''}: ${failure.kind}: ${advice.title}`);
    this.recognizedEmitter.fire({ service: s.service, revision, failure, advice, actionId });
    if (!this.notify) return;
    const buttons = advice.action ? [advice.action.title] : [];
    const picked = await vscode.window.showWarningMessage(`${s.serviceId}: ${advice.title} ${advice.detail}`, ...buttons);
    if (picked && actionId) await this.runAction(actionId).catch(e => reportError('mlServing.logs.fix', e, this.logger));
  }

  dispose(): void {
    this.untap();
    this.recognizedEmitter.dispose();
  }
}
