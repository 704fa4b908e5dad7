/** Vertex AI endpoints as the product sees them: plain data, normalised in src/gcp/vertexEndpoints.ts. */
import type { TrafficSplit } from './traffic';

export interface DeployedModelInfo {
  /** Deployed model id (numeric string), the key of the endpoint's traffic split. */
  id: string;
  /** projects/P/locations/R/models/ID */
  model: string;
  modelVersionId: string;
  displayName: string;
  machineType: string;
  acceleratorType?: string;
  acceleratorCount?: number;
  minReplicas: number;
  maxReplicas: number;
  /** Replicas up (Vertex AI's status.available_replica_count). */
  availableReplicas: number;
  createTime?: Date;
}

export interface VertexEndpoint {
  /** projects/P/locations/R/endpoints/ID */
  name: string;
  id: string;
  region: string;
  displayName: string;
  labels: Record<string, string>;
  deployedModels: DeployedModelInfo[];
  trafficSplit: TrafficSplit;
  etag?: string;
  createTime?: Date;
  updateTime?: Date;
}

export const ENDPOINT_LABELS = { managedBy: 'managed-by', managedByValue: 'ml-serving' } as const;

/** `serving: endpoint X 90%` facts for one model version: each endpoint that serves it and its share. */
export function endpointsServing(endpoints: readonly VertexEndpoint[], modelName: string, versionId: string): Array<{ endpoint: VertexEndpoint; percent: number }> {
  const out: Array<{ endpoint: VertexEndpoint; percent: number }> = [];
  for (const e of endpoints) {
    let percent = 0;
    let deployed = false;
    for (const d of e.deployedModels) {
      if (d.model !== modelName || d.modelVersionId !== versionId) continue;
      deployed = true;
      percent += e.trafficSplit[d.id] ?? 0;
    }
    if (deployed) out.push({ endpoint: e, percent });
  }
  return out;
}

/** `endpoint ranking 90%` fragments, in endpoint name order. */
export function describeEndpointServing(served: ReadonlyArray<{ endpoint: VertexEndpoint; percent: number }>): string[] {
  return [...served].sort((a, b) => a.endpoint.displayName.localeCompare(b.endpoint.displayName)).map(s => `endpoint ${s.endpoint.displayName} ${s.percent}%`);
}

/** Cloud Console page of an endpoint. */
export function endpointConsoleUrl(e: Pick<VertexEndpoint, 'region' | 'id'>, project: string): string {
  return `https://console.cloud.google.com/vertex-ai/online-prediction/locations/${e.region}/endpoints/${e.id}?project=${encodeURIComponent(project)}`;
}

/** Cloud Logging filter of an endpoint's (or one deployed model's) entries. */
export function endpointLogFilter(e: Pick<VertexEndpoint, 'region' | 'id'>, deployedModelId?: string): string {
  return [
    'resource.type="aiplatform.googleapis.com/Endpoint"',
    `resource.labels.endpoint_id="${e.id}"`,
    `resource.labels.location="${e.region}"`,
    ...(deployedModelId ? [`resource.labels.deployed_model_id="${deployedModelId}"`] : []),
  ].join('\n');
}

/** Cloud Console Logs Explorer with an endpoint's entries. */
export function endpointLogsUrl(e: Pick<VertexEndpoint, 'region' | 'id'>, project: string, deployedModelId?: string): string {
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(endpointLogFilter(e, deployedModelId))}?project=${encodeURIComponent(project)}`;
}

/** The REST URL of an endpoint's predict (for curl and messages). */
export function endpointPredictUrl(e: Pick<VertexEndpoint, 'name' | 'region'>, raw = false): string {
  return `https://${e.region}-aiplatform.googleapis.com/v1/${e.name}:${raw ? 'rawPredict' : 'predict'}`;
}
