/**
 * "Which run / artifact / model / version / service / revision did the user click": the one
 * answer for every feature. Tree nodes carry their data as `node.target` with a kind tag; this
 * reads it structurally (no `instanceof`), so a node built by one bundle is understood by another
 * and features never import the explorer's classes. Node data is treated as untrusted input:
 * a malformed target is a ValidationError naming the field.
 */
import { ValidationError } from '../../common/errors';
import type { CloudRunService, ModelVersion, RegisteredModel, Revision, RunArtifact, TrainingRun } from '../../serving/domain';
import type { VertexEndpoint } from '../../serving/endpoints/types';
import type { BatchJob } from '../../serving/batch/job';

export type Target =
  | { kind: 'run'; run: TrainingRun }
  | { kind: 'artifact'; run: TrainingRun; artifact: RunArtifact }
  | { kind: 'model'; model: RegisteredModel }
  | { kind: 'modelVersion'; model: RegisteredModel; version: ModelVersion }
  | { kind: 'service'; service: CloudRunService }
  | { kind: 'revision'; service: CloudRunService; revision: Revision }
  | { kind: 'endpoint'; endpoint: VertexEndpoint }
  | { kind: 'deployedModel'; endpoint: VertexEndpoint; deployedModelId: string }
  | { kind: 'batchJob'; job: BatchJob };

export type TargetKind = Target['kind'];
export type TargetOf<K extends TargetKind> = Extract<Target, { kind: K }>;

/** What a tree node exposes. */
export interface Targeted {
  readonly target: Target;
}

const KINDS: readonly TargetKind[] = ['run', 'artifact', 'model', 'modelVersion', 'service', 'revision', 'endpoint', 'deployedModel', 'batchJob'];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `obj.field` must be an object whose listed keys are non-empty strings. */
function record(obj: Record<string, unknown>, field: string, keys: string[]): void {
  const v = obj[field];
  if (!isObj(v)) throw new ValidationError(`target.${field}`, `expected an object, got ${v === null ? 'null' : typeof v}`);
  for (const k of keys) {
    if (typeof v[k] !== 'string' || !v[k]) throw new ValidationError(`target.${field}.${k}`, `expected a non-empty string, got ${JSON.stringify(v[k]) ?? 'undefined'}`);
  }
}

/**
 * The target of a tree node, or undefined when `arg` is not a node (nothing, a resource name,
 * `{service: name}` from another command). Throws ValidationError when a node's target is malformed.
 */
export function targetOf(arg: unknown): Target | undefined {
  if (!isObj(arg) || !('target' in arg)) return undefined;
  const t = arg.target;
  if (!isObj(t)) throw new ValidationError('target', `expected an object with a kind, got ${t === null ? 'null' : typeof t}`);
  if (typeof t.kind !== 'string' || !(KINDS as readonly string[]).includes(t.kind)) throw new ValidationError('target.kind', `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(t.kind) ?? 'undefined'}`);
  switch (t.kind as TargetKind) {
    case 'run': record(t, 'run', ['name', 'state', 'region']); break;
    case 'artifact': record(t, 'run', ['name', 'state', 'region']); record(t, 'artifact', ['uri']); break;
    case 'model': record(t, 'model', ['name', 'region']); break;
    case 'modelVersion': record(t, 'model', ['name', 'region']); record(t, 'version', ['modelName', 'versionId']); break;
    case 'service': record(t, 'service', ['name', 'id']); break;
    case 'revision': record(t, 'service', ['name', 'id']); record(t, 'revision', ['name', 'id']); break;
    case 'endpoint': record(t, 'endpoint', ['name', 'region']); break;
    case 'batchJob': record(t, 'job', ['name']); break;
    case 'deployedModel':
      record(t, 'endpoint', ['name', 'region']);
      if (typeof t.deployedModelId !== 'string' || !t.deployedModelId) throw new ValidationError('target.deployedModelId', `expected a non-empty string, got ${JSON.stringify(t.deployedModelId) ?? 'undefined'}`);
      break;
  }
  return t as Target;
}

/** The node's target when it is one of `kinds`, else undefined (also for a node of another kind). */
export function targetIn<K extends TargetKind>(arg: unknown, ...kinds: K[]): TargetOf<K> | undefined {
  const t = targetOf(arg);
  return t && (kinds as TargetKind[]).includes(t.kind) ? (t as TargetOf<K>) : undefined;
}

/** The service a service or revision row stands for. */
export function serviceTarget(arg: unknown): CloudRunService | undefined {
  return targetIn(arg, 'service', 'revision')?.service;
}

/** The revision row's revision id, undefined for anything else. */
export function revisionTarget(arg: unknown): TargetOf<'revision'> | undefined {
  return targetIn(arg, 'revision');
}
