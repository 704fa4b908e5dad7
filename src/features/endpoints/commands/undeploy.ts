/**
 * Undeploy a model from an endpoint: its share goes to the others in proportion. The last model
 * that takes traffic is never undeployed without a modal confirmation (the endpoint stops answering,
 * or an idle model starts taking everything).
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import { describeTrafficChange, splitAfterUndeploy } from '../../../serving/endpoints/traffic';
import type { EndpointDeps } from '../deps';
import { deployedName, resolveDeployedModel } from '../resolve';

export function undeployFromEndpoint({ session, ops }: EndpointDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<void> => {
    const cloud = await session.cloud();
    const { endpoint, deployed } = await resolveDeployedModel(arg, cloud);
    const percent = endpoint.trafficSplit[deployed.id] ?? 0;
    const others = endpoint.deployedModels.filter(d => d.id !== deployed.id);
    const lastWithTraffic = percent > 0 && !others.some(d => (endpoint.trafficSplit[d.id] ?? 0) > 0);
    const after = splitAfterUndeploy(endpoint.trafficSplit, deployed.id);
    const nameOf = (id: string) => { const d = endpoint.deployedModels.find(x => x.id === id); return d ? deployedName(d) : id; };
    const diff = describeTrafficChange(endpoint.trafficSplit, after, nameOf);
    const title = `Undeploy ${deployedName(deployed)} from endpoint ${endpoint.displayName}?`;
    if (!(opts?.confirmed === true && unattendedAllowed())) {
      let ok: string | undefined;
      if (lastWithTraffic) {
        const detail = others.length
          ? `It is the only deployed model taking traffic (${percent}%). ${diff.join(', ')}.`
          : `It is the only deployed model: the endpoint stops answering predictions. The endpoint itself stays (delete it once empty).`;
        ok = await vscode.window.showWarningMessage(title, { modal: true, detail }, 'Undeploy');
      } else {
        ok = await vscode.window.showWarningMessage(`${title} ${diff.length ? `Traffic: ${diff.join(', ')}.` : 'It takes no traffic.'}`, 'Undeploy');
      }
      if (ok !== 'Undeploy') throw new CancelledError();
    }
    ops.start(endpoint.name, 'Undeploying…');
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Undeploying ${deployedName(deployed)} from ${endpoint.displayName}`, cancellable: true }, async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        await cloud.apis.endpoints.undeployModel(endpoint.name, deployed.id, others.length ? after : undefined, { signal: ac.signal });
      });
    } finally {
      ops.done(endpoint.name);
    }
        void vscode.window.showInformationMessage(`Undeployed ${deployedName(deployed)} from ${endpoint.displayName}.`);
  };
}
