/**
 * `npm run bench`: builds what it measures against, runs each figure in fresh processes, prints
 * the table and, with --json, one JSON object as the last stdout line. Budgets that are missed
 * are reported, never fatal: the exit code is 0 unless the harness itself breaks.
 * Flags: --json, --quick (5 s log tail, 1 tree process), --log-seconds=N, --samples=N (activation),
 * --predict-count=N, --serving-count=N, --only=activation,vsix,tree,predict,log_tail,serving
 * The serving figure needs Python with TensorFlow and the model zoo: scripts/bench.mjs makes them
 * and passes MLSERVING_PYTHON, MLSERVING_ZOO and MLSERVING_DEMO_OPS_BUILD_DIR.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { naiveBuild, productionBuild, type NaiveBuild, type ProductionBuild } from './artifacts';
import { REPO_ROOT, runChild } from './childRun';
import { budgetResults, table, type Figures } from './report';
import { median, round } from './stats';

const FIGURES = ['activation', 'vsix', 'tree', 'predict', 'log_tail', 'serving'] as const;
type Figure = typeof FIGURES[number];

function flags(argv: string[]) {
  const get = (name: string) => argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const int = (name: string, dflt: number, min: number, max: number) => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: expected an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };
  const known = new Set(['--json', '--quick']);
  for (const a of argv) if (!known.has(a) && !/^--(log-seconds|samples|predict-count|serving-count|only)=/.test(a)) throw new Error(`unknown option ${a} (see the header of test/bench/main.ts)`);
  const quick = argv.includes('--quick');
  const only = get('only')?.split(',') ?? [...FIGURES];
  for (const o of only) if (!FIGURES.includes(o as Figure)) throw new Error(`--only: unknown figure "${o}" (one of ${FIGURES.join(', ')})`);
  return {
    json: argv.includes('--json'), quick,
    logSeconds: int('log-seconds', quick ? 5 : 30, 1, 600),
    samples: int('samples', 7, 1, 51),
    predictCount: int('predict-count', 500, 10, 100_000),
    servingCount: int('serving-count', quick ? 100 : 400, 20, 100_000),
    only: new Set(only as Figure[]),
  };
}

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

function machine() {
  let free = '';
  try { free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim(); } catch { /* not Linux */ }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length, cpu: os.cpus()[0]?.model, memory_gb: round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map(round), node: process.version, platform: `${os.platform()} ${os.release()}`, free,
  };
}

async function activation(f: Figures, prod: ProductionBuild, naive: NaiveBuild, samples: number): Promise<void> {
  type Sample = { totalMs: number; loadMs: number; activateMs: number; commands: number; treeViews: number; loadedFiles: string[] };
  const script = path.join(__dirname, 'activationSample.js');
  const one = (bundle: string) => runChild<Sample>(script, [`--bundle=${bundle}`, `--root=${prod.dir}`], { timeoutMs: 120_000 });
  const ext = path.join(prod.distDir, 'extension.js');
  // One discarded run of each warms the file cache; then alternate so load changes hit both.
  await one(ext);
  await one(naive.file);
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    a.push(await one(ext));
    b.push(await one(naive.file));
    log(`activation sample ${i + 1}/${samples}: extension ${round(a[i].totalMs)} ms, naive ${round(b[i].totalMs)} ms`);
  }
  const last = a[a.length - 1];
  if (last.commands === 0) f.notes.push('activation: activate() registered no command; the figure may not reflect a real activation');
  const google = last.loadedFiles.filter(x => /^gcp-/.test(x));
  if (google.length) f.notes.push(`activation: activate() loaded ${google.join(', ')}`);
  f.activation_ms = round(median(a.map(s => s.totalMs)));
  f.activation_load_ms = round(median(a.map(s => s.loadMs)));
  f.activation_activate_ms = round(median(a.map(s => s.activateMs)));
  f.baseline_activation_ms = round(median(b.map(s => s.totalMs)));
  f.activation_speedup = round(median(b.map(s => s.totalMs)) / median(a.map(s => s.totalMs)));
  f.activation_samples_ms = a.map(s => round(s.totalMs));
  f.baseline_activation_samples_ms = b.map(s => round(s.totalMs));
  f.activation_registered = { commands: last.commands, treeViews: last.treeViews };
}

