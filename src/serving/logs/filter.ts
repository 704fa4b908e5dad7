/** Cloud Logging filters for a log target: a Cloud Run service's logs, or a Vertex AI endpoint's. */
import { parseServiceName, REGION, REVISION_ID, SERVICE_ID } from '../resourceNames';

/** A filter string literal: double-quoted, with backslash and double quote escaped. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface ServiceLogQuery {
  /** Service id (`my-model`), not the full resource name. */
  service: string;
  /**
   * The service's region (`us-central1`): two services with one name in two regions are two
   * services, and one must not show the other's logs.
   */
  location?: string;
  /** One revision (`my-model-00002-abc`), or all of the service's. */
  revision?: string;
  /** Only entries at or after this time (ListLogEntries backfill after a reconnect). */
  since?: Date;
  /** Only entries at or above this severity. */
  minSeverity?: string;
}


/**
 * `resource.type="cloud_run_revision" AND resource.labels.service_name="SVC"`, plus the revision,
 * a lower time bound and a severity floor when given. Bad ids throw naming the field, since a typo
 * would otherwise tail nothing, silently.
 */
export function serviceLogFilter(q: ServiceLogQuery): string {
  if (typeof q.service !== 'string' || !SERVICE_ID.test(q.service)) throw new Error(`service: expected a Cloud Run service id (lowercase letters, digits, hyphens), got ${JSON.stringify(q.service)}`);
  const parts = ['resource.type="cloud_run_revision"', `resource.labels.service_name=${quoteFilterValue(q.service)}`];
  if (q.location !== undefined) {
    if (typeof q.location !== 'string' || !REGION.test(q.location)) throw new Error(`location: expected a Cloud Run region such as us-central1, got ${JSON.stringify(q.location)}`);
    parts.push(`resource.labels.location=${quoteFilterValue(q.location)}`);
  }
  if (q.revision !== undefined) {
    if (typeof q.revision !== 'string' || !REVISION_ID.test(q.revision)) throw new Error(`revision: expected a Cloud Run revision id, got ${JSON.stringify(q.revision)}`);
    parts.push(`resource.labels.revision_name=${quoteFilterValue(q.revision)}`);
  }
  if (q.since !== undefined) {
    if (!(q.since instanceof Date) || Number.isNaN(q.since.getTime())) throw new Error('since: expected a valid Date');
    parts.push(`timestamp>=${quoteFilterValue(q.since.toISOString())}`);
  }
  if (q.minSeverity !== undefined) {
    if (!/^[A-Z]+$/.test(q.minSeverity)) throw new Error(`minSeverity: expected a severity name such as WARNING, got ${JSON.stringify(q.minSeverity)}`);
    parts.push(`severity>=${q.minSeverity}`);
  }
  return parts.join(' AND ');
}

/** `projects/P/locations/R/services/S` → `R`; undefined for a bare id. */
export function serviceLocationOf(nameOrId: string): string | undefined {
  return parseServiceName(nameOrId)?.region;
}

/** `projects/P/locations/R/services/S` → `P`; undefined for a bare id. */
export function serviceProjectOf(nameOrId: string): string | undefined {
  return parseServiceName(nameOrId)?.project;
}

/** `projects/P/locations/R/services/S` → `S` (an id passes through). */
export function serviceIdOf(nameOrId: string): string {
  return parseServiceName(nameOrId)?.service ?? nameOrId;
}

