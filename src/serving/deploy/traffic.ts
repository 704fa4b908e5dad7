/** Traffic splits for canary and rollback (pure). */
import type { CloudRunService, TrafficTarget } from '../domain';

const short = (r?: string) => r?.split('/').pop();

/** Where traffic goes now, with LATEST resolved to the revision it points at. */
export function currentSplit(s: CloudRunService): Map<string, number> {
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  const out = new Map<string, number>();
  for (const x of t) {
    const rev = x.type === 'LATEST' ? short(s.latestReadyRevision) : short(x.revision);
    if (rev && x.percent > 0) out.set(rev, (out.get(rev) ?? 0) + x.percent);
  }
  return out;
}

/**
 * X% to the canary revision (tagged `canary`), the other (100-X)% spread over the revisions that
 * serve now in their current proportions. Revisions are pinned by name, so a later deploy does
 * not silently take the traffic.
 */
export function canaryTraffic(s: CloudRunService, canary: string, percent: number): TrafficTarget[] {
  const now = currentSplit(s);
  now.delete(canary);
  const total = [...now.values()].reduce((a, b) => a + b, 0);
  const rest = 100 - percent;
  const targets: TrafficTarget[] = [{ type: 'REVISION', revision: canary, percent, tag: 'canary' }];
  if (!total) {
    if (rest > 0) throw new Error(`no other revision serves ${s.id} to keep ${rest}% of the traffic`);
    return targets;
  }
  const entries = [...now.entries()];
  let assigned = 0;
  entries.forEach(([rev, p], i) => {
    const share = i === entries.length - 1 ? rest - assigned : Math.floor((p / total) * rest);
    assigned += share;
    if (share > 0) targets.push({ type: 'REVISION', revision: rev, percent: share });
  });
  return targets;
}

export function rollbackTraffic(revision: string): TrafficTarget[] {
  return [{ type: 'REVISION', revision, percent: 100 }];
}
