/** Traffic splits for canary, promote, end canary and rollback, and what each moves (pure). */
import type { CloudRunService, TrafficTarget } from '../domain';
import { idOrUndefined } from '../resourceNames';

const short = (r?: string) => idOrUndefined(r);

/** The tag a canary revision carries (its own URL: https://canary---SERVICE-….run.app). */
export const CANARY_TAG = 'canary';

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

/** The revision tagged `canary` that gets some traffic, if a canary is running. */
export function canaryRevision(s: CloudRunService): string | undefined {
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  const c = t.find(x => x.tag === CANARY_TAG && x.percent > 0);
  return c ? (c.type === 'LATEST' ? short(s.latestReadyRevision) : short(c.revision)) : undefined;
}

/** `percent` spread over the revisions of `split` in their current proportions, summing exactly. */
function spread(split: Map<string, number>, percent: number): TrafficTarget[] {
  const entries = [...split.entries()];
  const total = entries.reduce((a, [, p]) => a + p, 0);
  const out: TrafficTarget[] = [];
  let assigned = 0;
  entries.forEach(([rev, p], i) => {
    const share = i === entries.length - 1 ? percent - assigned : Math.floor((p / total) * percent);
    assigned += share;
    if (share > 0) out.push({ type: 'REVISION', revision: rev, percent: share });
  });
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
  const targets: TrafficTarget[] = [{ type: 'REVISION', revision: canary, percent, tag: CANARY_TAG }];
  if (!total) {
    if (rest > 0) throw new Error(`no other revision serves ${s.id} to keep ${rest}% of the traffic: ${canary} already gets all of it`);
    return targets;
  }
  return [...targets, ...spread(now, rest)];
}

/**
 * Promote: the canary gets everything and loses its tag. When it is the latest ready revision the
 * service goes back to following LATEST, so the next deploy takes traffic as a deploy normally does.
 */
export function promoteTraffic(s: CloudRunService, canary: string): TrafficTarget[] {
  return short(s.latestReadyRevision) === canary ? [{ type: 'LATEST', percent: 100 }] : rollbackTraffic(canary);
}

/** End the canary: its share goes back to the other serving revisions, in their proportions. */
export function endCanaryTraffic(s: CloudRunService, canary: string): TrafficTarget[] {
  const now = currentSplit(s);
  now.delete(canary);
  if (![...now.values()].some(p => p > 0)) throw new Error(`no other revision serves ${s.id} to take back ${canary}'s traffic; use Roll Back to pick one`);
  return spread(now, 100);
}

export function rollbackTraffic(revision: string): TrafficTarget[] {
  return [{ type: 'REVISION', revision, percent: 100 }];
}

export interface TrafficMove {
  revision: string;
  /** `latest (rev-a)` when the revision gets its traffic through LATEST, else the revision id. */
  label: string;
  from: number;
  to: number;
}

/** The revisions whose share changes when `next` replaces the service's traffic, losers first. */
export function trafficMoves(s: CloudRunService, next: TrafficTarget[]): TrafficMove[] {
  const before = currentSplit(s);
  const after = new Map<string, number>();
  for (const x of next) {
    const rev = x.type === 'LATEST' ? short(s.latestReadyRevision) : short(x.revision);
    if (rev) after.set(rev, (after.get(rev) ?? 0) + x.percent);
  }
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  const viaLatest = new Set(t.filter(x => x.type === 'LATEST' && x.percent > 0).map(() => short(s.latestReadyRevision)));
  const revisions = [...new Set([...before.keys(), ...after.keys()])];
  return revisions
    .map(revision => ({ revision, label: viaLatest.has(revision) ? `latest (${revision})` : revision, from: before.get(revision) ?? 0, to: after.get(revision) ?? 0 }))
    .filter(m => m.from !== m.to)
    // What loses traffic first, then what gains it: "from here … to there".
    .sort((a, b) => Number(a.to > a.from) - Number(b.to > b.from));
}

/** "latest (rev-a) 90% → 0%, rev-b 10% → 100%", or that nothing moves. */
export function describeMoves(moves: TrafficMove[]): string {
  return moves.length ? moves.map(m => `${m.label} ${m.from}% → ${m.to}%`).join(', ') : 'no traffic moves';
}