/** A filter field that failed validation; `field` names it (the message starts with it too). */
export class LogFilterError extends Error {
  override readonly name = 'LogFilterError';
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

/**
 * Vertex AI endpoint and deployed model ids: numeric by default (up to 19 digits), or an id the
 * user chose (lowercase letters, digits, hyphens). Nothing that could close a filter string.
 */
export const VERTEX_LOG_ID = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;

export const ENDPOINT_RESOURCE_TYPE = 'aiplatform.googleapis.com/Endpoint';

export interface EndpointLogQuery {
  /** Endpoint id (`1234567890`), not the full resource name. */
  endpointId: string;
  /** The endpoint's region: endpoint ids are per location. */
  location?: string;
  /** One deployed model's entries, or all of the endpoint's. */
  deployedModelId?: string;
  since?: Date;
  minSeverity?: string;
}

/**
 * `resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="ID"`, plus
 * the location, the deployed model, a lower time bound and a severity floor when given. The
 * deployed model id is matched both as a resource label (as the emulator writes it) and as an
 * entry label (the Endpoint monitored resource itself only has resource_container, location and
 * endpoint_id), so the filter holds for either shape. Bad ids throw a LogFilterError naming the field.
 */
export function endpointTailFilter(q: EndpointLogQuery): string {
  if (typeof q.endpointId !== 'string' || !VERTEX_LOG_ID.test(q.endpointId)) throw new LogFilterError('endpointId', `expected a Vertex AI endpoint id (digits, or lowercase letters, digits and hyphens), got ${JSON.stringify(q.endpointId)}`);
  const parts = [`resource.type=${quoteFilterValue(ENDPOINT_RESOURCE_TYPE)}`, `resource.labels.endpoint_id=${quoteFilterValue(q.endpointId)}`];
  if (q.location !== undefined) {
    if (typeof q.location !== 'string' || !REGION.test(q.location)) throw new LogFilterError('location', `expected a Vertex AI region such as us-central1, got ${JSON.stringify(q.location)}`);
    parts.push(`resource.labels.location=${quoteFilterValue(q.location)}`);
  }
  if (q.deployedModelId !== undefined) {
    if (typeof q.deployedModelId !== 'string' || !VERTEX_LOG_ID.test(q.deployedModelId)) throw new LogFilterError('deployedModelId', `expected a deployed model id (digits, or lowercase letters, digits and hyphens), got ${JSON.stringify(q.deployedModelId)}`);
    const id = quoteFilterValue(q.deployedModelId);
    parts.push(`(resource.labels.deployed_model_id=${id} OR labels.deployed_model_id=${id})`);
  }
  if (q.since !== undefined) {
    if (!(q.since instanceof Date) || Number.isNaN(q.since.getTime())) throw new LogFilterError('since', 'expected a valid Date');
    parts.push(`timestamp>=${quoteFilterValue(q.since.toISOString())}`);
  }
  if (q.minSeverity !== undefined) {
    if (!/^[A-Z]+$/.test(q.minSeverity)) throw new LogFilterError('minSeverity', `expected a severity name such as WARNING, got ${JSON.stringify(q.minSeverity)}`);
    parts.push(`severity>=${q.minSeverity}`);
  }
  return parts.join(' AND ');
}

/**
 * What a tail follows, from its name: a Cloud Run service (`projects/P/locations/R/services/S`,
 * or a bare id), or a Vertex AI endpoint (`projects/P/locations/R/endpoints/E`), optionally one
 * deployed model of it (`.../endpoints/E/deployedModels/D`, this product's name for that pair).
 */
export type LogTargetRef =
  | { kind: 'service'; name: string; id: string; project?: string; location?: string }
  | { kind: 'endpoint'; name: string; id: string; project: string; location: string; endpointId: string; deployedModelId?: string };

const ENDPOINT_TARGET = /^projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/([^/]+)(?:\/deployedModels\/([^/]+))?$/;

/** The tail name of an endpoint, or of one model deployed to it. */
export function endpointTargetName(endpointName: string, deployedModelId?: string): string {
  return deployedModelId ? `${endpointName}/deployedModels/${deployedModelId}` : endpointName;
}

/** Parses a tail name; an endpoint name's ids are checked (LogFilterError naming the field). */
export function parseLogTarget(name: string): LogTargetRef {
  const m = ENDPOINT_TARGET.exec(name);
  if (!m) return { kind: 'service', name, id: serviceIdOf(name), project: serviceProjectOf(name), location: serviceLocationOf(name) };
  const [, project, location, endpointId, deployedModelId] = m;
  // Validates now, so a bad name fails the caller rather than the background connect.
  endpointTailFilter({ endpointId, location, deployedModelId });
  const id = deployedModelId ? `endpoints/${endpointId}/deployedModels/${deployedModelId}` : `endpoints/${endpointId}`;
  return { kind: 'endpoint', name, id, project, location, endpointId, ...(deployedModelId ? { deployedModelId } : {}) };
}

/** The filter of a tail target's entries (in its region), optionally since a time. */
export function logTargetFilter(t: LogTargetRef, since?: Date): string {
  return t.kind === 'service'
    ? serviceLogFilter({ service: t.id, location: t.location, since })
    : endpointTailFilter({ endpointId: t.endpointId, location: t.location, deployedModelId: t.deployedModelId, since });
}

/** The project of a tail name (service or endpoint); undefined for a bare id. */
export function logTargetProjectOf(name: string): string | undefined {
  return ENDPOINT_TARGET.exec(name)?.[1] ?? serviceProjectOf(name);
}

/**
 * The Cloud Console's Logs Explorer on the same entries as the tail (same filter); undefined for
 * a bare service id, whose project is not known.
 */
export function logsExplorerUrl(t: LogTargetRef): string | undefined {
  if (!t.project) return undefined;
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(logTargetFilter(t))}?project=${encodeURIComponent(t.project)}`;
}
