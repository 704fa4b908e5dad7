import type { Session } from '../../shared/session';
import type { LogsPanels } from '../logsPanel';
import { resolveTarget } from '../pickTarget';

/** "Open Serving Logs Panel": the streaming logs panel of a service (or one revision). */
export function openLogsPanel(session: Session, panels: LogsPanels) {
  return async (arg?: unknown) => {
    const target = await resolveTarget(arg, session, 'Show logs of which service?');
    panels.open(target);
    return target.service;
  };
}
