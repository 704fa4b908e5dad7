/**
 * Vertex AI endpoints over the official clients (EndpointService, PredictionService): the interface
 * the integrator plugs into CloudApis, and its implementation. Long-running operations are waited
 * for with cancel (the operation is cancelled on Vertex AI too) and their error is the failure.
 */
import type { GcpClients } from './clients';
import { toDate } from './normalize';
import { waitForOperation, withRetry, type OperationLike } from './retry';
import type { DeployedModelInfo, VertexEndpoint } from '../serving/endpoints/types';
import type { TrafficSplit } from '../serving/endpoints/traffic';
import { idOf, regionOf } from '../serving/resourceNames';

type Json = Record<string, any>;

export interface EndpointDeployRequest {
  /** projects/P/locations/R/models/ID@VERSION */
  model: string;
  displayName?: string;
  machineType: string;
  acceleratorType?: string;
  acceleratorCount?: number;
  minReplicas: number;
  maxReplicas: number;
  /** The split after the deploy; key "0" is the model being deployed. */
  trafficSplit: TrafficSplit;
  serviceAccount?: string;
}

export interface LroOptions {
  signal?: AbortSignal;
  /** Vertex AI's deployment stage as the operation reports it (STARTING_MODEL_SERVER, …). */
  onStage?(stage: string): void;
  pollMs?: number;
}

export interface PredictAnswer {
  predictions: unknown[];
  deployedModelId: string;
  model?: string;
  modelVersionId?: string;
  modelDisplayName?: string;
}

export interface VertexEndpointsApi {
  listEndpoints(region: string): Promise<VertexEndpoint[]>;
  getEndpoint(name: string): Promise<VertexEndpoint>;
  createEndpoint(region: string, displayName: string, labels: Record<string, string>, o?: LroOptions): Promise<VertexEndpoint>;
  deployModel(endpoint: string, req: EndpointDeployRequest, o?: LroOptions): Promise<DeployedModelInfo>;
  undeployModel(endpoint: string, deployedModelId: string, trafficSplit: TrafficSplit | undefined, o?: LroOptions): Promise<void>;
  /** Sets the split (integer percentages summing to 100); `etag` guards against a concurrent change. */
  setTrafficSplit(endpoint: string, split: TrafficSplit, etag?: string): Promise<VertexEndpoint>;
  deleteEndpoint(name: string, o?: LroOptions): Promise<void>;
  predict(endpoint: string, instances: unknown[], parameters?: unknown): Promise<PredictAnswer>;
  /** The TF Serving body as it is; the answer's body as text. */
  rawPredict(endpoint: string, body: string): Promise<{ contentType: string; text: string }>;
}

const num = (v: unknown) => Number(typeof v === 'object' && v !== null ? String(v) : v ?? 0);

export function toDeployedModel(d: Json): DeployedModelInfo {
  const r = d.dedicatedResources ?? d.automaticResources ?? {};
  const ms = r.machineSpec ?? {};
  const acc = typeof ms.acceleratorType === 'string' && ms.acceleratorType !== 'ACCELERATOR_TYPE_UNSPECIFIED' ? ms.acceleratorType : undefined;
  return {
    id: String(d.id ?? ''), model: String(d.model ?? ''), modelVersionId: String(d.modelVersionId ?? ''),
    displayName: String(d.displayName ?? ''), machineType: String(ms.machineType ?? 'automatic'),
    ...(acc ? { acceleratorType: acc, acceleratorCount: num(ms.acceleratorCount) || 1 } : {}),
    minReplicas: num(r.minReplicaCount), maxReplicas: num(r.maxReplicaCount) || num(r.minReplicaCount),
    availableReplicas: num(d.status?.availableReplicaCount), createTime: toDate(d.createTime),
  };
}

export function toEndpoint(e: Json): VertexEndpoint {
  const name = String(e.name ?? '');
  const split: TrafficSplit = {};
  for (const [k, v] of Object.entries((e.trafficSplit ?? {}) as Json)) split[k] = num(v);
  return {
    name, id: idOf(name), region: regionOf(name),
    displayName: String(e.displayName ?? ''), labels: { ...(e.labels ?? {}) },
    deployedModels: ((e.deployedModels ?? []) as Json[]).map(toDeployedModel), trafficSplit: split,
    etag: e.etag || undefined, createTime: toDate(e.createTime), updateTime: toDate(e.updateTime),
  };
}

/** google.protobuf.Value ↔ JSON (predict's instances and predictions). */
export function toValue(v: unknown): Json {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: { fields: Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, toValue(x)])) } };
}

export function fromValue(v: Json | null | undefined): unknown {
  if (!v) return null;
  if (v.structValue) return Object.fromEntries(Object.entries(v.structValue.fields ?? {}).map(([k, x]) => [k, fromValue(x as Json)]));
  if (v.listValue) return (v.listValue.values ?? []).map((x: Json) => fromValue(x));
  if (v.numberValue !== undefined && v.numberValue !== null) return Number(v.numberValue);
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return Boolean(v.boolValue);
  return null;
}

