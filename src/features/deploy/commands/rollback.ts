import * as vscode from 'vscode';
import type { CloudRunService } from '../../../serving/domain';
import { rollbackTraffic } from '../../../serving/deploy/traffic';
import { applyTraffic, confirmTraffic, revisionOf, serviceOf, type TrafficDeps } from '../trafficChange';

/** Rollback: 100% to a chosen earlier revision (all revisions are kept), after a confirmation. */
export function rollback(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { revision?: unknown; confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Roll back: pick a service');
    const revision = await revisionOf(d, arg, opts?.revision, service, 'Roll back: send all traffic to which revision?', r => r.state === 'ready');
    const traffic = rollbackTraffic(revision);
    await confirmTraffic(service, traffic, `Roll ${service.id} back to ${revision}?`, 'Roll Back',
      'New deploys will not take traffic until you move it again (Promote, Canary or Roll Back).', opts?.confirmed);
    const updated = await applyTraffic(d, service, traffic, `Rolling back to ${revision}`);
    void vscode.window.showInformationMessage(`${service.id}: 100% of traffic goes to ${revision}. New deploys will not take traffic until you move it (canary or rollback).`);
    return updated;
  };
}
