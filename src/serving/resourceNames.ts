/**
 * Google Cloud resource names, said once: the ids and names users and commands pass, the id at
 * the end of a name, the region inside one. Every check of a service or revision name uses these.
 */

/** A project id: 6-30 characters, a lowercase letter first, no hyphen last. */
export const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A region such as us-central1 or europe-west4. */
export const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;
/** A Cloud Run service id: a lowercase letter first, letters, digits and hyphens, no hyphen last, at most 49 characters. */
export const SERVICE_ID = /^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/;
/** A Cloud Run revision id (`my-model-00002-abc`): as a service id, at most 63 characters. */
export const REVISION_ID = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const body = (r: RegExp) => r.source.slice(1, -1);
/**
 * The one service-name rule: projects/PROJECT/locations/LOCATION/services/SERVICE. The project part
 * is any one segment (an id or a project number, as Cloud Run may return) and the location any
 * lowercase segment; the API checks both (REGION is for what a user types as a region).
 */
export const SERVICE_NAME = new RegExp(`^projects/([^/]+)/locations/([a-z][a-z0-9-]*)/services/(${body(SERVICE_ID)})$`);

export interface ServiceNameParts {
  project: string;
  region: string;
  service: string;
}

/** The parts of a Cloud Run service name, or undefined when `name` is not one. */
export function parseServiceName(name: string): ServiceNameParts | undefined {
  const m = SERVICE_NAME.exec(name);
  return m ? { project: m[1], region: m[2], service: m[3] } : undefined;
}

export function serviceName(project: string, region: string, serviceId: string): string {
  return `projects/${project}/locations/${region}/services/${serviceId}`;
}

/** The id at the end of a resource name (`…/revisions/rev-1` → `rev-1`); an id passes through. */
export function idOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** `idOf` for an optional name. */
export function idOrUndefined(name: string | undefined): string | undefined {
  return name === undefined ? undefined : idOf(name);
}

/**
 * The region of a regional resource name (projects/P/locations/R/…). Throws, naming the resource,
 * when there is none: a default region would silently read or write the wrong one.
 */
export function regionOf(name: string): string {
  const m = /(?:^|\/)locations\/([^/]+)/.exec(name);
  if (!m) throw new Error(`"${name}" names no region (expected projects/P/locations/REGION/…)`);
  return m[1];
}

/** A Vertex AI endpoint: projects/P/locations/R/endpoints/ID. */
export const ENDPOINT_NAME = /^projects\/[^/]+\/locations\/[a-z0-9-]+\/endpoints\/[^/]+$/;

/** The last part of a Cloud Storage object name or path (`gs://b/dir/x.jsonl` → `x.jsonl`). */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