const regionOfName = (name: string) => /\/locations\/([^/]+)/.exec(name)?.[1] ?? 'us-central1';

/** Wait for an LRO; on abort, ask Vertex AI to cancel it (best effort) and rethrow. */
async function waitLro<T>(op: OperationLike<T> & { cancel?: () => Promise<unknown> }, o: LroOptions = {}): Promise<T> {
  let last = '';
  // gax updates op.metadata on every poll: report the deployment stage when it moves.
  const timer = o.onStage ? setInterval(() => {
    const stage = ((op as Json).metadata as Json | undefined)?.deploymentStage;
    const name = stage === undefined || stage === null ? '' : String(stage);
    if (name && name !== last) { last = name; o.onStage?.(name); }
  }, 250) : undefined;
  try {
    return await waitForOperation(op, { signal: o.signal, pollMs: o.pollMs });
  } catch (e) {
    if (o.signal?.aborted && op.cancel) await op.cancel().catch(() => undefined);
    throw e;
  } finally {
    if (timer) clearInterval(timer);
  }
}

export function vertexEndpointsApi(clients: GcpClients): VertexEndpointsApi {
  const project = clients.projectId;
  const ep = (region: string) => clients.vertex(region).endpoints as unknown as Json;
  const pr = (region: string) => clients.vertex(region).prediction as unknown as Json;
  const get = async (name: string) => toEndpoint((await withRetry(() => ep(regionOfName(name)).getEndpoint({ name }) as Promise<[Json]>))[0]);
  return {
    async listEndpoints(region) {
      const [items] = await withRetry(() => ep(region).listEndpoints({ parent: `projects/${project}/locations/${region}` }) as Promise<[Json[]]>);
      return items.map(toEndpoint);
    },
    getEndpoint: get,
    async createEndpoint(region, displayName, labels, o) {
      const [op] = await ep(region).createEndpoint({ parent: `projects/${project}/locations/${region}`, endpoint: { displayName, labels } });
      const done = await waitLro<Json>(op, o);
      // LRO results are protobufjs messages: re-read the endpoint for plain fields.
      return get(String(done?.name ?? (op.result as Json | undefined)?.name));
    },
    async deployModel(endpoint, req, o) {
      const region = regionOfName(endpoint);
      const deployedModel: Json = {
        model: req.model, displayName: req.displayName,
        dedicatedResources: {
          machineSpec: { machineType: req.machineType, ...(req.acceleratorType ? { acceleratorType: req.acceleratorType, acceleratorCount: req.acceleratorCount ?? 1 } : {}) },
          minReplicaCount: req.minReplicas, maxReplicaCount: req.maxReplicas,
        },
        ...(req.serviceAccount ? { serviceAccount: req.serviceAccount } : {}),
      };
      // A deploy is not retried blindly: a lost answer could deploy twice.
      const [op] = await ep(region).deployModel({ endpoint, deployedModel, trafficSplit: req.trafficSplit });
      const res = await waitLro<Json>(op, o);
      const id = String(res?.deployedModel?.id ?? '');
      const fresh = await get(endpoint);
      const found = fresh.deployedModels.find(d => d.id === id);
      if (!found) throw new Error(`The deploy finished but deployed model ${id} is not on ${endpoint}.`);
      return found;
    },
    async undeployModel(endpoint, deployedModelId, trafficSplit, o) {
      const [op] = await ep(regionOfName(endpoint)).undeployModel({ endpoint, deployedModelId, ...(trafficSplit ? { trafficSplit } : {}) });
      await waitLro(op, o);
    },
    async setTrafficSplit(endpoint, split, etag) {
      const [res] = await ep(regionOfName(endpoint)).updateEndpoint({ endpoint: { name: endpoint, trafficSplit: split, ...(etag ? { etag } : {}) }, updateMask: { paths: ['traffic_split'] } });
      return toEndpoint(res as Json);
    },
    async deleteEndpoint(name, o) {
      const [op] = await ep(regionOfName(name)).deleteEndpoint({ name });
      await waitLro(op, o);
    },
    async predict(endpoint, instances, parameters) {
      const [res] = await pr(regionOfName(endpoint)).predict({ endpoint, instances: instances.map(toValue), ...(parameters !== undefined ? { parameters: toValue(parameters) } : {}) });
      const r = res as Json;
      return {
        predictions: ((r.predictions ?? []) as Json[]).map(fromValue), deployedModelId: String(r.deployedModelId ?? ''),
        model: r.model || undefined, modelVersionId: r.modelVersionId || undefined, modelDisplayName: r.modelDisplayName || undefined,
      };
    },
    async rawPredict(endpoint, body) {
      const [res] = await pr(regionOfName(endpoint)).rawPredict({ endpoint, httpBody: { contentType: 'application/json', data: Buffer.from(body, 'utf8') } });
      const r = res as Json;
      return { contentType: String(r.contentType || 'application/json'), text: Buffer.from(r.data ?? []).toString('utf8') };
    },
  };
}
