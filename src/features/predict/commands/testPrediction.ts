/**
 * "ML Serving: Test Prediction": from a service node (context menu) or the palette (a picker).
 * Returns the panel so in-host tests can drive it.
 */
import type { Session } from '../../../common/session';
import { ValidationError } from '../../../common/errors';
import type { CloudRunService } from '../../../serving/domain';
import type { PredictPanel } from '../panelHost';
import type { PredictPanels } from '../panels';
import { pickService } from '../../shared/pickService';

/** A Serving-tree ServiceNode, or anything carrying a service (duck-typed: no explorer import). */
interface HasService {
  service: CloudRunService;
}

const hasService = (v: unknown): v is HasService =>
  typeof v === 'object' && v !== null && typeof (v as HasService).service?.name === 'string' && typeof (v as HasService).service?.id === 'string';

export function testPrediction(session: Session, panels: PredictPanels) {
  return async (node?: unknown): Promise<PredictPanel> => {
    if (node !== undefined && !hasService(node)) throw new ValidationError('node', 'run Test Prediction from a service in the Serving view, or from the command palette');
    let service = node ? node.service : await pickService(session, 'Test Prediction');
    // The node may be stale (e.g. it was deploying when the tree loaded): read the service again.
    if (!service.uri || service.state !== 'ready') {
      const cloud = await session.cloud();
      service = (await cloud.run.getService(service.name)) ?? service;
    }
    return panels.show(service);
  };
}
