/** Starts emulatorHost.js as a child with IPC and talks to it; stop() ends it (by its pid). */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { HostMessage, HostRequest } from './emulatorHost';

export interface EmulatorHost {
  ready: Extract<HostMessage, { type: 'ready' }>;
  request<T extends HostMessage['type']>(m: HostRequest, expect: T, timeoutMs: number): Promise<Extract<HostMessage, { type: T }>>;
  stop(): Promise<void>;
}

export async function startEmulatorHost(): Promise<EmulatorHost> {
  const child: ChildProcess = fork(path.join(__dirname, 'emulatorHost.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = <T extends HostMessage['type']>(expect: T, timeoutMs: number) => new Promise<Extract<HostMessage, { type: T }>>((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`emulator host: no ${expect} within ${timeoutMs / 1000} s`)); }, timeoutMs);
    const onMessage = (m: HostMessage) => {
      if (m.type === 'error') { cleanup(); reject(new Error(`emulator host: ${m.message}`)); } else if (m.type === expect) { cleanup(); resolve(m as Extract<HostMessage, { type: T }>); }
    };
    const onExit = (code: number | null) => { cleanup(); reject(new Error(`emulator host exited (${code}) before ${expect}`)); };
    const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>(r => child.once('exit', () => r()));
    if (child.connected) child.send({ type: 'stop' } satisfies HostRequest);
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  try {
    const ready = await next('ready', 60_000);
    return {
      ready,
      request: (m, expect, timeoutMs) => { const p = next(expect, timeoutMs); child.send(m); return p; },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
