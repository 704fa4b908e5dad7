import * as vscode from 'vscode';
import { planTrafficChange } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { applyTraffic, confirmTraffic, serviceOf, type TrafficDeps } from '../trafficChange';
import { runningCanary } from './runningCanary';

/** End Canary: the canary's share goes back to the revisions that served before; it is kept. */
export function endCanary(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'End Canary: pick a service');
    runningCanary(service, arg);
    const change = planTrafficChange(service, { kind: 'endCanary' });
    await confirmTraffic(service, change.traffic, change.question, change.button, change.after, opts?.confirmed);
    const updated = await applyTraffic(d, service, change.traffic, change.what);
    void vscode.window.showInformationMessage(change.done(updated));
    return updated;
  };
}
