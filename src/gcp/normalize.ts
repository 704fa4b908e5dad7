/**
 * Client messages → the product's domain types. Unary results are plain objects (int64 strings,
 * enum names); LRO results are protobufjs messages (Long, enum numbers): both are handled here.
 */
import { customJobModelUri, pipelineArtifacts, structToJson } from '../serving/vertex/artifacts';
import { runStateOf } from '../serving/vertex/runState';
import { idOf, regionOf, type CloudRunService, type ModelVersion, type RegisteredModel, type Revision, type ServiceState, type TrafficTarget, type TrainingRun } from '../serving/domain';

import type { ApiJson as Json } from '../serving/json';

export function toDate(t: unknown): Date | undefined {
  if (!t) return undefined;
  if (t instanceof Date) return t;
  if (typeof t === 'string') { const d = new Date(t); return isNaN(+d) ? undefined : d; }
  const o = t as Json;
  if (o.seconds === undefined || o.seconds === null) return undefined;
  const s = Number(typeof o.seconds === 'object' ? o.seconds.toString() : o.seconds);
  if (!s) return undefined;
  return new Date(s * 1000 + Math.floor(Number(o.nanos ?? 0) / 1e6));
}

const labelsOf = (l: unknown): Record<string, string> => (l && typeof l === 'object' ? { ...(l as Record<string, string>) } : {});

export function toPipelineRun(j: Json): TrainingRun {
  const { state, rawState } = runStateOf(j.state);
  const spec = structToJson(j.pipelineSpec) as Json;
  return {
    kind: 'pipeline', name: j.name, id: idOf(j.name), region: regionOf(j.name), displayName: j.displayName || idOf(j.name),
    pipelineName: spec.pipelineInfo?.name, state, rawState,
    createTime: toDate(j.createTime), startTime: toDate(j.startTime), endTime: toDate(j.endTime),
    labels: labelsOf(j.labels), error: j.error?.message || undefined, artifacts: pipelineArtifacts({ ...j, pipelineSpec: spec }),
  };
}

export function toCustomJobRun(j: Json): TrainingRun {
  const { state, rawState } = runStateOf(j.state);
  const base = j.jobSpec?.baseOutputDirectory?.outputUriPrefix as string | undefined;
  const modelUri = customJobModelUri(base);
  return {
    kind: 'custom', name: j.name, id: idOf(j.name), region: regionOf(j.name), displayName: j.displayName || idOf(j.name),
    state, rawState, createTime: toDate(j.createTime), startTime: toDate(j.startTime), endTime: toDate(j.endTime),
    labels: labelsOf(j.labels), error: j.error?.message || undefined,
    artifacts: modelUri && state === 'succeeded' ? [{ type: 'model', uri: modelUri, metadata: {}, key: 'model' }] : [],
  };
}

export function toModelVersion(m: Json): ModelVersion {
  return {
    modelName: m.name, displayName: m.displayName || idOf(m.name), versionId: String(m.versionId || '1'),
    aliases: [...(m.versionAliases ?? [])], labels: labelsOf(m.labels), artifactUri: m.artifactUri || '',
    containerImage: m.containerSpec?.imageUri || undefined, createTime: toDate(m.versionCreateTime ?? m.createTime),
    description: m.versionDescription || m.description || undefined,
  };
}

export function toRegisteredModel(m: Json): RegisteredModel {
  return {
    name: m.name, id: idOf(m.name), region: regionOf(m.name), displayName: m.displayName || idOf(m.name),
    labels: labelsOf(m.labels), defaultVersion: toModelVersion(m), createTime: toDate(m.createTime), updateTime: toDate(m.updateTime),
  };
}

const CONDITION_STATES = ['STATE_UNSPECIFIED', 'CONDITION_PENDING', 'CONDITION_RECONCILING', 'CONDITION_SUCCEEDED', 'CONDITION_FAILED'];

function conditionState(c: Json | undefined): string {
  const s = c?.state;
  return typeof s === 'number' ? CONDITION_STATES[s] ?? '' : String(s ?? '');
}

export function readiness(terminal: Json | undefined, reconciling: boolean): { state: ServiceState; message?: string } {
  const s = conditionState(terminal);
  if (reconciling || s === 'CONDITION_PENDING' || s === 'CONDITION_RECONCILING') return { state: 'deploying', message: terminal?.message || undefined };
  if (s === 'CONDITION_SUCCEEDED') return { state: 'ready' };
  if (s === 'CONDITION_FAILED') return { state: 'failed', message: terminal?.message || undefined };
  return { state: 'unknown', message: terminal?.message || undefined };
}

const TRAFFIC_TYPES = ['TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED', 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION'];

function toTraffic(t: Json): TrafficTarget {
  const type = typeof t.type === 'number' ? TRAFFIC_TYPES[t.type] : String(t.type ?? '');
  return {
    type: type.endsWith('REVISION') ? 'REVISION' : 'LATEST', revision: t.revision || undefined,
    percent: Number(t.percent ?? 0), tag: t.tag || undefined, uri: t.uri || undefined,
  };
}

export function toService(s: Json): CloudRunService {
  const c = s.template?.containers?.[0] ?? {};
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) if (e?.name) env[e.name] = e.value ?? '';
  const { state, message } = readiness(s.terminalCondition, Boolean(s.reconciling));
  return {
    name: s.name, id: idOf(s.name), region: regionOf(s.name), uri: s.uri || undefined, state, message,
    labels: labelsOf(s.labels), image: c.image || undefined,
    latestReadyRevision: s.latestReadyRevision || undefined, latestCreatedRevision: s.latestCreatedRevision || undefined,
    traffic: (s.traffic ?? []).map(toTraffic), trafficStatuses: (s.trafficStatuses ?? []).map(toTraffic),
    reconciling: Boolean(s.reconciling), createTime: toDate(s.createTime), updateTime: toDate(s.updateTime),
    etag: s.etag || undefined, env, invokerIamDisabled: Boolean(s.invokerIamDisabled),
  };
}

export function toRevision(r: Json): Revision {
  const ready = (r.conditions ?? []).find((c: Json) => c.type === 'Ready');
  const { state, message } = readiness(ready, Boolean(r.reconciling));
  return {
    name: r.name, id: idOf(r.name), service: String(r.service ?? ''), state, message,
    image: r.containers?.[0]?.image || undefined, createTime: toDate(r.createTime),
    generation: r.generation !== undefined ? String(r.generation) : undefined, labels: labelsOf(r.labels),
  };
}
