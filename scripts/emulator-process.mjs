// Starts the Google API emulator (out/test/emulator/main.js, built by scripts/build.mjs) as a child
// process and reads the endpoints it prints as its first stdout line. Used by test.mjs and demo.mjs.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const emulatorMain = join(repoRoot, 'out', 'test', 'emulator', 'main.js');

export function emulatorBuilt() {
  return existsSync(emulatorMain);
}

/**
 * What the emulator needs to serve with real TensorFlow: the Python env (scripts/python-env.mjs, a
 * venv in .venv-tf/) and the model zoo (scripts/model-zoo.mjs), made or reused here. Resolves
 * { args, python, zooDir } for startEmulator, or { args: [], reason } when either cannot be made
 * (the emulator then answers predictions with its TypeScript stand-in).
 * @param {{ log?: (line: string) => void }} [opts]
 */
export async function prepareRealServing({ log = console.log } = {}) {
  let python, zooDir, opsBuildDir;
  try {
    const { ensurePythonEnv } = await import('./python-env.mjs');
    const env = await ensurePythonEnv({ log });
    if (!env.python) return { args: [], reason: env.reason };
    python = env.python;
    const { ensureZoo } = await import('./model-zoo.mjs');
    const zoo = await ensureZoo({ python, log });
    if (!zoo?.dir) return { args: [], reason: zoo?.reason ?? 'the model zoo could not be exported' };
    zooDir = zoo.dir;
    opsBuildDir = zoo.opsBuildDir;
  } catch (e) {
    return { args: [], reason: e.message.split('\n')[0] };
  }
  return { args: ['--python', python, '--zoo', zooDir, ...(opsBuildDir ? ['--ops-build-dir', opsBuildDir] : [])], python, zooDir, opsBuildDir };
}

/** Environment that points the extension (and google-auth-library) at the emulator. */
export function emulatorEnv(endpoints) {
  return {
    MLSERVING_EMULATOR: endpoints.admin,
    // The admin server also answers GCE metadata requests, so Application Default Credentials resolve offline.
    GCE_METADATA_HOST: new URL(endpoints.admin).host,
    METADATA_SERVER_DETECTION: 'assume-present',
  };
}

/**
 * Starts `node out/test/emulator/main.js ...args` and resolves once it printed its endpoints.
 * Its output goes to `logFile`. stop() ends its whole process group.
 * @param {{ args?: string[], logFile: string, timeoutMs?: number, main?: string }} opts
 * @returns {Promise<{ endpoints: Record<string,string>, serving: string, env: Record<string,string>, pid: number, stop: () => Promise<void> }>}
 */
export async function startEmulator({ args = ['--demo'], logFile, timeoutMs = 30_000, main = emulatorMain }) {
  if (!existsSync(main)) throw new Error(`${main} does not exist: run node scripts/build.mjs`);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  // Own process group: the emulator may start helpers (e.g. a model server) that must stop with it.
  const child = spawn(process.execPath, [main, ...args], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  const exitP = new Promise(r => child.on('exit', (code, sig) => { exited = { code, sig }; r(exited); }));
  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const done = await Promise.race([exitP, new Promise(r => setTimeout(() => r(null), 5000))]);
      if (!done) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } await exitP; }
    }
    log.end();
  };
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise(resolve => {
    const timer = setTimeout(() => resolve({ error: `printed no endpoints within ${timeoutMs / 1000} s` }), timeoutMs);
    let seen = false;
    // One listener for all lines: later ones go to the log, so the emulator never blocks on a full pipe.
    lines.on('line', line => {
      if (seen) { log.write(line + '\n'); return; }
      seen = true;
      log.write(`endpoints line: ${line}\n`);
      clearTimeout(timer);
      resolve({ line });
    });
    exitP.then(e => { clearTimeout(timer); resolve({ error: `exited (${e.code ?? e.sig}) before printing its endpoints` }); });
  });
  let endpoints;
  try {
    if (first.error) throw new Error(first.error);
    try { endpoints = JSON.parse(first.line); } catch { throw new Error(`first stdout line is not JSON: ${first.line.slice(0, 200)}`); }
    for (const k of ['vertex', 'run', 'logging', 'storage', 'admin']) {
      if (typeof endpoints[k] !== 'string') throw new Error(`its endpoints line lacks "${k}": ${first.line}`);
    }
  } catch (e) {
    await stop();
    throw new Error(`emulator ${e.message}; see ${logFile}`);
  }
  return { endpoints, serving: endpoints.serving ?? 'stand-in', env: emulatorEnv(endpoints), pid: child.pid, stop };
}