async function tree(f: Figures, prod: ProductionBuild, quick: boolean): Promise<void> {
  type Pass = { firstMs: number; allMs: number; runs: number; models: number };
  type Result = { cold: Pass; warm: Pass[]; expected: { runs: number; models: number }; bundleLoadMs: Record<string, number> };
  const procs = quick ? 1 : 3;
  const results: Result[] = [];
  for (let i = 0; i < procs; i++) {
    log(`tree: process ${i + 1}/${procs} (emulator with 500 runs, 200 models)`);
    results.push(await runChild<Result>(path.join(__dirname, 'treeBench.js'), [`--dist=${prod.distDir}`, '--reps=5'], { timeoutMs: 300_000 }));
  }
  const warm = results.flatMap(r => r.warm);
  for (const p of [...results.map(r => r.cold), ...warm]) {
    const e = results[0].expected;
    if (p.runs !== e.runs || p.models !== e.models) { f.notes.push(`tree: listed ${p.runs} runs / ${p.models} models, expected ${e.runs} / ${e.models}`); break; }
  }
  f.tree_cold_ms = round(median(results.map(r => r.cold.firstMs)));
  f.tree_cold_all_ms = round(median(results.map(r => r.cold.allMs)));
  f.tree_warm_ms = round(median(warm.map(p => p.firstMs)));
  f.tree_warm_all_ms = round(median(warm.map(p => p.allMs)));
  f.tree_items = results[0].expected;
  f.tree_bundle_load_ms = round(median(results.map(r => r.bundleLoadMs['gcp-vertex.js'] ?? NaN)));
}

async function predict(f: Figures, prod: ProductionBuild, count: number): Promise<void> {
  type Result = { notes: string[]; directMedianMs: number; extensionMedianMs: number; ratio: number; addedMs: number; directP95Ms: number; extensionP95Ms: number };
  log(`predict: ${count} sequential predictions each way`);
  const r = await runChild<Result>(path.join(__dirname, 'predictBench.js'), [`--dist=${prod.distDir}`, `--count=${count}`], { timeoutMs: 600_000 });
  f.notes.push(...r.notes.map(n => `predict: ${n}`));
  f.predict_overhead_ratio = round(r.ratio);
  f.predict_added_ms = round(r.addedMs);
  f.predict_direct_median_ms = round(r.directMedianMs);
  f.predict_extension_median_ms = round(r.extensionMedianMs);
  f.predict_direct_p95_ms = round(r.directP95Ms);
  f.predict_extension_p95_ms = round(r.extensionP95Ms);
  f.predict_count = count;
}

async function logTail(f: Figures, prod: ProductionBuild, seconds: number): Promise<void> {
  type Part = { delivered: number; unique: number; lost: number; duplicated: number; bytes: number };
  type Result = {
    sent: number; rate: number; seconds: number; produceMs: number; panel: Part; channel: Part; markers: number;
    lagP99Ms: number; lagMaxMs: number; idleLagP99Ms: number; deliveryP50Ms: number | null; deliveryP99Ms: number | null;
    heapStartMb: number; heapEndMb: number; heapGrowthMb: number; heapPeakMb: number;
  };
  log(`log_tail: 2,000 entries/s for ${seconds} s`);
  const r = await runChild<Result>(path.join(__dirname, 'logTailBench.js'), [`--dist=${prod.distDir}`, `--seconds=${seconds}`, '--rate=2000'], { timeoutMs: (seconds + 120) * 1000, nodeArgs: ['--expose-gc'] });
  f.log_tail = {
    rate_per_s: r.rate, seconds: r.seconds, sent: r.sent,
    lost: Math.max(r.panel.lost, r.channel.lost), duplicated: Math.max(r.panel.duplicated, r.channel.duplicated),
    panel: r.panel, channel: r.channel, markers: r.markers,
    event_loop_lag_p99_ms: round(r.lagP99Ms), event_loop_lag_max_ms: round(r.lagMaxMs), idle_lag_p99_ms: round(r.idleLagP99Ms),
    delivery_p50_ms: r.deliveryP50Ms, delivery_p99_ms: r.deliveryP99Ms,
    heap_start_mb: round(r.heapStartMb), heap_end_mb: round(r.heapEndMb), heap_growth_mb: round(r.heapGrowthMb), heap_peak_mb: round(r.heapPeakMb),
  };
}

