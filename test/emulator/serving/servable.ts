/**
 * The loaded model versions of one stand-in and how TF Serving resolves a request to one of them
 * (ServerCore::GetServableHandle, GetModelVersionForLabel), with its error texts.
 */
import type { Signature } from '../../../src/serving/savedModel/types';
import { invalidArgument, notFound } from './status';

export interface ServedVersion { version: string; signatures: Record<string, Signature> }

export interface ModelSpecRequest { model: string; version?: string; label?: string }

export class Servable {
  /** Versions sorted newest first (TF Serving's status order). */
  readonly versions: ServedVersion[];

  constructor(readonly name: string, versions: ServedVersion[], readonly labels: Record<string, string> = {}) {
    if (!name) throw new Error('modelName: required');
    if (versions.length === 0) throw new Error('versions: at least one version is required');
    for (const v of versions) {
      if (!/^\d+$/.test(v.version)) throw new Error(`versions[].version: expected a numeric version, got ${JSON.stringify(v.version)}`);
    }
    this.versions = [...versions].sort((a, b) => (BigInt(b.version) > BigInt(a.version) ? 1 : -1));
    for (const [label, v] of Object.entries(labels)) {
      if (!this.versions.some(x => x.version === v)) throw new Error(`labels.${label}: version ${v} is not among the served versions`);
    }
  }

  /** The version a label names; INVALID_ARGUMENT when the label is unknown. */
  private versionForLabel(model: string, label: string): string {
    const v = model === this.name ? this.labels[label] : undefined;
    if (v === undefined) throw invalidArgument('Unrecognized servable version label: ', label);
    return v;
  }

  /** GetServableHandle: NOT_FOUND "Servable not found for request: Latest(NAME)" and friends. */
  resolve(spec: ModelSpecRequest): ServedVersion {
    const version = spec.label !== undefined ? this.versionForLabel(spec.model, spec.label) : spec.version;
    const request = version === undefined ? `Latest(${spec.model})` : `Specific(${spec.model}, ${version})`;
    if (spec.model !== this.name) throw notFound('Servable not found for request: ', request);
    const found = version === undefined ? this.versions[0] : this.versions.find(v => v.version === version);
    if (!found) throw notFound('Servable not found for request: ', request);
    return found;
  }

  /** GetModelStatusImpl: every version for a bare name, one for a version or label. */
  statusVersions(spec: ModelSpecRequest): ServedVersion[] {
    const version = spec.label !== undefined ? this.versionForLabel(spec.model, spec.label) : spec.version;
    if (version === undefined) {
      if (spec.model !== this.name) throw notFound('Could not find any versions of model ', spec.model);
      return this.versions;
    }
    const found = spec.model === this.name ? this.versions.find(v => v.version === version) : undefined;
    if (!found) throw notFound('Could not find version ', version, ' of model ', spec.model);
    return [found];
  }
}
