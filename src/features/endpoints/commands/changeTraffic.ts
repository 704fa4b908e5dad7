/** Change Traffic Split of an endpoint: a share per deployed model, summing to 100, after a confirmation with the diff. */
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import { checkTrafficSplit, describeTrafficChange, type TrafficSplit } from '../../../serving/endpoints/traffic';
import type { VertexEndpoint } from '../../../serving/endpoints/types';
import type { EndpointDeps } from '../deps';
import { deployedName, resolveEndpoint } from '../resolve';

export function changeTraffic({ session, ops }: EndpointDeps) {
  return async (arg?: unknown, opts?: { split?: unknown; confirmed?: unknown }): Promise<VertexEndpoint> => {
    const given = opts?.split ?? (arg && typeof arg === 'object' ? (arg as { split?: unknown }).split : undefined);
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) throw new ValidationError('trafficSplit', 'expected {deployedModelId: percent}');
    const cloud = await session.cloud();
    const endpoint = await resolveEndpoint(arg, cloud);
    if (!endpoint.deployedModels.length) throw new UserError(`Endpoint ${endpoint.displayName} has no deployed models.`);
    const nameOf = (id: string) => { const d = endpoint.deployedModels.find(x => x.id === id); return d ? deployedName(d) : id; };
    let split: TrafficSplit;
    if (given !== undefined) {
      split = given as TrafficSplit;
    } else {
      split = {};
      for (const d of endpoint.deployedModels) {
        const v = await vscode.window.showInputBox({
          title: `Traffic split of ${endpoint.displayName}: ${deployedName(d)} (%)`, value: String(endpoint.trafficSplit[d.id] ?? 0),
          prompt: `Now ${endpoint.trafficSplit[d.id] ?? 0}%. The shares of all deployed models must sum to 100.`,
          validateInput: s => (/^\d+$/.test(s.trim()) && Number(s) <= 100 ? undefined : 'a whole number from 0 to 100'),
        });
        if (v === undefined) throw new CancelledError();
        split[d.id] = Number(v.trim());
      }
    }
    // Rejected before any change, naming the field.
    const errors = checkTrafficSplit(split, endpoint.deployedModels.map(d => d.id));
    if (errors.length) throw new UserError(errors.join('; '));
    const full: TrafficSplit = Object.fromEntries(endpoint.deployedModels.map(d => [d.id, split[d.id] ?? 0]));
    const before: TrafficSplit = Object.fromEntries(endpoint.deployedModels.map(d => [d.id, endpoint.trafficSplit[d.id] ?? 0]));
    const diff = describeTrafficChange(before, full, nameOf);
    if (!diff.length) {
      void vscode.window.showInformationMessage(`The traffic split of ${endpoint.displayName} is already that; nothing changed.`);
      return endpoint;
    }
    if (!(opts?.confirmed === true && unattendedAllowed())) {
      const ok = await vscode.window.showWarningMessage(`Change the traffic split of endpoint ${endpoint.displayName}?`, { modal: true, detail: diff.join('\n') }, 'Change Traffic');
      if (ok !== 'Change Traffic') throw new CancelledError();
    }
    ops.start(endpoint.name, 'Moving traffic…');
    let updated: VertexEndpoint;
    try {
      // The etag makes Vertex AI refuse the change if the endpoint changed since it was read.
      updated = await cloud.apis.endpoints.setTrafficSplit(endpoint.name, full, endpoint.etag);
    } finally {
      ops.done(endpoint.name);
    }
        void vscode.window.showInformationMessage(`Traffic of ${endpoint.displayName}: ${diff.join(', ')}.`);
    return updated;
  };
}
