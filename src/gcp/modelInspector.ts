import type { ModelInspection } from '../serving/savedModel/inspection';
import { inspectModelFolder, type InspectOptions } from '../serving/savedModel/inspect';
import type { GcpClients } from './clients';
import { gcsFileSource, type StorageLike } from './storageSource';

/** Inspects a gs:// model folder through the (emulated or real) Storage client. */
export function inspectGcsModel(clients: GcpClients, uri: string, opts: InspectOptions = {}): Promise<ModelInspection> {
  return inspectModelFolder(gcsFileSource(clients.storage() as unknown as StorageLike), uri, opts);
}
