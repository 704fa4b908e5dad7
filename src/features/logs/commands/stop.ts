import * as vscode from 'vscode';
import { CancelledError, UserError } from '../../../common/errors';
import type { ServiceLogChannels } from '../outputChannels';
import { resolveEndpointTarget, resolveTarget } from '../pickTarget';
import { targetIn } from '../../shared/targets';
import type { Session } from '../../shared/session';

/** "Stop Tailing Serving Logs": the node's service or endpoint (or a tail's name), or a pick among the tails being followed. */
export function stopTailing(session: Session, channels: ServiceLogChannels) {
  return async (arg?: unknown) => {
    let service: string;
    if (typeof arg === 'string' && channels.isFollowing(arg)) {
      // the name Tail Endpoint Logs (or Tail Serving Logs) returned
      service = arg;
    } else if (targetIn(arg, 'endpoint', 'deployedModel') || (typeof arg === 'object' && arg !== null && 'endpoint' in arg)) {
      service = resolveEndpointTarget(arg).service;
    } else if (arg !== undefined) {
      service = (await resolveTarget(arg, session, 'Stop tailing which service?')).service;
    } else {
      const following = channels.following();
      if (!following.length) throw new UserError('No service logs are being tailed.');
      if (following.length === 1) service = following[0].service;
      else {
        const picked = await vscode.window.showQuickPick(following.map(t => ({ label: t.serviceId, description: t.revision, service: t.service })), { title: 'Stop tailing which service?' });
        if (!picked) throw new CancelledError();
        service = picked.service;
      }
    }
    if (!channels.stop(service)) throw new UserError(`The logs of ${service.slice(service.lastIndexOf('/') + 1)} are not being tailed.`);
    return service;
  };
}
