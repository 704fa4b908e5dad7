import * as vscode from 'vscode';
import type { CloudRunService } from '../../../serving/domain';
import { describeMoves, promoteTraffic, trafficMoves } from '../../../serving/deploy/traffic';
import { applyTraffic, confirmTraffic, serviceOf, type TrafficDeps } from '../trafficChange';
import { runningCanary } from './runningCanary';

/** Promote: the canary revision gets all the traffic (and loses its tag). */
export function promote(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Promote Canary: pick a service');
    const canary = runningCanary(service, arg);
    const traffic = promoteTraffic(service, canary);
    const follows = traffic[0].type === 'LATEST';
    await confirmTraffic(service, traffic, `Promote ${canary} to all of ${service.id}'s traffic?`, 'Promote',
      follows ? 'It is the newest revision: the service follows the latest revision again, so the next deploy takes the traffic once ready.'
        : 'The other revisions are kept for rollback.', opts?.confirmed);
    const moved = describeMoves(trafficMoves(service, traffic));
    const updated = await applyTraffic(d, service, traffic, `Promoting ${canary}`);
    void vscode.window.showInformationMessage(`${service.id}: ${canary} now gets 100% of the traffic (${moved}).`);
    return updated;
  };
}