async function serving(f: Figures, count: number): Promise<void> {
  type P = { p50: number; p95: number; p99: number; n: number };
  type Result = { candidates: number; k: number; coldStartMs: number[]; coldStartMedianMs: number; coldStartCpuMs: number[]; latency: Record<string, P>; floor: Record<string, P> };
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;
  if (!python || !zoo) throw new Error('no Python with TensorFlow or model zoo (run through npm run bench, which makes them)');
  log(`serving: the real Python server on the zoo's retrieval model, ${count} requests per batch-1 figure`);
  const r = await runChild<Result>(path.join(__dirname, 'servingBench.js'),
    [`--python=${python}`, `--zoo=${zoo}`, `--ops-build-dir=${process.env.MLSERVING_DEMO_OPS_BUILD_DIR ?? ''}`, `--count=${count}`], { timeoutMs: 900_000 });
  const p = (x: P) => ({ p50_ms: round(x.p50), p95_ms: round(x.p95), p99_ms: round(x.p99), n: x.n });
  f.serving = {
    model: `retrieval (${r.candidates} candidates, top ${r.k})`,
    cold_start_ms: round(r.coldStartMedianMs), cold_start_samples_ms: r.coldStartMs.map(round), cold_start_cpu_ms: r.coldStartCpuMs.map(round),
    ...Object.fromEntries(Object.entries(r.latency).map(([k, v]) => [k, p(v)])),
    floor_b1: p(r.floor.b1), floor_b64: p(r.floor.b64),
    added_over_floor_b1_ms: round(r.latency.b1_c1.p50 - r.floor.b1.p50),
  };
}

async function main(): Promise<void> {
  let o: ReturnType<typeof flags>;
  try { o = flags(process.argv.slice(2)); } catch (e) { process.stderr.write(`bench: ${(e as Error).message}\n`); process.exit(2); }
  const f: Figures = { date: new Date().toISOString(), machine: machine(), notes: [] };
  const keys: Record<Figure, string[]> = {
    activation: ['activation_ms', 'baseline_activation_ms', 'activation_speedup'],
    vsix: ['vsix_bytes', 'baseline_bundle_bytes'],
    tree: ['tree_cold_ms', 'tree_cold_all_ms', 'tree_warm_ms', 'tree_warm_all_ms'],
    predict: ['predict_overhead_ratio', 'predict_added_ms', 'predict_direct_median_ms'],
    log_tail: ['log_tail'],
    serving: ['serving'],
  };
  for (const k of Object.values(keys).flat()) f[k] = null;
  const skip = (fig: Figure, why: string) => f.notes.push(`${fig}: not measured: ${why}`);

  let prod: ProductionBuild | undefined;
  try {
    prod = productionBuild(log);
    if (prod.stale) f.notes.push(prod.stale);
    f.vsix_bytes = prod.vsixBytes;
    f.bundle_bytes = prod.bundles;
  } catch (e) {
    f.notes.push(`production build: ${(e as Error).message}`);
  }
  let naive: NaiveBuild | undefined;
  if (o.only.has('activation') || o.only.has('vsix')) {
    try {
      naive = await naiveBuild(log);
      f.baseline_bundle_bytes = naive.bytes;
    } catch (e) {
      f.notes.push(`naive baseline bundle: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const steps: Array<[Figure, () => Promise<void>]> = [
    ['activation', () => activation(f, prod!, naive!, o.samples)],
    ['tree', () => tree(f, prod!, o.quick)],
    ['predict', () => predict(f, prod!, o.predictCount)],
    ['log_tail', () => logTail(f, prod!, o.logSeconds)],
    ['serving', () => serving(f, o.servingCount)],
  ];
  for (const [fig, run] of steps) {
    if (!o.only.has(fig)) { skip(fig, 'not selected (--only)'); continue; }
    if (!prod && fig !== 'serving') { skip(fig, 'no production build'); continue; }
    if (fig === 'activation' && !naive) { skip(fig, 'no baseline bundle'); continue; }
    try {
      await run();
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0].slice(0, 600);
      f.notes.push(`${fig}: failed: ${msg}`);
      log(`${fig} failed: ${msg}`);
    }
  }
  if (!o.only.has('vsix')) { f.vsix_bytes = null; f.baseline_bundle_bytes = null; skip('vsix', 'not selected (--only)'); }
  f.budgets = budgetResults(f);

  process.stdout.write(`\nML Serving benchmark, ${f.date}, ${(f.machine as { nproc: number }).nproc} cores, load ${(f.machine as { loadavg: number[] }).loadavg.join(' ')}\n\n`);
  process.stdout.write(`${table(f)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(f)}\n`);
}

main().catch(e => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
void REPO_ROOT;
