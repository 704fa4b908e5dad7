/**
 * Which ModelFileSource a path needs: the local file system, or Cloud Storage through the official
 * client, connected to the emulator named by MLSERVING_EMULATOR or else to Google with ADC.
 */
import { loadStorage } from '../gcp/bundles';
import { parseEndpoints, storageClientOptions, type Connection } from '../gcp/endpoints';
import { gcsFileSource } from '../gcp/storageSource';
import { localFileSource } from '../serving/node/localSource';
import type { ModelFileSource } from '../serving/savedModel/types';
import { UsageError } from './usageError';

export const EMULATOR_ENV = 'MLSERVING_EMULATOR';

export function isGcsPath(p: string): boolean {
  return p.startsWith('gs://');
}

export async function sourceFor(p: string, env: NodeJS.ProcessEnv): Promise<ModelFileSource> {
  if (!isGcsPath(p)) return localFileSource();
  const { Storage } = loadStorage();
  return gcsFileSource(new Storage(await storageOptions(env)));
}

/** Storage client options: the emulator's storage endpoint, or {} for Google with ADC. */
export async function storageOptions(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const conn = await connectionFromEnv(env);
  return storageClientOptions(conn);
}

export async function connectionFromEnv(env: NodeJS.ProcessEnv): Promise<Connection> {
  const admin = env[EMULATOR_ENV];
  if (!admin) return { kind: 'google' };
  if (!/^http:\/\/[^/\s]+\/?$/.test(admin)) throw new UsageError(`${EMULATOR_ENV}="${admin}": expected the emulator's admin URL, http://127.0.0.1:PORT`);
  const url = `${admin.replace(/\/$/, '')}/endpoints`;
  let body: unknown;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    throw new Error(`${EMULATOR_ENV}: cannot read the emulator's endpoints from ${url} (${(e as Error).message}); is the emulator running?`);
  }
  return { kind: 'emulator', endpoints: parseEndpoints(body) };
}
