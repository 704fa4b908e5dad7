/**
 * Output artifacts of a Vertex AI pipeline run, as a TFX pipeline writes them: each task detail's
 * `outputs` maps an output key to artifacts. The artifact type comes from the artifact's
 * `schemaTitle` or, failing that, from the pipeline spec's output definitions
 * (`instanceSchema: "title: tfx.PushedModel ..."`).
 */
import type { RunArtifact } from '../domain';

import type { ApiJson as Json } from '../json';

/** A google.protobuf.Struct (gRPC form `{fields: {k: {stringValue}}}`) or plain JSON → plain JSON. */
export function structToJson(s: unknown): Record<string, unknown> {
  if (!s || typeof s !== 'object') return {};
  const o = s as Json;
  if (o.fields && typeof o.fields === 'object') {
    return Object.fromEntries(Object.entries(o.fields as Json).map(([k, v]) => [k, valueToJson(v)]));
  }
  return o as Record<string, unknown>;
}

function valueToJson(v: Json | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  if ('stringValue' in v) return v.stringValue;
  if ('numberValue' in v) return v.numberValue;
  if ('boolValue' in v) return v.boolValue;
  if ('nullValue' in v) return null;
  if ('structValue' in v) return structToJson(v.structValue);
  if ('listValue' in v) return ((v.listValue?.values ?? []) as Json[]).map(valueToJson);
  return undefined;
}

/** `title: tfx.PushedModel\ntype: object` → `tfx.PushedModel` */
export function schemaTitleOf(instanceSchema: unknown): string | undefined {
  if (typeof instanceSchema !== 'string') return undefined;
  const m = /^title:\s*(\S+)/m.exec(instanceSchema);
  return m ? m[1] : undefined;
}

/** Output artifact types declared by the spec: task name → output key → type. */
export function declaredOutputTypes(pipelineSpec: unknown): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const spec = structToJson(pipelineSpec) as Json;
  const components = (spec.components ?? {}) as Json;
  const tasks = (spec.root?.dag?.tasks ?? {}) as Json;
  for (const [taskName, task] of Object.entries(tasks)) {
    const compName = (task as Json)?.componentRef?.name;
    const defs = components[compName]?.outputDefinitions?.artifacts ?? {};
    const m = new Map<string, string>();
    for (const [key, def] of Object.entries(defs as Json)) {
      const t = (def as Json).artifactType?.schemaTitle ?? schemaTitleOf((def as Json).artifactType?.instanceSchema);
      if (t) m.set(key, t);
    }
    out.set(taskName, m);
  }
  return out;
}

/** Every output artifact of a pipeline job (the getPipelineJob / listPipelineJobs message or its JSON). */
export function pipelineArtifacts(job: unknown): RunArtifact[] {
  const j = (job ?? {}) as Json;
  const declared = declaredOutputTypes(j.pipelineSpec);
  const result: RunArtifact[] = [];
  for (const td of (j.jobDetail?.taskDetails ?? []) as Json[]) {
    const task = td.taskName as string | undefined;
    for (const [key, list] of Object.entries((td.outputs ?? {}) as Json)) {
      for (const a of ((list as Json)?.artifacts ?? []) as Json[]) {
        if (!a?.uri) continue;
        const type = a.schemaTitle || (task ? declared.get(task)?.get(key) : undefined) || key;
        result.push({ type, task, key, uri: a.uri, metadata: structToJson(a.metadata) });
      }
    }
  }
  return result;
}

/** The model a run pushed: the tfx.PushedModel artifact's folder (the version folder the Pusher wrote). */
export function pushedModelOf(artifacts: RunArtifact[]): RunArtifact | undefined {
  return artifacts.find(a => a.type === 'tfx.PushedModel' && a.metadata.pushed !== 0) ?? artifacts.find(a => a.type === 'model');
}

/** Pusher writes `pushed_destination` (the version folder) and `pushed_version`; the artifact uri itself is the local copy. */
export function pushedDestination(a: RunArtifact): string {
  const d = a.metadata.pushed_destination;
  return typeof d === 'string' && d.startsWith('gs://') ? d : a.uri;
}

export function isBlessed(artifacts: RunArtifact[]): boolean | undefined {
  const b = artifacts.find(a => a.type === 'tfx.ModelBlessing');
  if (!b) return undefined;
  const v = b.metadata.blessed;
  return v === 1 || v === true || v === '1';
}

/** Custom jobs: TF's convention is `<baseOutputDirectory>/model`. */
export function customJobModelUri(baseOutputDirectory: string | undefined): string | undefined {
  if (!baseOutputDirectory) return undefined;
  return `${baseOutputDirectory.replace(/\/+$/, '')}/model/`;
}
