import * as vscode from 'vscode';
import type { Session } from '../shared/session';
import { isKnownRegion } from '../../serving/regions';
import { formatRows, KINDS, listRows, type Row } from '../../serving/inventory/listing';
import type { VertexEndpoint } from '../../serving/endpoints/types';
import { inputObject, int, oneOf, str, ToolInputError, text } from './tool';
import { REGION } from '../../serving/resourceNames';

export const LIST_TOOL = 'mlServing_list';

const LIST_KINDS = [...KINDS, 'endpoints'] as const;

/** One row per Vertex AI endpoint: each deployed model with its registry version and traffic share. */
export function endpointRows(endpoints: VertexEndpoint[], limit: number): Row[] {
  return [...endpoints].sort((x, y) => x.displayName.localeCompare(y.displayName)).slice(0, limit).map(e => ({
    name: e.name,
    displayName: e.displayName || e.id,
    region: e.region,
    state: e.deployedModels.length ? `${e.deployedModels.length} deployed` : 'empty',
    detail: e.deployedModels.length
      ? e.deployedModels.map(d => `${d.displayName || d.id} (deployed model ${d.id}): ${d.model} version ${d.modelVersionId}, traffic ${e.trafficSplit[d.id] ?? 0}%`).join('; ')
      : 'no deployed models',
  }));
}

/** Read-only: training runs, registered model versions, Cloud Run services or Vertex AI endpoints, with their state. */
export function listResourcesTool(session: Session): vscode.LanguageModelTool<unknown> {
  return {
    async invoke(options) {
      const o = inputObject(options.input, ['kind', 'region', 'limit']);
      const kind = oneOf(o, 'kind', LIST_KINDS, true)!;
      const region = str(o, 'region', REGION, 'a region such as us-central1');
      if (region && !isKnownRegion(region)) throw new ToolInputError('region', `"${region}" is not a known region`);
      const limit = int(o, 'limit', 1, 100);
      const cloud = await session.cloud();
      const regions = region ? [region] : cloud.regions;
      if (kind === 'endpoints') {
        const lists = await Promise.all(regions.map(r => cloud.apis.endpoints.listEndpoints(r)));
        const rows = lists.flatMap(l => endpointRows(l, limit ?? 20));
        return text(`Vertex AI endpoints in ${cloud.project} (${regions.join(', ')}):`, rows.length ? formatRows('services', rows) : 'No endpoints.');
      }
      const rows = await listRows(kind, cloud, { regions, limit, allServices: session.settings.showAllServices });
      return text(`${kind} in ${cloud.project} (${regions.join(', ')}):`, formatRows(kind, rows));
    },
  };
}
