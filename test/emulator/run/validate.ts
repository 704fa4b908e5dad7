/**
 * Request checks of the Cloud Run Admin API v2, each failing with INVALID_ARGUMENT that names the
 * field, as Cloud Run does (`service_id`, `service.template.containers[0].image`, ...).
 */
import { invalidArgument } from '../errors';

/** Service ids: lowercase letters, digits and hyphens, start with a letter, no trailing hyphen, < 50 characters. */
export function checkServiceId(id: string | undefined): string {
  if (!id) throw invalidArgument('service_id: required');
  if (id.length > 49) throw invalidArgument(`service_id: "${id}" is ${id.length} characters long; the limit is 49`);
  if (!/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(id)) {
    throw invalidArgument(`service_id: "${id}" is invalid. It must use only lowercase alphanumeric characters and dashes, begin with a letter, and cannot end with a dash.`);
  }
  return id;
}

export function checkLocationParent(parent: string | undefined): { project: string; location: string } {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)$/.exec(parent ?? '');
  if (!m) throw invalidArgument(`parent: expected "projects/PROJECT/locations/LOCATION", got "${parent ?? ''}"`);
  return { project: m[1], location: m[2] };
}

export function parseServiceName(name: string | undefined, field = 'name'): { parent: string; project: string; location: string; id: string } {
  const m = /^(projects\/([^/]+)\/locations\/([^/]+))\/services\/([^/]+)$/.exec(name ?? '');
  if (!m) throw invalidArgument(`${field}: expected "projects/PROJECT/locations/LOCATION/services/SERVICE", got "${name ?? ''}"`);
  return { parent: m[1], project: m[2], location: m[3], id: m[4] };
}

const labelKey = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const labelValue = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

function checkLabels(labels: Record<string, string> | undefined, field: string): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!labelKey.test(k)) throw invalidArgument(`${field}: invalid label key "${k}"`);
    if (!labelValue.test(v)) throw invalidArgument(`${field}: invalid value "${v}" for label "${k}"`);
  }
}

const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|k|M|G)?$/;
const CPU = /^(\d+(\.\d+)?|\d+m)$/;

/** Checks a Service as sent on create/update (output-only fields are ignored). */
export function checkService(svc: any, serviceId: string): void {
  if (!svc) throw invalidArgument('service: required');
  checkLabels(svc.labels, 'service.labels');
  const t = svc.template;
  if (!t) throw invalidArgument('service.template: required');
  checkLabels(t.labels, 'service.template.labels');
  if (t.revision !== undefined && t.revision !== '' && !(t.revision.startsWith(serviceId + '-') && /^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(t.revision) && t.revision.length <= 63)) {
    throw invalidArgument(`service.template.revision: "${t.revision}" must start with "${serviceId}-", use lowercase letters, digits and dashes, and be at most 63 characters`);
  }
  const containers: any[] = t.containers ?? [];
  if (!containers.length) throw invalidArgument('service.template.containers: at least one container is required');
  const volumes = new Map<string, any>((t.volumes ?? []).map((v: any, i: number) => {
    if (!v.name) throw invalidArgument(`service.template.volumes[${i}].name: required`);
    if (v.gcs && !v.gcs.bucket) throw invalidArgument(`service.template.volumes[${i}].gcs.bucket: required`);
    for (const o of v.gcs?.mountOptions ?? []) if (!/^[a-z-]+(=.*)?$/.test(o)) throw invalidArgument(`service.template.volumes[${i}].gcs.mount_options: invalid option "${o}"`);
    return [v.name, v];
  }));
  containers.forEach((c, i) => {
    const f = `service.template.containers[${i}]`;
    if (!c.image) throw invalidArgument(`${f}.image: required`);
    const limits = c.resources?.limits ?? {};
    if (limits.memory !== undefined && !MEMORY.test(limits.memory)) throw invalidArgument(`${f}.resources.limits.memory: invalid quantity "${limits.memory}" (e.g. "512Mi", "2Gi")`);
    if (limits.cpu !== undefined && !CPU.test(limits.cpu)) throw invalidArgument(`${f}.resources.limits.cpu: invalid quantity "${limits.cpu}" (e.g. "1", "2", "1000m")`);
    (c.volumeMounts ?? []).forEach((m: any, j: number) => {
      if (!volumes.has(m.name)) throw invalidArgument(`${f}.volume_mounts[${j}].name: volume "${m.name}" is not defined in service.template.volumes`);
      if (!m.mountPath?.startsWith('/')) throw invalidArgument(`${f}.volume_mounts[${j}].mount_path: must be an absolute path`);
    });
    (c.ports ?? []).forEach((p: any, j: number) => {
      if (p.containerPort !== undefined && (p.containerPort < 1 || p.containerPort > 65535)) throw invalidArgument(`${f}.ports[${j}].container_port: must be between 1 and 65535`);
    });
  });
  if (containers.filter(c => c.ports?.length).length > 1) throw invalidArgument('service.template.containers: only one container may expose a port');
  const s = t.scaling;
  if (s && s.minInstanceCount !== undefined && s.maxInstanceCount !== undefined && s.maxInstanceCount > 0 && s.minInstanceCount > s.maxInstanceCount) {
    throw invalidArgument(`service.template.scaling.min_instance_count: ${s.minInstanceCount} is greater than max_instance_count ${s.maxInstanceCount}`);
  }
  const conc = t.maxInstanceRequestConcurrency;
  if (conc !== undefined && (conc < 0 || conc > 1000)) throw invalidArgument('service.template.max_instance_request_concurrency: must be between 1 and 1000');
}

export type TrafficType = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' | 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** Traffic: percents add up to 100, REVISION targets name a revision, tags are unique DNS labels. */
export function checkTraffic(traffic: any[] | undefined, revisionExists: (short: string) => boolean): void {
  if (!traffic?.length) return;
  let sum = 0;
  const tags = new Set<string>();
  traffic.forEach((t, i) => {
    const f = `service.traffic[${i}]`;
    const type = t.type ?? 'TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED';
    if (type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION') {
      if (!t.revision) throw invalidArgument(`${f}.revision: required when type is TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
      if (!revisionExists(t.revision.split('/').pop())) throw invalidArgument(`${f}.revision: revision "${t.revision}" does not exist`);
    } else if (type !== 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST') {
      throw invalidArgument(`${f}.type: must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
    }
    const p = t.percent ?? 0;
    if (!Number.isInteger(p) || p < 0 || p > 100) throw invalidArgument(`${f}.percent: must be between 0 and 100`);
    sum += p;
    if (t.tag) {
      if (!/^[a-z]([a-z0-9-]{0,44}[a-z0-9])?$/.test(t.tag)) throw invalidArgument(`${f}.tag: "${t.tag}" must be lowercase letters, digits and dashes, start with a letter, at most 46 characters`);
      if (tags.has(t.tag)) throw invalidArgument(`${f}.tag: tag "${t.tag}" is used more than once`);
      tags.add(t.tag);
    }
  });
  if (sum !== 100) throw invalidArgument(`service.traffic: percentages must add up to 100, got ${sum}`);
}
