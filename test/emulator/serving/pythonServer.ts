/**
 * The real serving container behind the emulator's Cloud Run: deploy/tf_serving_python under
 * gunicorn with real TensorFlow, started on a free loopback port on the model folder as the
 * revision mounts it. The Python image imports the op packages (ScaNN when installed,
 * EXTRA_OP_MODULES); the native image stands for the stock TF Serving binary, so it imports no op
 * library and a custom-op model fails with TensorFlow's own "Op type not registered" text.
 * Readiness follows the revision's startup probe (HTTP GET until 2xx and AVAILABLE).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where the emulator finds Python with TensorFlow and the server's code. */
export interface PythonServing {
  /** Interpreter of a venv with tensorflow, flask, gunicorn, numpy. */
  python: string;
  /** deploy/tf_serving_python. */
  serverDir: string;
  /** Folder of op packages for the Python image's PYTHONPATH (deploy/examples). */
  opPackagesDir?: string;
  /** EXTRA_OP_MODULES of the Python image (the image installs these packages). */
  opModules: string[];
  /** More environment for the Python image (e.g. MLSERVING_DEMO_OPS_BUILD_DIR: the op library, built once). */
  env?: Record<string, string>;
}

export interface StartupProbe {
  /** HTTP GET path; absent for a TCP probe (Cloud Run's default). */
  path?: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

export interface RealServerInput {
  serving: PythonServing;
  image: 'python' | 'native';
  modelName: string;
  /** The model's base path inside the container (`/models/NAME`), for log lines. */
  containerBasePath: string;
  /** Local folder behind the base path, or the version folders mounted one by one. */
  baseDir?: string;
  versionDirs?: Record<string, string>;
  /** Extra modules to import (the native image's TF Text when installed here). */
  extraModules?: string[];
  /** Container env the server reads besides the model location (MODEL_VERSION_LABELS, GUNICORN_THREADS). */
  env?: Record<string, string>;
  /**
   * Started as Vertex AI starts a custom container: no MODEL_BASE_PATH mount, MODEL_NAME or PORT;
   * the server reads the AIP_* variables in `env` (the model from AIP_STORAGE_URI) and listens on
   * AIP_HTTP_PORT, set here to the free port picked (Python image only).
   */
  aip?: boolean;
  probe: StartupProbe;
  /** How often the probe is polled (default 200 ms; the benchmark polls finer). */
  pollMs?: number;
  /** One line the container printed. */
  log(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface RealServer {
  url: string;
  port: number;
  pid: number;
  /** Process start → startup probe passed. */
  coldStartMs: number;
  /** Probe attempts until it passed. */
  probeAttempts: number;
  /** CPU seconds the server's processes (gunicorn master and worker) used so far (Linux /proc; else NaN). */
  cpuSeconds(): number;
  close(): Promise<void>;
}

export type RealServerResult = { ok: true; server: RealServer } | { ok: false; reason: string; exitCode?: number; probeFailed?: boolean };

/** Every server process still running, killed when the emulator's process exits (no leaks). */
const live = new Set<{ pids: number[] }>();
process.once('exit', () => {
  for (const p of live) for (const pid of p.pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const specCache = new Map<string, Promise<boolean>>();
/** Whether `module` is importable by `python` (without importing it: TensorFlow takes seconds). */
export function hasModule(python: string, module: string): Promise<boolean> {
  const key = `${python}\0${module}`;
  let p = specCache.get(key);
  if (!p) {
    p = new Promise(resolve => execFile(python, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)', module],
      { timeout: 20_000 }, err => resolve(!err)));
    specCache.set(key, p);
  }
  return p;
}

const controlSocketFlag = new Map<string, Promise<string[]>>();
/**
 * gunicorn 25+ opens a control socket at one fixed path per user: servers running side by side
 * would fight over it, so it is turned off where the installed gunicorn knows the flag.
 */
function gunicornExtraFlags(python: string): Promise<string[]> {
  let p = controlSocketFlag.get(python);
  if (!p) {
    p = new Promise(resolve => execFile(python, ['-m', 'gunicorn', '--help'], { timeout: 20_000, maxBuffer: 4 << 20 },
      (_err, stdout) => resolve(String(stdout ?? '').includes('--no-control-socket') ? ['--no-control-socket'] : [])));
    controlSocketFlag.set(python, p);
  }
  return p;
}

/** GET the probe path once: 2xx, and AVAILABLE when the body is a TF Serving model status. TCP: connects. */
function probeOnce(port: number, probePath: string | undefined, timeoutMs: number): Promise<boolean> {
  if (probePath === undefined) {
    return new Promise(resolve => {
      const s = net.connect({ host: '127.0.0.1', port, timeout: timeoutMs }, () => { s.destroy(); resolve(true); });
      s.on('timeout', () => { s.destroy(); resolve(false); });
      s.on('error', () => resolve(false));
    });
  }
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path: probePath, timeout: timeoutMs, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        if (!ok) return resolve(false);
        try {
          const status = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.model_version_status;
          resolve(!Array.isArray(status) || status.some((s: any) => s?.state === 'AVAILABLE'));
        } catch { resolve(true); }
      });
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** The line that says why the server died: TensorFlow's or Python's error, else the last line. */
export function failureReason(lines: string[]): string {
  const errs = lines.filter(l => /^[\w.]+(?:Error|Exception): /.test(l) || /\[ERROR\]/.test(l) && !/Worker failed to boot|Exception in worker process|Shutting down: Master|Reason: (?:Worker|App failed)/.test(l));
  // server.py's own log line (logging's "LEVEL name: message") when the model fails to load.
  const serverLine = lines.filter(l => /^\S+ \S+ ERROR [\w.]+: /.test(l)).pop();
  const best = errs.find(l => /Op type not registered/.test(l)) ?? errs.find(l => /^[\w.]+(?:Error|Exception): /.test(l)) ?? serverLine ?? errs[errs.length - 1] ?? lines[lines.length - 1];
  return best ?? 'the server exited without output';
}

export async function startRealServer(o: RealServerInput): Promise<RealServerResult> {
  // MODEL_BASE_PATH/MODEL_NAME as the container sees it, made of links to the mounted folders.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-serving-mount-'));
  const modelDir = path.join(root, o.modelName);
  if (o.baseDir) {
    if (fs.existsSync(o.baseDir)) fs.symlinkSync(o.baseDir, modelDir);
  } else {
    fs.mkdirSync(modelDir);
    for (const [v, dir] of Object.entries(o.versionDirs ?? {})) if (fs.existsSync(dir)) fs.symlinkSync(dir, path.join(modelDir, v));
  }
  const cleanupDir = () => fs.rmSync(root, { recursive: true, force: true });
  const toContainer = (line: string) => line.split(modelDir).join(o.containerBasePath).split(root).join(path.posix.dirname(o.containerBasePath));

  const port = await freePort();
  const extraFlags = await gunicornExtraFlags(o.serving.python);
  const modules = o.image === 'python' ? [...o.serving.opModules, ...(o.extraModules ?? [])] : [...(o.extraModules ?? [])];
  const pythonPath = [o.serving.serverDir, ...(o.image === 'python' && o.serving.opPackagesDir ? [o.serving.opPackagesDir] : [])];
  const aip = o.aip && o.image === 'python';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), LANG: process.env.LANG ?? 'C.UTF-8',
    ...(o.image === 'python' ? { ...o.serving.env, ...o.env } : {}),
    ...(aip ? { AIP_HTTP_PORT: String(port) } : { MODEL_NAME: o.modelName, MODEL_BASE_PATH: root, PORT: String(port) }),
    EXTRA_OP_MODULES: modules.join(','),
    PYTHONPATH: pythonPath.join(path.delimiter),
    PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1',
  };
  const t0 = Date.now();
  // Not detached: the server stays in the emulator's process group, so stopping the group stops it.
  const child: ChildProcess = spawn(o.serving.python, ['-m', 'gunicorn', '-c', 'gunicorn.conf.py', '--bind', `127.0.0.1:${port}`, ...extraFlags, 'server:create_app()'],
    { cwd: o.serving.serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { pids: [child.pid!].filter(Boolean) };
  live.add(entry);
  const recent: string[] = [];
  let attempts = 0;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitP = new Promise<void>(resolve => child.once('exit', (code, signal) => { exited = { code, signal }; live.delete(entry); cleanupDir(); resolve(); }));
  child.once('error', e => { recent.push(`emulator: could not start ${o.serving.python}: ${e.message}`); });
  for (const [stream, name] of [[child.stdout!, 'stdout'], [child.stderr!, 'stderr']] as const) {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      const lines = (partial + d.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const raw of lines) {
        const line = toContainer(raw.replace(/\r$/, ''));
        if (!line.trim()) continue;
        const worker = /Booting worker with pid: (\d+)/.exec(line);
        if (worker) entry.pids.push(Number(worker[1]));
        recent.push(line);
        if (recent.length > 200) recent.shift();
        o.log(line, name);
      }
    });
    stream.on('end', () => { if (partial.trim()) { const l = toContainer(partial); recent.push(l); o.log(l, name); } partial = ''; });
  }

  const close = async () => {
    if (exited) return;
    // gunicorn: SIGINT is the quick shutdown (the master stops its worker).
    try { child.kill('SIGINT'); } catch { /* gone */ }
    const done = await Promise.race([exitP.then(() => true), new Promise<boolean>(r => setTimeout(() => r(false), 5000).unref())]);
    if (!done) for (const pid of entry.pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    await exitP;
    for (const pid of entry.pids.slice(1)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  };

  const p = o.probe;
  const deadline = t0 + (p.initialDelaySeconds + p.periodSeconds * p.failureThreshold) * 1000;
  if (p.initialDelaySeconds > 0) await new Promise(r => setTimeout(r, p.initialDelaySeconds * 1000));
  // Polled more often than periodSeconds: that only shortens the wait, the budget stays the probe's.
  const every = Math.min(o.pollMs ?? 200, p.periodSeconds * 1000);
  for (;;) {
    if (exited) {
      await exitP;
      return { ok: false, reason: failureReason(recent), exitCode: exited.code ?? 1 };
    }
    attempts++;
    if (await probeOnce(port, p.path, Math.max(500, p.timeoutSeconds * 1000))) break;
    if (Date.now() > deadline) {
      await close();
      return { ok: false, probeFailed: true, reason: p.path === undefined
        ? `STARTUP TCP probe failed ${p.failureThreshold} times consecutively for container on port ${port}.`
        : `STARTUP HTTP probe failed ${p.failureThreshold} times consecutively for container on port ${port} path "${p.path}".` };
    }
    await new Promise(r => setTimeout(r, every));
  }
  return { ok: true, server: { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, coldStartMs: Date.now() - t0, probeAttempts: attempts, close, cpuSeconds: () => cpuSecondsOf(entry.pids) } };
}

/** utime + stime of processes from /proc/PID/stat, in seconds (NaN where /proc is missing). */
function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const rest = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch { return NaN; }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** A keep-alive proxy to the server: the front's container() for a real server. */
export function proxyTo(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const call = (req: http.IncomingMessage, _path: string, body: Buffer) => new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    for (const h of ['content-type', 'accept', 'user-agent']) { const v = req.headers[h]; if (typeof v === 'string') headers[h] = v; }
    const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        const ct = res.headers['content-type'];
        if (ct) out['Content-Type'] = ct;
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
  return { call, close: () => agent.destroy() };
}
