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
import { adviceFor, FailureTracker, type FailureAdvice, type KnownFailure, type ServingFacts } from '../../serving/logs/failures';
import type { TailRegistry } from './tailRegistry';
import type { TailSession } from '../../serving/logs/tailSession';

export interface RecognizedFailure {
  service: string;
  revision?: string;
  failure: KnownFailure;
  advice: FailureAdvice;
  /** Id of the marker's action, when the advice has one. */
  actionId?: string;
}

export class FailureWatcher implements vscode.Disposable {
  private readonly trackers = new Map<string, FailureTracker>();
  private readonly actions = new Map<string, { command: string; args: unknown[] }>();
  private readonly recognizedEmitter = new vscode.EventEmitter<RecognizedFailure>();
  readonly onDidRecognize = this.recognizedEmitter.event;
  private readonly untap: () => void;
  private nextId = 0;

  constructor(tails: TailRegistry, private readonly session: Session, private readonly logger: Logger, private readonly notify = true) {
    this.untap = tails.tap((s, e) => {
      if (e.type !== 'items') return;
      // Its advice and fixes are Cloud Run's (redeploy a service): never offered on an endpoint's lines.
      if (s.target.kind !== 'service') return;
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
    let actionId: string | undefined;
    if (advice.action) {
      actionId = `fix-${++this.nextId}`;
      this.actions.set(actionId, { command: advice.action.command, args: advice.action.args });
    }
    if (!s.isClosed) {
      s.addMarker('failure', `${revision ? `${revision}: ` : ''}${advice.title}`, {
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
