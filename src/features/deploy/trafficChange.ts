/**
 * What the traffic commands (canary, promote, end canary, rollback) share: the service read
 * fresh, a revision picker, a modal confirmation that says what moves, and the write under the
 * service's deploy lock with the row marked busy.
 */
import * as vscode from 'vscode';
import { chatDecision } from '../../common/chatConfirmation';
import { CancelledError, UserError, ValidationError } from '../../common/errors';
import type { Session } from '../shared/session';
import type { CloudRunService, Revision, TrafficTarget } from '../../serving/domain';
import { describeMoves, trafficMoves } from '../../serving/deploy/traffic';
import type { Operations } from '../shared/operations';
import { revisionTarget } from '../shared/targets';
import type { DeployLock } from './deployLock';
import { resolveService } from './pickService';
import { unattendedAllowed } from '../../common/unattended';

export interface TrafficDeps {
  session: Session;
  ops: Operations;
  lock: DeployLock;
}

/** The service of a revision row, `{service}` or a picker, read again: the row may be stale. */
export async function serviceOf(d: TrafficDeps, arg: unknown, title: string): Promise<CloudRunService> {
  const known = revisionTarget(arg)?.service ?? await resolveService(arg, d.session, title);
  const fresh = await (await d.session.cloud()).run.getService(known.name);
  if (!fresh) throw new UserError(`Service ${known.id} no longer exists.`);
  return fresh;
}

export async function pickRevision(d: TrafficDeps, service: CloudRunService, title: string, filter: (r: Revision) => boolean): Promise<Revision> {
  const cloud = await d.session.cloud();
  const revisions = (await cloud.run.listRevisions(service.name)).filter(filter);
  if (!revisions.length) throw new UserError(`${service.id} has no revision to choose for this.`);
  const pick = await vscode.window.showQuickPick(revisions.map(r => ({ label: r.id, description: [r.state, r.createTime?.toISOString()].filter(Boolean).join(' · '), r })), { title });
  if (!pick) throw new CancelledError();
  return pick.r;
}

/**
 * The modal that says which revisions gain and lose traffic ("latest (rev-a) 90% → 0%, rev-b
 * 10% → 100%"); `confirmed: true` skips it under the test runner only. Returns the moves' text.
 */
export async function confirmTraffic(service: CloudRunService, traffic: TrafficTarget[], question: string, button: string, after: string, confirmed: unknown): Promise<string> {
  const moves = describeMoves(trafficMoves(service, traffic));
  if (confirmed === true && unattendedAllowed()) return moves;
  const detail = `Traffic of ${service.id}: ${moves}.${after ? ` ${after}` : ''}`;
  // A language model tool: previews this text, or skips the modal when the user accepted it in chat.
  const chat = chatDecision(confirmed, `${question}\n${detail}`);
  if (chat === 'preview') throw new CancelledError();
  if (chat === 'confirmed') return moves;
  const ok = await vscode.window.showWarningMessage(question, { modal: true, detail }, button);
  if (ok !== button) throw new CancelledError();
  return moves;
}

export async function applyTraffic(d: TrafficDeps, service: CloudRunService, traffic: TrafficTarget[], what: string): Promise<CloudRunService> {
  const cloud = await d.session.cloud();
  return d.lock.run(service.name, async () => {
    return d.ops.run(service.name, `${what}…`, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${what}: ${service.id}` }, () => cloud.apis.runWrite.setTraffic(service.name, traffic)));
  });
}

/** The revision the command acts on: the row's, a name passed in, or a pick. */
export async function revisionOf(d: TrafficDeps, arg: unknown, given: unknown, service: CloudRunService, title: string, filter: (r: Revision) => boolean): Promise<string> {
  const row = revisionTarget(arg);
  if (row) return row.revision.id;
  if (given !== undefined) {
    if (typeof given !== 'string' || !/^[a-z][a-z0-9-]{0,62}$/.test(given)) throw new ValidationError('revision', `${JSON.stringify(given)} is not a revision name`);
    return given;
  }
  return (await pickRevision(d, service, title, filter)).id;
}
