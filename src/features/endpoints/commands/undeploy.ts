/**
 * Undeploy a model from an endpoint (src/operations/endpoints.ts): its share goes to the others in
 * proportion. The last model that takes traffic is never undeployed without a modal confirmation.
 */
import * as vscode from 'vscode';
import { unattendedAllowed } from '../../../common/unattended';
import { deployedName, undeployFromEndpoint as undeploy } from '../../../operations/endpoints';
import type { EndpointDeps } from '../deps';
import { deployedModelIdOf, endpointNameOf } from '../resolve';

export function undeployFromEndpoint({ session, ops }: EndpointDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<void> => {
    const cloud = await session.cloud();
    const name = endpointNameOf(arg);
    const plan = await undeploy(cloud.apis, name, deployedModelIdOf(arg), {
      async confirm(p) {
        if (opts?.confirmed === true && unattendedAllowed()) return true;
        const ok = p.lastWithTraffic
          ? await vscode.window.showWarningMessage(p.question, { modal: true, detail: p.detail }, 'Undeploy')
          : await vscode.window.showWarningMessage(`${p.question} ${p.detail}`, 'Undeploy');
        return ok === 'Undeploy';
      },
      running: (p, work) => Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Undeploying ${deployedName(p.deployed)} from ${p.endpoint.displayName}`, cancellable: true }, async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return work(ac.signal);
      })),
      busy: (key, m) => ops.start(key, m), idle: key => ops.done(key),
    });
    void vscode.window.showInformationMessage(`Undeployed ${deployedName(plan.deployed)} from ${plan.endpoint.displayName}.`);
  };
}
