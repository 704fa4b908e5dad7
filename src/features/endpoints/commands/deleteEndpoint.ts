/** Delete an endpoint: only an empty one (no deployed models), after a modal confirmation naming it. */
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import type { EndpointDeps } from '../deps';
import { deployedName, resolveEndpoint } from '../resolve';

export function deleteEndpoint({ session, ops }: EndpointDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<void> => {
    const cloud = await session.cloud();
    const endpoint = await resolveEndpoint(arg, cloud);
    if (endpoint.deployedModels.length) {
      throw new UserError(`Endpoint ${endpoint.displayName} still has deployed models (${endpoint.deployedModels.map(deployedName).join(', ')}).`, 'Undeploy them first; only an empty endpoint is deleted.');
    }
    if (!(opts?.confirmed === true && unattendedAllowed())) {
      const ok = await vscode.window.showWarningMessage(`Delete the Vertex AI endpoint ${endpoint.displayName}?`, { modal: true, detail: `${endpoint.name} has no deployed models. Its prediction URL stops existing.` }, 'Delete Endpoint');
      if (ok !== 'Delete Endpoint') throw new CancelledError();
    }
    ops.start(endpoint.name, 'Deleting…');
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting endpoint ${endpoint.displayName}` }, () => cloud.apis.endpoints.deleteEndpoint(endpoint.name));
    } finally {
      ops.done(endpoint.name);
    }
    void vscode.window.showInformationMessage(`Deleted endpoint ${endpoint.displayName}.`);
  };
}
