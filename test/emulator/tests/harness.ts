/** Shared setup of the emulator tests: an in-process emulator and the official clients from dist/. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { startEmulator, Emulator, EmulatorOptions } from '../emulator';
import { grpcClientOptions, Connection } from '../../../src/gcp/endpoints';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const PARENT = 'projects/demo-project/locations/us-central1';

/** The client bundles the extension ships (`node scripts/build.mjs --only=ext`). */
export function bundle(name: 'vertex' | 'run' | 'logging' | 'storage'): any {
  const file = path.join(repoRoot, 'dist', `gcp-${name}.js`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "node scripts/build.mjs --only=ext" first`);
  return require(file);
}

export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<{ emu: Emulator; conn: Connection }> {
  const emu = await startEmulator({ demo: true, runs: 30, models: 8, deployMs: 30, operationMs: 30, log: () => {}, ...opts });
  return { emu, conn: { kind: 'emulator', endpoints: emu.endpoints } };
}

export function clientOptions(conn: Connection, service: 'vertex' | 'run' | 'logging', grpc: unknown): Record<string, unknown> {
  return grpcClientOptions(conn, service, grpc as Parameters<typeof grpcClientOptions>[2]);
}

export async function postJson(url: string, body: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (!res.ok) throw Object.assign(new Error(json.error?.message ?? `HTTP ${res.status}`), { status: res.status });
  return json;
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Poll until `fn` returns a truthy value (or fail after `ms`). */
export async function waitFor<T>(fn: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
