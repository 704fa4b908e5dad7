import { UserError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import { canaryRevision, CANARY_TAG } from '../../../serving/deploy/traffic';
import { revisionTarget } from '../../shared/targets';

/** The canary Promote and End Canary act on: the service's, which a revision row must be. */
export function runningCanary(service: CloudRunService, arg: unknown): string {
  const canary = canaryRevision(service);
  if (!canary) throw new UserError(`${service.id} has no canary running (no revision tagged ${CANARY_TAG} gets traffic).`, 'Send Canary Traffic to Revision starts one.');
  const row = revisionTarget(arg);
  if (row && row.revision.id !== canary) throw new UserError(`${row.revision.id} is not the canary of ${service.id}; ${canary} is.`);
  return canary;
}
