/**
 * Vertex AI state: registered models (each a list of versions), custom jobs and pipeline jobs, all
 * held in proto-loader object form (camelCase, enums by name, Timestamps as {seconds, nanos}).
 */
import { invalidArgument, notFound } from '../errors';

export type Proto = Record<string, any>;

export interface RegisteredModel {
  /** `projects/P/locations/L/models/ID` */
  name: string;
  versions: Proto[];
}

export class VertexStore {
  readonly models = new Map<string, RegisteredModel>();
  readonly customJobs = new Map<string, Proto>();
  readonly pipelineJobs = new Map<string, Proto>();
  private idSeq = 0;

  /** Numeric ids like Vertex's, unique in this process. */
  newId(): string {
    return String(BigInt(1_000_000_000_000_000_000) + BigInt(Date.now() % 1e9) * 1000n + BigInt(++this.idSeq));
  }

  /** Resolve `.../models/ID`, `.../models/ID@VERSION_ID` or `.../models/ID@ALIAS` to a model and one version. */
  resolve(name: string): { model: RegisteredModel; version: Proto } {
    const m = /^(projects\/[^/]+\/locations\/[^/]+\/models\/[^/@]+)(?:@([^/]+))?$/.exec(name ?? '');
    if (!m) throw invalidArgument(`name: expected "projects/PROJECT/locations/LOCATION/models/MODEL[@VERSION]", got "${name}"`);
    const model = this.models.get(m[1]);
    if (!model) throw notFound(`Model ${m[1]} not found.`);
    const ref = m[2] ?? 'default';
    const version = model.versions.find(v => v.versionId === ref || (v.versionAliases ?? []).includes(ref));
    if (!version) throw notFound(`Model version ${ref} of ${m[1]} not found.`);
    return { model, version };
  }

  defaultVersion(model: RegisteredModel): Proto {
    return model.versions.find(v => (v.versionAliases ?? []).includes('default')) ?? model.versions[model.versions.length - 1];
  }
}

/** `projects/P/locations/L` or INVALID_ARGUMENT naming the field. */
export function checkParent(parent: string | undefined, field = 'parent'): string {
  if (!parent || !/^projects\/[^/]+\/locations\/[^/]+$/.test(parent)) {
    throw invalidArgument(`${field}: expected "projects/PROJECT/locations/LOCATION", got "${parent ?? ''}"`);
  }
  return parent;
}

/** Vertex label rules: lowercase keys/values of letters, digits, `_` and `-`, at most 63 characters, keys start with a letter. */
export function checkLabels(labels: Record<string, string> | undefined, field: string): void {
  if (!labels) return;
  const entries = Object.entries(labels);
  if (entries.length > 64) throw invalidArgument(`${field}: at most 64 labels are allowed, got ${entries.length}`);
  for (const [k, v] of entries) {
    if (!/^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(k)) throw invalidArgument(`${field}: invalid label key "${k}" (lowercase letters, digits, "_" and "-", starting with a letter, at most 63 characters)`);
    if (!/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(v)) throw invalidArgument(`${field}: invalid value "${v}" for label "${k}" (lowercase letters, digits, "_" and "-", at most 63 characters)`);
  }
}
