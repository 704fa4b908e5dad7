/**
 * Test Prediction on a Vertex AI endpoint: the same panel as a Cloud Run service (form from the
 * signature, validation, saved payloads, curl, benchmark), with the endpoint as its target.
 * Returns the panel so in-host tests can drive it.
 */
import { UserError, ValidationError } from '../../../common/errors';
import { ENDPOINT_NAME } from '../../../serving/resourceNames';
import type { Session } from '../../shared/session';
import { targetIn } from '../../shared/targets';
import type { PredictPanel } from '../panelHost';
import type { PredictPanels } from '../panels';

export function testEndpointPrediction(session: Session, panels: PredictPanels) {
  return async (arg?: unknown): Promise<PredictPanel> => {
    const cloud = await session.cloud();
    const node = targetIn(arg, 'endpoint', 'deployedModel');
    const name = node ? node.endpoint.name : arg && typeof arg === 'object' ? (arg as { endpoint?: unknown }).endpoint : undefined;
    if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) throw new ValidationError('endpoint', 'expected projects/P/locations/R/endpoints/ID (right-click an endpoint in the Serving view)');
    // Always re-read: the row may be stale.
    const endpoint = await cloud.apis.endpoints.getEndpoint(name);
    if (!endpoint.deployedModels.length) throw new UserError(`Endpoint ${endpoint.displayName} has no deployed models to answer.`, 'Deploy a model version to it first.');
    // Opened on a deployed model's row: the form is that model's (requests still follow the endpoint's split).
    const given = !node && arg && typeof arg === 'object' ? (arg as { deployedModelId?: unknown }).deployedModelId : undefined;
    if (given !== undefined && (typeof given !== 'string' || !endpoint.deployedModels.some(d => d.id === given))) {
      throw new ValidationError('deployedModelId', `expected the id of a model deployed to ${endpoint.displayName} (${endpoint.deployedModels.map(d => d.id).join(', ')})`);
    }
    const deployedModelId = node?.kind === 'deployedModel' ? node.deployedModelId : given;
    return panels.showEndpoint(endpoint, deployedModelId);
  };
}
