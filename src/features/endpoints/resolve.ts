/** The endpoint or deployed model a command runs on: a tree node, or `{endpoint, deployedModelId}` args. */
import { ValidationError } from '../../common/errors';
import type { CloudContext } from '../../common/session';
import type { DeployedModelInfo, VertexEndpoint } from '../../serving/endpoints/types';
import { DeployedModelNode, EndpointNode } from '../explorer/endpointNodes';
import { endpointsApi } from './api';

const ENDPOINT_RE = /^projects\/[^/]+\/locations\/[a-z0-9-]+\/endpoints\/[^/]+$/;

/** Always re-read: the node may be stale, and traffic moves are computed from what is there now. */
export async function resolveEndpoint(arg: unknown, cloud: CloudContext): Promise<VertexEndpoint> {
  let name: unknown;
  if (arg instanceof EndpointNode) name = arg.endpoint.name;
  else if (arg instanceof DeployedModelNode) name = arg.endpoint.name;
  else if (arg && typeof arg === 'object') name = (arg as { endpoint?: unknown }).endpoint;
  if (typeof name !== 'string' || !ENDPOINT_RE.test(name)) throw new ValidationError('endpoint', 'expected projects/P/locations/R/endpoints/ID (right-click an endpoint in the Serving view)');
  return endpointsApi(cloud).getEndpoint(name);
}

export async function resolveDeployedModel(arg: unknown, cloud: CloudContext): Promise<{ endpoint: VertexEndpoint; deployed: DeployedModelInfo }> {
  const endpoint = await resolveEndpoint(arg, cloud);
  const id = arg instanceof DeployedModelNode ? arg.deployedModelId : (arg as { deployedModelId?: unknown }).deployedModelId;
  if (typeof id !== 'string' || !id) throw new ValidationError('deployedModelId', 'expected the id of a model deployed to the endpoint');
  const deployed = endpoint.deployedModels.find(d => d.id === id);
  if (!deployed) throw new ValidationError('deployedModelId', `no deployed model ${id} on endpoint ${endpoint.displayName}`);
  return { endpoint, deployed };
}

export const deployedName = (d: DeployedModelInfo) => `${d.displayName || d.model.split('/').pop()} v${d.modelVersionId}`;
