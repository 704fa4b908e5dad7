/**
 * One ListLogEntries read, newest first, for flows other than the logs tail (a deploy reading the
 * log of the revision that just failed). The filter should name `timestamp`: otherwise the client
 * adds its own 24-hour bound.
 */
import type { GcpClients } from './clients';

export async function listLogEntries(clients: GcpClients, filter: string, pageSize: number): Promise<unknown[]> {
  const [entries] = await clients.logging().getEntries({ filter, orderBy: 'timestamp desc', pageSize, autoPaginate: false });
  return entries ?? [];
}
