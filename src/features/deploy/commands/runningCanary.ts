import { UserError } from '../../../common/errors';
import { runningCanaryOf } from '../../../operations/traffic';
import type { CloudRunService } from '../../../serving/domain';
import { revisionTarget } from '../../shared/targets';

/** The canary Promote and End Canary act on: the service's, which a revision row must be. */
export function runningCanary(service: CloudRunService, arg: unknown): string {
  const canary = runningCanaryOf(service);
  const row = revisionTarget(arg);
  if (row && row.revision.id !== canary) throw new UserError(`${row.revision.id} is not the canary of ${service.id}; ${canary} is.`);
  return canary;
}
