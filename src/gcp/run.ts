/** RunApi over the official Cloud Run Admin v2 clients. */
import type { GcpClients } from './clients';
import { toRevision, toService } from './normalize';
import type { RunApi } from './types';
import type { CloudRunService } from '../serving/domain';

import type { ApiJson as Json } from '../serving/json';

const urlsByClients = new WeakMap<GcpClients, Set<string>>();

/**
 * URLs Cloud Run returned for services these clients read (service URLs and tag URLs), without a
 * trailing slash: ID tokens go only to these, never to a URL a caller passed in.
 */
export function knownServiceUrls(clients: GcpClients): Set<string> {
  let set = urlsByClients.get(clients);
  if (!set) urlsByClients.set(clients, (set = new Set()));
  return set;
}

function remember(clients: GcpClients, s: Json): Json {
  const set = knownServiceUrls(clients);
  const add = (u: unknown) => { if (typeof u === 'string' && u) set.add(u.replace(/\/+$/, '')); };
  add(s.uri);
  for (const u of s.urls ?? []) add(u);
  for (const t of s.trafficStatuses ?? []) add(t?.uri);
  return s;
}

/** A service read elsewhere (a raw get for a merge) as the product's summary; its URLs become known. */
export function serviceOf(clients: GcpClients, raw: Json): CloudRunService {
  return toService(remember(clients, raw));
}

export function runApi(clients: GcpClients): RunApi {
  const project = clients.projectId;
  return {
    async listServices(region) {
      const [items] = await clients.run().services.listServices({ parent: `projects/${project}/locations/${region}` });
      return (items as Json[]).map(s => toService(remember(clients, s)));
    },
    async getService(name) {
      try {
        const [s] = await clients.run().services.getService({ name });
        return toService(remember(clients, s as Json));
      } catch (e) {
        if ((e as { code?: number }).code === 5) return undefined;
        throw e;
      }
    },
    async listRevisions(serviceName) {
      const [items] = await clients.run().revisions.listRevisions({ parent: serviceName });
      return (items as Json[]).map(toRevision).sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
    },
  };
}
