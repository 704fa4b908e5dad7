// The official Google clients over the session's connection, for tests that arrange or inspect
// state beneath the extension (objects in Cloud Storage, a service's raw Cloud Run JSON, a create
// whose operation is still running). The extension itself reaches Google only through CloudApis.
import { GcpClients } from '../../../src/gcp/clients';
import type { Connection } from '../../../src/gcp/endpoints';

const byContext = new WeakMap<object, GcpClients>();

/** One set of clients per session context (a project or connection change makes a new one). */
export function rawClients(cloud: { connection: Connection; project: string }): GcpClients {
  let c = byContext.get(cloud);
  if (!c) byContext.set(cloud, (c = new GcpClients(cloud.connection, cloud.project)));
  return c;
}
