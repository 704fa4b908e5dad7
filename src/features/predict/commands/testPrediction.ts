/**
 * "ML Serving: Test Prediction": from a service node (context menu), the palette (a picker), or
 * another command (the deploy-success notification passes `{service: "projects/P/locations/R/services/S"}`).
 * Returns the panel so in-host tests can drive it.
 */
import type { Session } from '../../shared/session';
import { UserError, ValidationError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import type { PredictPanel } from '../panelHost';
import type { PredictPanels } from '../panels';
import { pickService } from '../../shared/pickService';
import { targetIn } from '../../shared/targets';
import { parseServiceRef } from '../serviceRef';

/** Anything carrying a service as another command read it (a tree row is read by its target). */
interface HasService {
  service: CloudRunService;
}

const hasService = (v: unknown): v is HasService =>
  typeof v === 'object' && v !== null && typeof (v as HasService).service?.name === 'string' && typeof (v as HasService).service?.id === 'string';

export function testPrediction(session: Session, panels: PredictPanels) {
  return async (arg?: unknown): Promise<PredictPanel> => {
    let service: CloudRunService;
    const row = targetIn(arg, 'service')?.service;
    if (arg === undefined) service = await pickService(session, 'Test Prediction');
    else if (row) service = row;
    else if (hasService(arg)) service = arg.service;
    else {
      // A reference from another command: read the service by its resource name.
      const name = parseServiceRef(arg);
      if (!name) throw new ValidationError('service', 'expected a service from the Serving view, a resource name projects/P/locations/R/services/NAME, or {service} / {name, region, project}');
      const cloud = await session.cloud();
      const found = await cloud.run.getService(name);
      if (!found) throw new UserError(`The Cloud Run service ${name} does not exist (any more).`, 'Refresh the Serving view and pick a service there.');
      return panels.show(found);
    }
    // The node may be stale (e.g. it was deploying when the tree loaded): read the service again.
    if (!service.uri || service.state !== 'ready') {
      const cloud = await session.cloud();
      service = (await cloud.run.getService(service.name)) ?? service;
    }
    return panels.show(service);
  };
}
