/** RunApi over the official Cloud Run Admin v2 clients. */
import type { GcpClients } from './clients';
import { toRevision, toService } from './normalize';
import type { RunApi } from './types';

type Json = Record<string, any>;

export function runApi(clients: GcpClients): RunApi {
  const project = clients.projectId;
  return {
    async listServices(region) {
      const [items] = await clients.run().services.listServices({ parent: `projects/${project}/locations/${region}` });
      return (items as Json[]).map(toService);
    },
    async getService(name) {
      try {
        const [s] = await clients.run().services.getService({ name });
        return toService(s as Json);
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
