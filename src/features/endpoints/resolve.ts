/** The endpoint or deployed model a command runs on: a tree node, or `{endpoint, deployedModelId}` args. */
import { ValidationError } from '../../common/errors';
import type { CloudContext } from '../shared/session';
import type { DeployedModelInfo, VertexEndpoint } from '../../serving/endpoints/types';
import { targetIn } from '../shared/targets';
import { ENDPOINT_NAME } from '../../serving/resourceNames';
import { deployedName } from '../../operations/endpoints';


/** The endpoint's full name from a tree node or `{endpoint}` args (unchecked: the operation checks it). */
export function endpointNameOf(arg: unknown): unknown {
  const node = targetIn(arg, 'endpoint', 'deployedModel');
  if (node) return node.endpoint.name;
  return arg && typeof arg === 'object' ? (arg as { endpoint?: unknown }).endpoint : undefined;
}

/** The deployed model id from a tree node or `{deployedModelId}` args (unchecked). */
export function deployedModelIdOf(arg: unknown): unknown {
  const node = targetIn(arg, 'deployedModel');
  return node ? node.deployedModelId : arg && typeof arg === 'object' ? (arg as { deployedModelId?: unknown }).deployedModelId : undefined;
}

/** Always re-read: the node may be stale, and traffic moves are computed from what is there now. */
export async function resolveEndpoint(arg: unknown, cloud: CloudContext): Promise<VertexEndpoint> {
  const name = endpointNameOf(arg);
  if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) throw new ValidationError('endpoint', 'expected projects/P/locations/R/endpoints/ID (right-click an endpoint in the Serving view)');
  return cloud.apis.endpoints.getEndpoint(name);
}

export async function resolveDeployedModel(arg: unknown, cloud: CloudContext): Promise<{ endpoint: VertexEndpoint; deployed: DeployedModelInfo }> {
  const endpoint = await resolveEndpoint(arg, cloud);
  const node = targetIn(arg, 'deployedModel');
  const id = node ? node.deployedModelId : (arg as { deployedModelId?: unknown }).deployedModelId;
  if (typeof id !== 'string' || !id) throw new ValidationError('deployedModelId', 'expected the id of a model deployed to the endpoint');
  const deployed = endpoint.deployedModels.find(d => d.id === id);
  if (!deployed) throw new ValidationError('deployedModelId', `no deployed model ${id} on endpoint ${endpoint.displayName}`);
  return { endpoint, deployed };
}

export { deployedName };
