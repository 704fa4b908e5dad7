/**
 * Reaching two revisions by Cloud Run tag URLs: a revision without traffic is reachable only
 * through a tag. Adding a tag is a traffic-config change, so this keeps every percentage as it is
 * and only adds tags (existing tags are reused). Pure.
 */
import type { CloudRunService, TrafficTarget } from '../domain';
import { idOrUndefined } from '../resourceNames';

const short = idOrUndefined;

/** A valid tag for the revision (lowercase letters, digits, dashes; starts with a letter). */
export function compareTag(revision: string): string {
  const tail = revision.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(-40).replace(/^-+/, '');
  return `cmp-${tail}`.replace(/-+$/, '');
}

export interface TagPlan {
  /** The traffic to write, or null when every revision already has a tag. */
  traffic: TrafficTarget[] | null;
  /** Tag per revision id. */
  tags: Record<string, string>;
  added: string[];
}

export function tagsFor(s: CloudRunService, revisions: string[]): TagPlan {
  const traffic = s.traffic.map(t => ({ ...t }));
  const tags: Record<string, string> = {};
  const added: string[] = [];
  for (const rev of revisions) {
    const existing = traffic.find(t => t.type === 'REVISION' && short(t.revision) === rev && t.tag);
    if (existing) {
      tags[rev] = existing.tag!;
      continue;
    }
    const tag = compareTag(rev);
    const untagged = traffic.find(t => t.type === 'REVISION' && short(t.revision) === rev && !t.tag);
    if (untagged) untagged.tag = tag;
    else traffic.push({ type: 'REVISION', revision: rev, percent: 0, tag });
    tags[rev] = tag;
    added.push(tag);
  }
  return { traffic: added.length ? traffic.map(({ uri: _uri, ...t }) => t) : null, tags, added };
}

/** The URL of a tag, from the service's traffic statuses. */
export function tagUrl(s: CloudRunService, tag: string): string | undefined {
  return [...s.trafficStatuses, ...s.traffic].find(t => t.tag === tag && t.uri)?.uri;
}
