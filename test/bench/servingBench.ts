/**
 * Serving figures on the zoo's 20,000-candidate retrieval model, in one run: the real Python server
 * (deploy/tf_serving_python under gunicorn, as the emulator runs it for a revision) started cold
 * (process start → the startup probe sees the model AVAILABLE), then server latencies over HTTP
 * with keep-alive at batch 1 and 64 with 1 and 8 concurrent clients, and the floor: the same
 * signature called in process by servingFloor.py (no HTTP, no JSON). The single-client figures
 * and the floor run in alternating blocks of 50, because the machine is shared.
 * Args: --python=PATH --zoo=DIR [--ops-build-dir=DIR] [--count=N] [--cold-starts=N]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startRealServer, type RealServer } from '../emulator/serving/pythonServer';
import { arg, finish, REPO_ROOT } from './childRun';
import { median, percentile } from './stats';

const log = (s: string) => process.stderr.write(`[bench] serving: ${s}\n`);

type Pcts = { p50: number; p95: number; p99: number; n: number };
const pcts = (xs: number[]): Pcts => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), n: xs.length });

function instances(batch: number) {
  return Array.from({ length: batch }, (_, i) => ({ user_id: `user_${(i * 37) % 1000}`, hour_of_day: i % 24 }));
}

function post(agent: http.Agent, port: number, urlPath: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `total` requests from `clients` concurrent loops, each with its own keep-alive connection. */
async function load(port: number, modelName: string, batch: number, clients: number, total: number): Promise<number[]> {
  const body = JSON.stringify({ instances: instances(batch) });
  const samples: number[] = [];
  let left = total;
  await Promise.all(Array.from({ length: clients }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (left-- > 0) samples.push(await post(agent, port, `/v1/models/${modelName}:predict`, body));
    agent.destroy();
  }));
  return samples;
}

async function start(python: string, zoo: string, opsBuildDir: string | undefined, versionDir: string): Promise<RealServer> {
  const r = await startRealServer({
    serving: { python, serverDir: path.join(REPO_ROOT, 'deploy', 'tf_serving_python'), opPackagesDir: path.join(REPO_ROOT, 'deploy', 'examples'), opModules: [], env: opsBuildDir ? { MLSERVING_DEMO_OPS_BUILD_DIR: opsBuildDir } : undefined },
    // The native image's server: the retrieval model needs no op library.
    image: 'native', modelName: 'retrieval', containerBasePath: '/models/retrieval', baseDir: path.dirname(versionDir),
    probe: { path: '/v1/models/retrieval', initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 60 }, pollMs: 10,
    log: () => undefined,
  });
  if (!r.ok) throw new Error(`the server did not start: ${r.reason}`);
  return r.server;
}

/** servingFloor.py kept running: floor(batch, count) returns that many in-process latencies. */
async function startFloor(python: string, modelDir: string) {
  const child = spawn(python, [path.join(REPO_ROOT, 'test', 'bench', 'servingFloor.py'), '--model', modelDir, '--blocks'],
    { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('servingFloor.py exited');
    return JSON.parse(r.value);
  };
  await next(); // {ready}
  return {
    async block(batch: number, count: number): Promise<number[]> {
      child.stdin!.write(`${batch} ${count}\n`);
      return next();
    },
    close() { child.stdin!.end(); child.kill(); },
  };
}

async function main(): Promise<void> {
  const python = arg('python');
  const zoo = arg('zoo');
  const opsBuildDir = arg('ops-build-dir', '') || undefined;
  const count = Number(arg('count', '300'));
  const coldStarts = Number(arg('cold-starts', '3'));
  const manifest = JSON.parse(fs.readFileSync(path.join(zoo, 'manifest.json'), 'utf8'));
  const entry = manifest.models.find((m: { name: string }) => m.name === 'retrieval');
  if (!entry) throw new Error(`${zoo}/manifest.json: no retrieval model`);
  const modelDir = path.join(zoo, ...entry.path.split('/'));

  const cold: number[] = [];
  const coldCpu: number[] = [];
  for (let i = 0; i < coldStarts; i++) {
    const s = await start(python, zoo, opsBuildDir, modelDir);
    cold.push(s.coldStartMs);
    // CPU time says what the start costs on a quiet machine; wall time depends on the load.
    coldCpu.push(s.cpuSeconds() * 1000);
    log(`cold start ${i + 1}/${coldStarts}: ${Math.round(s.coldStartMs)} ms (${Math.round(coldCpu[i])} ms of CPU)`);
    await s.close();
  }
  const server = await start(python, zoo, opsBuildDir, modelDir);
  const floor = await startFloor(python, modelDir);
  const latency: Record<string, Pcts> = {};
  const floorSamples: Record<string, number[]> = { b1: [], b64: [] };
  try {
    await load(server.port, 'retrieval', 1, 1, 50); // warm up
    for (const batch of [1, 64]) {
      const n = batch === 1 ? count : Math.max(40, Math.round(count / 3));
      // One client: server and floor in alternating blocks, so both see the same machine.
      const one: number[] = [];
      for (let done = 0; done < n; done += 50) {
        const k = Math.min(50, n - done);
        one.push(...await load(server.port, 'retrieval', batch, 1, k));
        floorSamples[`b${batch}`].push(...await floor.block(batch, k));
      }
      latency[`b${batch}_c1`] = pcts(one);
      latency[`b${batch}_c8`] = pcts(await load(server.port, 'retrieval', batch, 8, n));
      for (const c of [1, 8]) log(`batch ${batch}, ${c} client(s): p50 ${latency[`b${batch}_c${c}`].p50.toFixed(2)} ms`);
      log(`batch ${batch}, floor: p50 ${percentile(floorSamples[`b${batch}`], 50).toFixed(2)} ms`);
    }
  } finally {
    floor.close();
    await server.close();
  }
  finish({
    candidates: manifest.candidates, k: manifest.k, coldStartMs: cold, coldStartMedianMs: median(cold), coldStartCpuMs: coldCpu, latency,
    floor: Object.fromEntries(Object.entries(floorSamples).map(([b, xs]) => [b, pcts(xs)])),
  });
}

main().catch(e => finish({ error: (e as Error).stack ?? String(e) }, 1));
