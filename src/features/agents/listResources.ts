import * as vscode from 'vscode';
import type { Session } from '../shared/session';
import { isKnownRegion } from '../../serving/regions';
import { formatRows, KINDS, listRows } from '../../serving/inventory/listing';
import { inputObject, int, oneOf, str, ToolInputError, text } from './tool';
import { REGION } from '../../serving/resourceNames';

export const LIST_TOOL = 'mlServing_list';

/** Read-only: training runs, registered model versions, or Cloud Run services, with their state. */
export function listResourcesTool(session: Session): vscode.LanguageModelTool<unknown> {
  return {
    async invoke(options) {
      const o = inputObject(options.input, ['kind', 'region', 'limit']);
      const kind = oneOf(o, 'kind', KINDS, true)!;
      const region = str(o, 'region', REGION, 'a region such as us-central1');
      if (region && !isKnownRegion(region)) throw new ToolInputError('region', `"${region}" is not a known region`);
      const limit = int(o, 'limit', 1, 100);
      const cloud = await session.cloud();
      const regions = region ? [region] : cloud.regions;
      const rows = await listRows(kind, cloud, { regions, limit, allServices: session.settings.showAllServices });
      return text(`${kind} in ${cloud.project} (${regions.join(', ')}):`, formatRows(kind, rows));
    },
  };
}
