import { idOf, type CloudRunService, type ModelVersion, type Revision } from '../domain';
import { SERVICE_LABELS } from './serviceLabels';

/** A service with the labels of each revision that has traffic: what it really serves. */
export interface ServingService {
  service: CloudRunService;
  serving: Array<Record<string, string>>;
}

/**
 * The revisions that get traffic (full names). A LATEST target without a revision in its status
 * means the latest ready revision.
 */
export function revisionsWithTraffic(s: CloudRunService): string[] {
  const names = s.trafficStatuses
    .filter(t => t.percent > 0)
    .map(t => (t.revision ? (t.revision.includes('/') ? t.revision : `${s.name}/revisions/${t.revision}`) : s.latestReadyRevision))
    .filter((n): n is string => Boolean(n));
  return [...new Set(names)];
}

/**
 * The service's own labels describe its newest template, which is what serves only when that
 * revision has all the traffic. After a failed deploy or during a canary the labels of the
 * revisions with traffic must be read instead.
 */
export function serviceLabelsAreServing(s: CloudRunService): boolean {
  const serving = revisionsWithTraffic(s);
  return serving.length === 1 && serving[0] === s.latestCreatedRevision;
}

/** Lists revisions only for the services whose own labels may not say what serves. */
export async function withServingLabels(services: CloudRunService[], listRevisions: (service: string) => Promise<Revision[]>): Promise<ServingService[]> {
  return Promise.all(services.map(async service => {
    if (serviceLabelsAreServing(service)) return { service, serving: [service.labels] };
    const wanted = new Set(revisionsWithTraffic(service));
    const revisions = await listRevisions(service.name).catch(() => undefined);
    // Revisions unreadable: the service labels are the best guess left.
    if (!revisions) return { service, serving: [service.labels] };
    return { service, serving: revisions.filter(r => wanted.has(r.name)).map(r => r.labels) };
  }));
}

/** Services with traffic on a revision whose labels name this model version. */
export function servedBy(services: ServingService[], v: ModelVersion): CloudRunService[] {
  const model = idOf(v.modelName);
  return services
    .filter(s => s.serving.some(l => l[SERVICE_LABELS.model] === model && l[SERVICE_LABELS.modelVersion] === v.versionId))
    .map(s => s.service);
}
