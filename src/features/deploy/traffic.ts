import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../common/errors';
import type { Session } from '../../common/session';
import { runDeployApi } from '../../gcp/runDeploy';
import type { CloudRunService, Revision, TrafficTarget } from '../../serving/domain';
import { canaryTraffic, rollbackTraffic } from '../../serving/deploy/traffic';
import type { ExplorerTrees } from '../explorer/register';
import { RevisionNode } from '../explorer/servicesTree';
import type { DeployLock } from './deployLock';
import { resolveService } from './pickService';

async function pickRevision(session: Session, service: CloudRunService, title: string, filter: (r: Revision) => boolean): Promise<Revision> {
  const cloud = await session.cloud();
  const revisions = (await cloud.run.listRevisions(service.name)).filter(filter);
  if (!revisions.length) throw new UserError(`${service.id} has no revision to choose for this.`);
  const pick = await vscode.window.showQuickPick(revisions.map(r => ({ label: r.id, description: [r.state, r.createTime?.toISOString()].filter(Boolean).join(' · '), r })), { title });
  if (!pick) throw new CancelledError();
  return pick.r;
}

async function applyTraffic(session: Session, trees: ExplorerTrees, lock: DeployLock, service: CloudRunService, traffic: TrafficTarget[], what: string): Promise<CloudRunService> {
  const cloud = await session.cloud();
  return lock.run(service.name, async () => {
    trees.services.setBusy(service.name, `${what}…`);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${what}: ${service.id}` }, () => runDeployApi(cloud.clients).setTraffic(service.name, traffic));
    } finally {
      trees.services.setBusy(service.name, undefined);
    }
  });
}

/** Canary: send X% to a revision (tagged "canary", with its own URL), the rest stays where it was. */
export function canary(session: Session, trees: ExplorerTrees, lock: DeployLock) {
  return async (arg?: unknown, opts?: { percent?: unknown; revision?: unknown }): Promise<CloudRunService> => {
    const service = arg instanceof RevisionNode ? arg.serviceNode.service : await resolveService(arg, session, 'Canary: pick a service');
    const revision = arg instanceof RevisionNode ? arg.revision
      : typeof opts?.revision === 'string' ? { id: opts.revision } as Revision
      : await pickRevision(session, service, 'Canary: which revision gets the canary traffic?', r => r.state === 'ready');
    let percent = opts?.percent;
    if (percent === undefined) {
      const v = await vscode.window.showInputBox({ title: `Canary: percent of traffic to ${revision.id}`, value: '10', validateInput: x => /^\d+$/.test(x) && +x >= 1 && +x <= 99 ? undefined : 'percent: a whole number from 1 to 99' });
      if (v === undefined) throw new CancelledError();
      percent = Number(v);
    }
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 99) throw new ValidationError('percent', 'a whole number from 1 to 99');
    const traffic = canaryTraffic(service, revision.id, percent);
    const updated = await applyTraffic(session, trees, lock, service, traffic, `Sending ${percent}% to ${revision.id}`);
    const tagUrl = updated.trafficStatuses.find(t => t.tag === 'canary')?.uri;
    void vscode.window.showInformationMessage(`${revision.id} now gets ${percent}% of ${service.id}'s traffic${tagUrl ? `; call it directly at ${tagUrl}` : ''}.`);
    return updated;
  };
}

/** Rollback: 100% to a chosen earlier revision (all revisions are kept). */
export function rollback(session: Session, trees: ExplorerTrees, lock: DeployLock) {
  return async (arg?: unknown, opts?: { revision?: unknown }): Promise<CloudRunService> => {
    const service = arg instanceof RevisionNode ? arg.serviceNode.service : await resolveService(arg, session, 'Roll back: pick a service');
    const revisionId = arg instanceof RevisionNode ? arg.revision.id
      : typeof opts?.revision === 'string' ? opts.revision
      : (await pickRevision(session, service, 'Roll back: send all traffic to which revision?', r => r.state === 'ready')).id;
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(revisionId)) throw new ValidationError('revision', `"${revisionId}" is not a revision name`);
    const updated = await applyTraffic(session, trees, lock, service, rollbackTraffic(revisionId), `Rolling back to ${revisionId}`);
    void vscode.window.showInformationMessage(`${service.id}: 100% of traffic goes to ${revisionId}. New deploys will not take traffic until you move it (canary or rollback).`);
    return updated;
  };
}

/** Undeploy: delete the service after a modal confirmation naming it. */
export function undeploy(session: Session, trees: ExplorerTrees, lock: DeployLock) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<void> => {
    const cloud = await session.cloud();
    const service = await resolveService(arg, session, 'Undeploy: pick a service to delete');
    if (opts?.confirmed !== true) {
      const ok = await vscode.window.showWarningMessage(`Delete the Cloud Run service ${service.id}?`, { modal: true, detail: `Its URL ${service.uri ?? ''} stops answering and all its revisions are deleted. The model in the registry and Cloud Storage is not touched.` }, 'Delete Service');
      if (ok !== 'Delete Service') throw new CancelledError();
    }
    await lock.run(service.name, async () => {
      trees.services.setBusy(service.name, 'Deleting…');
      try {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${service.id}` }, () => runDeployApi(cloud.clients).remove(service.name));
      } finally {
        trees.services.setBusy(service.name, undefined);
      }
    });
    trees.models.invalidate();
    void vscode.window.showInformationMessage(`Deleted ${service.id}.`);
  };
}
