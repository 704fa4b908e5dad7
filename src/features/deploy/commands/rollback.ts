import * as vscode from 'vscode';
import { planTrafficChange } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { applyTraffic, confirmTraffic, revisionOf, serviceOf, type TrafficDeps } from '../trafficChange';

/** Rollback: 100% to a chosen earlier revision (all revisions are kept), after a confirmation. */
export function rollback(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { revision?: unknown; confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Roll back: pick a service');
    const revision = await revisionOf(d, arg, opts?.revision, service, 'Roll back: send all traffic to which revision?', r => r.state === 'ready');
    const change = planTrafficChange(service, { kind: 'rollback', revision });
    await confirmTraffic(service, change.traffic, change.question, change.button, change.after, opts?.confirmed);
    const updated = await applyTraffic(d, service, change.traffic, change.what);
    void vscode.window.showInformationMessage(change.done(updated));
    return updated;
  };
}
