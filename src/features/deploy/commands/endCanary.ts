import * as vscode from 'vscode';
import { UserError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import { describeMoves, endCanaryTraffic, trafficMoves } from '../../../serving/deploy/traffic';
import { applyTraffic, confirmTraffic, serviceOf, type TrafficDeps } from '../trafficChange';
import { runningCanary } from './runningCanary';

/** End Canary: the canary's share goes back to the revisions that served before; it is kept. */
export function endCanary(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'End Canary: pick a service');
    const canary = runningCanary(service, arg);
    let traffic;
    try {
      traffic = endCanaryTraffic(service, canary);
    } catch (e) {
      throw new UserError(`Cannot end the canary: ${(e as Error).message}.`);
    }
    await confirmTraffic(service, traffic, `End the canary of ${canary} on ${service.id}?`, 'End Canary',
      `${canary} is kept (with no traffic) and can get a canary again.`, opts?.confirmed);
    const moved = describeMoves(trafficMoves(service, traffic));
    const updated = await applyTraffic(d, service, traffic, `Ending the canary of ${canary}`);
    void vscode.window.showInformationMessage(`${service.id}: canary ended (${moved}).`);
    return updated;
  };
}
