/**
 * Moving traffic, once, for the extension and the CLI: the change for an action (canary, promote,
 * end canary, rollback) worked out on the service as it is now, the question and the moves the
 * confirmation shows ("rev-a 100% → 90%, rev-b 0% → 10%"), and the write. No vscode.
 */
import { CancelledError, UserError, ValidationError } from '../common/errors';
import { describeMoves, canaryRevision, canaryTraffic, CANARY_TAG, currentSplit, endCanaryTraffic, promoteTraffic, rollbackTraffic, trafficMoves } from '../serving/deploy/traffic';
import type { CloudRunService, TrafficTarget } from '../serving/domain';
import type { OperationApis } from './ports';

export type TrafficAction =
  | { kind: 'canary'; revision: string; percent: number }
  | { kind: 'promote' }
  | { kind: 'endCanary' }
  | { kind: 'rollback'; revision: string };

export interface TrafficChange {
  action: TrafficAction;
  traffic: TrafficTarget[];
  /** The confirmation's question, its button, and what the user should know after it. */
  question: string;
  button: string;
  after: string;
  /** Which revisions gain and lose traffic, in words. */
  moves: string;
  /** The progress title ("Promoting rev-b"). */
  what: string;
  /** What to say once done, given the updated service. */
  done(updated: CloudRunService): string;
}

const REVISION = /^[a-z][a-z0-9-]{0,62}$/;

/** The canary of a service, or a UserError saying there is none. */
export function runningCanaryOf(service: CloudRunService): string {
  const canary = canaryRevision(service);
  if (!canary) throw new UserError(`${service.id} has no canary running (no revision tagged ${CANARY_TAG} gets traffic).`, 'Send Canary Traffic to Revision starts one.');
  return canary;
}

/** The change an action makes to `service` (read fresh); a UserError when it cannot apply. */
export function planTrafficChange(service: CloudRunService, action: TrafficAction): TrafficChange {
  const moves = (traffic: TrafficTarget[]) => describeMoves(trafficMoves(service, traffic));
  switch (action.kind) {
    case 'canary': {
      const { revision, percent } = action;
      if (!REVISION.test(revision)) throw new ValidationError('revision', `${JSON.stringify(revision)} is not a revision name`);
      if (!Number.isInteger(percent) || percent < 1 || percent > 99) throw new ValidationError('percent', 'a whole number from 1 to 99');
      if ((currentSplit(service).get(revision) ?? 0) >= 100) throw new UserError(`${revision} already gets all of ${service.id}'s traffic: a canary needs another revision to keep the rest.`, 'Pick the revision to try out instead.');
      const traffic = canaryTraffic(service, revision, percent);
      return {
        action, traffic, moves: moves(traffic), what: `Sending ${percent}% to ${revision}`,
        question: `Send ${percent}% of ${service.id}'s traffic to ${revision}?`, button: 'Send Canary Traffic',
        after: `${revision} also gets its own URL (tag ${CANARY_TAG}). Later: Promote Canary gives it all the traffic, End Canary gives its share back.`,
        done: u => {
          const tagUrl = u.trafficStatuses.find(t => t.tag === CANARY_TAG)?.uri;
          return `${revision} now gets ${percent}% of ${service.id}'s traffic${tagUrl ? `; call it directly at ${tagUrl}` : ''}.`;
        },
      };
    }
    case 'promote': {
      const canary = runningCanaryOf(service);
      const traffic = promoteTraffic(service, canary);
      const m = moves(traffic);
      return {
        action, traffic, moves: m, what: `Promoting ${canary}`,
        question: `Promote ${canary} to all of ${service.id}'s traffic?`, button: 'Promote',
        after: traffic[0].type === 'LATEST'
          ? 'It is the newest revision: the service follows the latest revision again, so the next deploy takes the traffic once ready.'
          : 'The other revisions are kept for rollback.',
        done: () => `${service.id}: ${canary} now gets 100% of the traffic (${m}).`,
      };
    }
    case 'endCanary': {
      const canary = runningCanaryOf(service);
      let traffic: TrafficTarget[];
      try {
        traffic = endCanaryTraffic(service, canary);
      } catch (e) {
        throw new UserError(`Cannot end the canary: ${(e as Error).message}.`);
      }
      const m = moves(traffic);
      return {
        action, traffic, moves: m, what: `Ending the canary of ${canary}`,
        question: `End the canary of ${canary} on ${service.id}?`, button: 'End Canary',
        after: `${canary} is kept (with no traffic) and can get a canary again.`,
        done: () => `${service.id}: canary ended (${m}).`,
      };
    }
    case 'rollback': {
      const { revision } = action;
      if (!REVISION.test(revision)) throw new ValidationError('revision', `${JSON.stringify(revision)} is not a revision name`);
      const traffic = rollbackTraffic(revision);
      return {
        action, traffic, moves: moves(traffic), what: `Rolling back to ${revision}`,
        question: `Roll ${service.id} back to ${revision}?`, button: 'Roll Back',
        after: 'New deploys will not take traffic until you move it again (Promote, Canary or Roll Back).',
        done: () => `${service.id}: 100% of traffic goes to ${revision}. New deploys will not take traffic until you move it (canary or rollback).`,
      };
    }
  }
}

/** The confirmation's full text: the question, then what moves and what to know. */
export function trafficDetail(service: CloudRunService, c: TrafficChange): string {
  return `Traffic of ${service.id}: ${c.moves}.${c.after ? ` ${c.after}` : ''}`;
}

export interface TrafficHooks {
  /** Shows the change; false refuses (nothing is changed). */
  confirm(service: CloudRunService, change: TrafficChange): Promise<boolean>;
  progress?(message: string): void;
  signal?: AbortSignal;
}

/** Read the service fresh → plan → confirm → write. Rollback and canary check the revision is ready. */
export async function changeTraffic(apis: OperationApis, name: string, action: TrafficAction, hooks: TrafficHooks): Promise<{ service: CloudRunService; change: TrafficChange }> {
  const before = await apis.run.getService(name);
  if (!before) throw new UserError(`Service ${name} does not exist.`);
  if (action.kind === 'canary' || action.kind === 'rollback') {
    const revisions = await apis.run.listRevisions(name);
    const r = revisions.find(x => x.id === action.revision);
    if (!r) throw new ValidationError('revision', `${before.id} has no revision ${action.revision} (revisions: ${revisions.map(x => x.id).join(', ') || 'none'})`);
    if (r.state !== 'ready') throw new UserError(`${action.revision} is not ready (${r.state}): it cannot take traffic.`);
  }
  const change = planTrafficChange(before, action);
  if (!(await hooks.confirm(before, change))) throw new CancelledError();
  hooks.progress?.(`${change.what}…`);
  const service = await apis.runWrite.setTraffic(name, change.traffic, hooks.signal);
  return { service, change };
}
