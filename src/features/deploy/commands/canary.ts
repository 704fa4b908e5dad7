import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import { CANARY_TAG, canaryTraffic, currentSplit } from '../../../serving/deploy/traffic';
import { applyTraffic, confirmTraffic, revisionOf, serviceOf, type TrafficDeps } from '../trafficChange';

/** Canary: send X% to a revision (tagged "canary", with its own URL), the rest stays where it was. */
export function canary(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { percent?: unknown; revision?: unknown; confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Canary: pick a service');
    const revision = await revisionOf(d, arg, opts?.revision, service, 'Canary: which revision gets the canary traffic?', r => r.state === 'ready');
    if ((currentSplit(service).get(revision) ?? 0) >= 100) throw new UserError(`${revision} already gets all of ${service.id}'s traffic: a canary needs another revision to keep the rest.`, 'Pick the revision to try out instead.');
    let percent = opts?.percent;
    if (percent === undefined) {
      const v = await vscode.window.showInputBox({ title: `Canary: percent of ${service.id}'s traffic to ${revision}`, value: '10', validateInput: x => /^\d+$/.test(x) && +x >= 1 && +x <= 99 ? undefined : 'percent: a whole number from 1 to 99' });
      if (v === undefined) throw new CancelledError();
      percent = Number(v);
    }
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 99) throw new ValidationError('percent', 'a whole number from 1 to 99');
    const traffic = canaryTraffic(service, revision, percent);
    await confirmTraffic(service, traffic, `Send ${percent}% of ${service.id}'s traffic to ${revision}?`, 'Send Canary Traffic',
      `${revision} also gets its own URL (tag ${CANARY_TAG}). Later: Promote Canary gives it all the traffic, End Canary gives its share back.`, opts?.confirmed);
    const updated = await applyTraffic(d, service, traffic, `Sending ${percent}% to ${revision}`);
    const tagUrl = updated.trafficStatuses.find(t => t.tag === CANARY_TAG)?.uri;
    void vscode.window.showInformationMessage(`${revision} now gets ${percent}% of ${service.id}'s traffic${tagUrl ? `; call it directly at ${tagUrl}` : ''}.`);
    return updated;
  };
}
