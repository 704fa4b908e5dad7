import * as vscode from 'vscode';
import { CancelledError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import { resolveService } from '../pickService';
import type { TrafficDeps } from '../trafficChange';

/** Undeploy: delete the service after a modal confirmation naming it. */
export function undeploy({ session, ops, lock }: TrafficDeps) {
  return async (arg?: unknown, opts?: { confirmed?: unknown }): Promise<void> => {
    const cloud = await session.cloud();
    const service = await resolveService(arg, session, 'Undeploy: pick a service to delete');
    if (opts?.confirmed !== true || !unattendedAllowed()) {
      const ok = await vscode.window.showWarningMessage(`Delete the Cloud Run service ${service.id}?`, { modal: true, detail: `Its URL ${service.uri ?? ''} stops answering and all its revisions are deleted. The model in the registry and Cloud Storage is not touched.` }, 'Delete Service');
      if (ok !== 'Delete Service') throw new CancelledError();
    }
    await lock.run(service.name, () => ops.run(service.name, 'Deleting…', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting ${service.id}` }, () => cloud.apis.runWrite.remove(service.name))));
    void vscode.window.showInformationMessage(`Deleted ${service.id}.`);
  };
}
