/** Open an endpoint's (or a deployed model's) logs in the Cloud Console, filtered by endpoint and deployed model. */
import * as vscode from 'vscode';
import { endpointLogsUrl } from '../../../serving/endpoints/types';
import { targetIn } from '../../shared/targets';
import type { EndpointDeps } from '../deps';
import { resolveEndpoint } from '../resolve';

export function openEndpointLogs({ session }: EndpointDeps) {
  return async (arg?: unknown): Promise<string> => {
    const cloud = await session.cloud();
    const endpoint = await resolveEndpoint(arg, cloud);
    const id = targetIn(arg, 'deployedModel')?.deployedModelId;
    const url = endpointLogsUrl(endpoint, cloud.project, id);
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  };
}
