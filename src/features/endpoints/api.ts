/** One VertexEndpointsApi per cloud context (the integrator moves it into CloudApis). */
import type { CloudContext } from '../../common/session';
import { vertexEndpointsApi, type VertexEndpointsApi } from '../../gcp/vertexEndpoints';

const apis = new WeakMap<object, VertexEndpointsApi>();

export function endpointsApi(cloud: CloudContext): VertexEndpointsApi {
  let api = apis.get(cloud.clients);
  if (!api) { api = vertexEndpointsApi(cloud.clients); apis.set(cloud.clients, api); }
  return api;
}
