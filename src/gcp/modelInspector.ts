import type { ModelInspection } from '../serving/savedModel/inspection';
import type { InspectOptions } from '../serving/savedModel/inspect';
import { loadInspector } from './bundles';
import type { GcpClients } from './clients';
import type { StorageLike } from './storageSource';

/** Inspects a gs:// model folder through the (emulated or real) Storage client. */
export function inspectGcsModel(clients: GcpClients, uri: string, opts: InspectOptions = {}): Promise<ModelInspection> {
  const { inspectModelFolder, gcsFileSource } = loadInspector();
  return inspectModelFolder(gcsFileSource(clients.storage() as unknown as StorageLike), uri, opts);
}
