import { UserError, ValidationError } from '../../common/errors';
import type { Session } from '../shared/session';
import { pickService } from '../shared/pickService';
import type { CloudRunService } from '../../serving/domain';
import { targetIn } from '../shared/targets';
import { SERVICE_NAME } from '../../serving/resourceNames';

/** The service a command acts on: the tree node, `{service: name}`, or a quick pick. */
export async function resolveService(arg: unknown, session: Session, title: string): Promise<CloudRunService> {
  const row = targetIn(arg, 'service');
  if (row) return row.service;
  if (arg && typeof arg === 'object' && 'service' in arg) {
    const name = (arg as { service: unknown }).service;
    if (typeof name !== 'string' || !SERVICE_NAME.test(name)) throw new ValidationError('service', 'expected projects/P/locations/R/services/NAME');
    const s = await (await session.cloud()).run.getService(name);
    if (!s) throw new UserError(`Service ${name} does not exist.`);
    return s;
  }
  if (arg !== undefined) throw new ValidationError('service', 'run this on a service in the Serving view');
  return pickService(session, title);
}

