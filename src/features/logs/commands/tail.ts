import type { Session } from '../../shared/session';
import type { ServiceLogChannels } from '../outputChannels';
import { resolveTarget } from '../pickTarget';

/** "Tail Serving Logs": follow a service (or one revision) in its output channel. */
export function tailLogs(session: Session, channels: ServiceLogChannels) {
  return async (arg?: unknown) => {
    const target = await resolveTarget(arg, session, 'Tail logs of which service?');
    channels.start(target);
    return target.service;
  };
}
