import { ValidationError } from '../../common/errors';
import type { Session } from '../shared/session';
import { pickService } from '../shared/pickService';
import { targetIn } from '../shared/targets';
import type { CloudRunService } from '../../serving/domain';
import { idOf, REVISION_ID, SERVICE_NAME } from '../../serving/resourceNames';

/** Which logs a command shows: a service (full resource name), optionally one revision. */
export interface LogTarget {
  service: string;
  serviceId: string;
  revision?: string;
  /** The service as last read, when the caller had it (tree node, picker). */
  info?: CloudRunService;
}


function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null;
}

/**
 * The target from what invoked the command: a service or revision row of the Serving view (its
 * `target`), `{service, revision?}` or a resource name from another command, or a quick pick.
 */
export async function resolveTarget(arg: unknown, session: Session, title: string): Promise<LogTarget> {
  if (typeof arg === 'string') return fromName(arg, undefined);
  if (isObj(arg)) {
    const row = targetIn(arg, 'service', 'revision');
    if (row) return { ...fromName(row.service.name, row.kind === 'revision' ? row.revision.id : undefined), info: row.service };
    if ('target' in arg) throw new ValidationError('service', 'run this on a service or revision in the Serving view');
    // A service as another command read it: {service: CloudRunService}
    if (isObj(arg.service) && typeof arg.service.name === 'string') return { ...fromName(arg.service.name, undefined), info: arg.service as CloudRunService };
    if (typeof arg.service === 'string') return fromName(arg.service, arg.revision);
    throw new ValidationError('service', 'expected a service from the Serving view or {service: "projects/P/locations/R/services/NAME"}');
  }
  if (arg !== undefined) throw new ValidationError('service', 'expected a service from the Serving view');
  return pick(session, title);
}

function fromName(name: string, revision: unknown): LogTarget {
  if (!SERVICE_NAME.test(name)) throw new ValidationError('service', `expected projects/P/locations/R/services/NAME, got "${name}"`);
  if (revision !== undefined && (typeof revision !== 'string' || !REVISION_ID.test(revision))) throw new ValidationError('revision', `expected a revision id such as my-service-00002-abc, got ${JSON.stringify(revision)}`);
  return { service: name, serviceId: idOf(name), ...(revision ? { revision: revision as string } : {}) };
}

async function pick(session: Session, title: string): Promise<LogTarget> {
  const s = await pickService(session, title);
  return { service: s.name, serviceId: s.id, info: s };
}
