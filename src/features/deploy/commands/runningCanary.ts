import { UserError } from '../../../common/errors';
import { runningCanaryOf } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { RevisionNode } from '../../explorer/servicesTree';

/** The canary Promote and End Canary act on: the service's, which a revision row must be. */
export function runningCanary(service: CloudRunService, arg: unknown): string {
  const canary = runningCanaryOf(service);
  if (arg instanceof RevisionNode && arg.revision.id !== canary) throw new UserError(`${arg.revision.id} is not the canary of ${service.id}; ${canary} is.`);
  return canary;
}
