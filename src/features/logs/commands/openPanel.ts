import type { Session } from '../../shared/session';
import type { LogsPanels } from '../logsPanel';
import { isEndpointArg, resolveEndpointTarget, resolveTarget } from '../pickTarget';

/**
 * "Open Serving Logs Panel": the streaming logs panel of a service (or one revision), or of a
 * Vertex AI endpoint (or one deployed model) from its row in the Serving view. Returns the
 * panel's target name.
 */
export function openLogsPanel(session: Session, panels: LogsPanels) {
  return async (arg?: unknown) => {
    const target = isEndpointArg(arg) ? resolveEndpointTarget(arg) : await resolveTarget(arg, session, 'Show logs of which service?');
    panels.open(target);
    return target.service;
  };
}
