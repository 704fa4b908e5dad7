/**
 * Writing one Cloud Storage object (the warm-up file): a simple, all-or-nothing upload, so a
 * failed write never leaves half a file where TF Serving would read it.
 */
import type { GcpClients } from './clients';
import { parseGcsUri } from './storageSource';

interface WritableStorage {
  bucket(name: string): { file(name: string): { save(data: Buffer, opts: { resumable: boolean; contentType: string; validation: string }): Promise<void>; exists(): Promise<[boolean]> } };
}

export async function writeGcsObject(clients: GcpClients, uri: string, data: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
  const { bucket, key } = parseGcsUri(uri);
  if (!key) throw new Error(`"${uri}": expected an object path, not a bucket`);
  const storage = clients.storage() as unknown as WritableStorage;
  try {
    await storage.bucket(bucket).file(key).save(Buffer.from(data), { resumable: false, contentType, validation: 'crc32c' });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = (e as Error)?.message ?? String(e);
    if (code === 401 || code === 403) throw new Error(`${uri}: write denied (${why}); you need storage.objects.create (and delete to replace) on the bucket`);
    throw new Error(`${uri}: write failed (${why})`);
  }
}

export async function gcsObjectExists(clients: GcpClients, uri: string): Promise<boolean> {
  const { bucket, key } = parseGcsUri(uri);
  const storage = clients.storage() as unknown as WritableStorage;
  const [exists] = await storage.bucket(bucket).file(key).exists();
  return exists;
}
