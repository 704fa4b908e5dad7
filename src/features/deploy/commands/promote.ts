import * as vscode from 'vscode';
import { planTrafficChange } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { applyTraffic, confirmTraffic, serviceOf, type TrafficDeps } from '../trafficChange';
import { runningCanary } from './runningCanary';

/** Promote: the canary revision gets all the traffic (and loses its tag). */
export function promote(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Promote Canary: pick a service');
    runningCanary(service, arg);
    const change = planTrafficChange(service, { kind: 'promote' });
    await confirmTraffic(service, change.traffic, change.question, change.button, change.after, opts?.confirmed);
    const updated = await applyTraffic(d, service, change.traffic, change.what);
    void vscode.window.showInformationMessage(change.done(updated));
    return updated;
  };
}
