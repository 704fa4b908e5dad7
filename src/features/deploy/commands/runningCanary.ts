import { UserError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import { canaryRevision, CANARY_TAG } from '../../../serving/deploy/traffic';
import { RevisionNode } from '../../explorer/servicesTree';

/** The canary Promote and End Canary act on: the service's, which a revision row must be. */
export function runningCanary(service: CloudRunService, arg: unknown): string {
  const canary = canaryRevision(service);
  if (!canary) throw new UserError(`${service.id} has no canary running (no revision tagged ${CANARY_TAG} gets traffic).`, 'Send Canary Traffic to Revision starts one.');
  if (arg instanceof RevisionNode && arg.revision.id !== canary) throw new UserError(`${arg.revision.id} is not the canary of ${service.id}; ${canary} is.`);
  return canary;
}
