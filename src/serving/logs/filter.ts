/** Cloud Logging filters for a Cloud Run service's logs. */
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
