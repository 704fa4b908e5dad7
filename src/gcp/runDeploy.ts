/**
 * Cloud Run writes: create/update (long-running, resolved when the revision is ready or failed),
 * traffic changes, IAM for public access, delete, and permission checks.
 */
import { abortable } from './abortable';
import type { GcpClients } from './clients';
import { toService } from './normalize';
import { waitForOperation, withRetry, type OperationLike } from './retry';
import type { CloudRunService, TrafficTarget } from '../serving/domain';

import type { ApiJson as Json } from '../serving/json';
import { idOrUndefined } from '../serving/resourceNames';

export interface RunDeployApi {
  getRaw(name: string): Promise<Json | undefined>;
  create(parent: string, serviceId: string, service: Json, signal?: AbortSignal): Promise<CloudRunService>;
  update(service: Json, signal?: AbortSignal): Promise<CloudRunService>;
  setTraffic(name: string, traffic: TrafficTarget[], signal?: AbortSignal): Promise<CloudRunService>;
  remove(name: string, signal?: AbortSignal): Promise<void>;
  setPublic(name: string, isPublic: boolean): Promise<void>;
  isPublic(name: string): Promise<boolean>;
  missingPermissions(resource: string, permissions: string[]): Promise<string[]>;
}

const INVOKER = 'roles/run.invoker';

export function runDeployApi(clients: GcpClients): RunDeployApi {
  const services = () => clients.run().services;
  // The request is sent once; only the polling of its operation is retried (a read).
  const wait = async <T>(opPromise: Promise<[OperationLike<T>, ...unknown[]]>, signal?: AbortSignal): Promise<T> => {
    const [op] = await opPromise;
    return abortable(waitForOperation<T>(op, { signal }), signal);
  };
  return {
    async getRaw(name) {
      try {
        const [s] = await services().getService({ name });
        return s as Json;
      } catch (e) {
        if ((e as { code?: number }).code === 5) return undefined;
        throw e;
      }
    },
    async create(parent, serviceId, service, signal) {
      // Re-sending a create cannot make a second service (names are unique: ALREADY_EXISTS would
      // surface), so the send is retried; the wait polls without re-sending.
      const [op] = await withRetry(() => services().createService({ parent, serviceId, service }) as unknown as Promise<[OperationLike<Json>]>, { signal });
      const s = await abortable(waitForOperation<Json>(op, { signal }), signal);
      return fresh(s);
    },
    async update(service, signal) {
      // Never re-sent: after a lost answer the update may have been applied, and a second one
      // would go out with a stale etag (or make a second revision).
      const s = await wait<Json>(services().updateService({ service }) as never, signal);
      return fresh(s);
    },
    async setTraffic(name, traffic, signal) {
      const [current] = await services().getService({ name });
      const s = await wait<Json>(services().updateService({
        service: { ...(current as Json), traffic: traffic.map(t => ({
          type: t.type === 'LATEST' ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' : 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
          revision: t.type === 'REVISION' ? idOrUndefined(t.revision) : undefined, percent: t.percent, tag: t.tag || undefined,
        })) },
      }) as never, signal);
      return fresh(s);
    },
    async remove(name, signal) {
      await wait(services().deleteService({ name }) as never, signal);
    },
    async isPublic(name) {
      const [policy] = await services().getIamPolicy({ resource: name });
      return ((policy as Json).bindings ?? []).some((b: Json) => b.role === INVOKER && (b.members ?? []).includes('allUsers'));
    },
    async setPublic(name, isPublic) {
      const [policy] = await services().getIamPolicy({ resource: name });
      const p = policy as Json;
      const bindings: Json[] = (p.bindings ?? []).map((b: Json) => ({ ...b, members: [...(b.members ?? [])] }));
      let inv = bindings.find(b => b.role === INVOKER);
      if (isPublic) {
        if (!inv) bindings.push(inv = { role: INVOKER, members: [] });
        if (!inv.members.includes('allUsers')) inv.members.push('allUsers');
      } else if (inv) {
        inv.members = inv.members.filter((m: string) => m !== 'allUsers');
      }
      await services().setIamPolicy({ resource: name, policy: { bindings: bindings.filter(b => b.members.length), etag: p.etag } });
    },
    async missingPermissions(resource, permissions) {
      const [res] = await services().testIamPermissions({ resource, permissions });
      const granted = new Set(((res as Json).permissions ?? []) as string[]);
      return permissions.filter(p => !granted.has(p));
    },
  };

  // LRO results are protobufjs messages; re-read the service as a plain object.
  async function fresh(s: Json): Promise<CloudRunService> {
    const [plain] = await services().getService({ name: s.name });
    return toService(plain as Json);
  }
}
