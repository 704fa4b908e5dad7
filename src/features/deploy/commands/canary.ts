import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { planTrafficChange } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { currentSplit } from '../../../serving/deploy/traffic';
import { applyTraffic, confirmTraffic, revisionOf, serviceOf, type TrafficDeps } from '../trafficChange';

/** Canary: send X% to a revision (tagged "canary", with its own URL), the rest stays where it was. */
export function canary(d: TrafficDeps) {
  return async (arg?: unknown, opts?: { percent?: unknown; revision?: unknown; confirmed?: unknown }): Promise<CloudRunService> => {
    const service = await serviceOf(d, arg, 'Canary: pick a service');
    const revision = await revisionOf(d, arg, opts?.revision, service, 'Canary: which revision gets the canary traffic?', r => r.state === 'ready');
    // Said before asking for a percent that could not be used.
    if ((currentSplit(service).get(revision) ?? 0) >= 100) throw new UserError(`${revision} already gets all of ${service.id}'s traffic: a canary needs another revision to keep the rest.`, 'Pick the revision to try out instead.');
    let percent = opts?.percent;
    if (percent === undefined) {
      const v = await vscode.window.showInputBox({ title: `Canary: percent of ${service.id}'s traffic to ${revision}`, value: '10', validateInput: x => /^\d+$/.test(x) && +x >= 1 && +x <= 99 ? undefined : 'percent: a whole number from 1 to 99' });
      if (v === undefined) throw new CancelledError();
      percent = Number(v);
    }
    if (typeof percent !== 'number') throw new ValidationError('percent', 'a whole number from 1 to 99');
    const change = planTrafficChange(service, { kind: 'canary', revision, percent });
    await confirmTraffic(service, change.traffic, change.question, change.button, change.after, opts?.confirmed);
    const updated = await applyTraffic(d, service, change.traffic, change.what);
    void vscode.window.showInformationMessage(change.done(updated));
    return updated;
  };
}
