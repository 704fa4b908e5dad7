/**
 * The emulator's Cloud Storage as a model server inside "Vertex AI" reaches it: the GCS JSON API
 * over the emulator's data folder behind the TLS-terminating proxy (proxy.ts). Started on the first
 * deploy that needs it, one per data folder, and kept for the process (its listeners are unref'd).
 */
import { startGcsServer, type GcsServer } from './server';
import { startGcsProxy, gcsClientEnv, type GcsProxy } from './proxy';

export interface StorageFront {
  gcs: GcsServer;
  proxy: GcsProxy;
  /** Environment for the model server's child process only. */
  env: Record<string, string>;
}

const fronts = new Map<string, Promise<StorageFront>>();

export function storageFront(gcsRoot: string): Promise<StorageFront> {
  let p = fronts.get(gcsRoot);
  if (!p) {
    p = (async () => {
      const gcs = await startGcsServer(gcsRoot, 0, { unref: true });
      try {
        const proxy = await startGcsProxy(gcs.url);
        return { gcs, proxy, env: gcsClientEnv(proxy) };
      } catch (e) { await gcs.close(); throw e; }
    })();
    p.catch(() => fronts.delete(gcsRoot));
    fronts.set(gcsRoot, p);
  }
  return p;
}

/** The front of a data folder if one was started (tests read its proxy's request log). */
export function existingStorageFront(gcsRoot: string): Promise<StorageFront> | undefined {
  return fronts.get(gcsRoot);
}

/** Stops the front of a data folder (the emulator's stop, or a test's cleanup). */
export async function stopStorageFront(gcsRoot: string): Promise<void> {
  const p = fronts.get(gcsRoot);
  fronts.delete(gcsRoot);
  const f = await p?.catch(() => undefined);
  if (f) await Promise.all([f.proxy.close(), f.gcs.close()]);
}
