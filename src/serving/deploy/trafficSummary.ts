import type { CloudRunService } from '../domain';
import { idOf, idOrUndefined } from '../resourceNames';

/** "00002-abc 90% · 00001-xyz 10% (tag canary)" from trafficStatuses, else the requested traffic. */
export function trafficSummary(s: CloudRunService): string {
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  if (!t.length) return '-';
  return t.map(x => `${x.type === 'LATEST' ? `latest${s.latestReadyRevision ? ` (${idOf(s.latestReadyRevision)})` : ''}` : idOrUndefined(x.revision)} ${x.percent}%${x.tag ? ` (tag ${x.tag})` : ''}`).join(' · ');
}
