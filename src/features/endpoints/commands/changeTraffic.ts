/** Change Traffic Split of an endpoint: input boxes and the modal around src/operations/endpoints.ts. */
import * as vscode from 'vscode';
import { CancelledError, ValidationError } from '../../../common/errors';
import { chatDecision } from '../../../common/chatConfirmation';
import { unattendedAllowed } from '../../../common/unattended';
import { changeEndpointTraffic, deployedName } from '../../../operations/endpoints';
import type { TrafficSplit } from '../../../serving/endpoints/traffic';
import type { VertexEndpoint } from '../../../serving/endpoints/types';
import type { EndpointDeps } from '../deps';
import { endpointNameOf } from '../resolve';

export function changeTraffic({ session, ops }: EndpointDeps) {
  return async (arg?: unknown, opts?: { split?: unknown; confirmed?: unknown }): Promise<VertexEndpoint> => {
    const given = opts?.split ?? (arg && typeof arg === 'object' ? (arg as { split?: unknown }).split : undefined);
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) throw new ValidationError('trafficSplit', 'expected {deployedModelId: percent}');
    const cloud = await session.cloud();
    const out = await changeEndpointTraffic(cloud.apis, endpointNameOf(arg), given, {
      async askSplit(endpoint) {
        const split: TrafficSplit = {};
        for (const d of endpoint.deployedModels) {
          const v = await vscode.window.showInputBox({
            title: `Traffic split of ${endpoint.displayName}: ${deployedName(d)} (%)`, value: String(endpoint.trafficSplit[d.id] ?? 0),
            prompt: `Now ${endpoint.trafficSplit[d.id] ?? 0}%. The shares of all deployed models must sum to 100.`,
            validateInput: s => (/^\d+$/.test(s.trim()) && Number(s) <= 100 ? undefined : 'a whole number from 0 to 100'),
          });
          if (v === undefined) throw new CancelledError();
          split[d.id] = Number(v.trim());
        }
        return split;
      },
      async confirm(c) {
        if (opts?.confirmed === true && unattendedAllowed()) return true;
        // A language model tool: previews the modal's text, or moves what the user accepted in chat.
        const chat = chatDecision(opts?.confirmed, `${c.question}\n${c.detail}`);
        if (chat === 'preview') return false;
        if (chat === 'confirmed') return true;
        return (await vscode.window.showWarningMessage(c.question, { modal: true, detail: c.detail }, 'Change Traffic')) === 'Change Traffic';
      },
      busy: (key, m) => ops.start(key, m), idle: key => ops.done(key),
    });
    if (!out.changed) {
      void vscode.window.showInformationMessage(`The traffic split of ${out.endpoint.displayName} is already that; nothing changed.`);
      return out.endpoint;
    }
    void vscode.window.showInformationMessage(`Traffic of ${out.change.endpoint.displayName}: ${out.change.diff.join(', ')}.`);
    return out.endpoint;
  };
}
