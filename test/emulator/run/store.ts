/** Cloud Run state: services (with their router and IAM policy) and revisions (with their instance). */
import { randomBytes, randomUUID } from 'node:crypto';
import type { StandIn } from '../serving/standIn';
import type { ServiceRouter } from './router';
import { nowTimestamp } from '../time';

export type Proto = Record<string, any>;

export interface RevisionRec {
  proto: Proto;
  seq: number;
  ready: boolean;
  failed?: string;
  instance?: StandIn;
  /** The real server process behind the instance (absent with the stand-in). */
  server?: { pid: number; coldStartMs: number; image: 'python' | 'native' };
  /** A stopped real server being started again for returning traffic. */
  waking?: Promise<void>;
}

export interface ServiceRec {
  proto: Proto;
  router: ServiceRouter;
  policy: { version: number; bindings: Proto[]; etag: Buffer };
  revisionSeq: number;
  deleted?: boolean;
}

export const RUN = 'google.cloud.run.v2.';
export const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
export const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
export const CALLER = 'user@example.com';

export class RunStore {
  readonly services = new Map<string, ServiceRec>();
  readonly revisions = new Map<string, RevisionRec>();

  revisionsOf(serviceName: string): RevisionRec[] {
    return [...this.revisions.values()].filter(r => r.proto.service === serviceName).sort((a, b) => b.seq - a.seq);
  }

  /** A revision by short id (`svc-00001-abc`) or full name, within a service. */
  findRevision(serviceName: string, ref: string): RevisionRec | undefined {
    const short = ref.split('/').pop();
    return this.revisions.get(`${serviceName}/revisions/${short}`);
  }
}

/**
 * The container that takes requests: with sidecars, the only one that declares a port (Cloud Run
 * allows one); else the first.
 */
export function ingressContainer(template: Proto | undefined): Proto {
  const cs: Proto[] = template?.containers ?? [];
  return cs.find(c => c.ports?.length) ?? cs[0] ?? {};
}

/** Cloud Run style etag: a quoted opaque string that changes with every write. */
export function newEtag(): string {
  return `"${randomBytes(24).toString('base64url')}"`;
}

export function newUid(): string {
  return randomUUID();
}

export function condition(type: string, state: string, extra: Proto = {}): Proto {
  return { type, state, lastTransitionTime: nowTimestamp(), ...extra };
}

/** The Logs Explorer link Cloud Run puts in revision errors (text only; nothing connects to it). */
export function logUri(project: string, serviceId: string, revisionId: string): string {
  const filter = encodeURIComponent(`resource.type="cloud_run_revision"\nresource.labels.service_name="${serviceId}"\nresource.labels.revision_name="${revisionId}"`);
  return `https://console.cloud.google.com/logs/viewer?project=${project}&resource=cloud_run_revision/service_name/${serviceId}/revision_name/${revisionId}&advancedFilter=${filter}`;
}
