/**
 * Open-loop load: requests arrive on a Poisson process at a chosen rate for a chosen time, each
 * sent when due whatever the earlier ones are doing (unlike the closed-loop benchmark, where a slow
 * answer delays the next request and hides queueing). Pure: the clock, sleep and send are passed in.
 */
import { latencyStats, type LatencyStats } from './stats';

/** Seeded uniform [0, 1) generator (mulberry32): the same seed gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Arrival {
  /** Offset from the start, ms. */
  atMs: number;
  /** Index into the payload mix. */
  payload: number;
}

export interface ScheduleOptions {
  ratePerSec: number;
  durationMs: number;
  seed: number;
  /** Relative weight of each payload in the mix (default: one payload). */
  weights?: number[];
}

export function poissonSchedule(o: ScheduleOptions): Arrival[] {
  if (!(o.ratePerSec > 0) || !Number.isFinite(o.ratePerSec)) throw new Error('rate: expected a positive number of requests per second');
  if (!(o.durationMs > 0) || !Number.isFinite(o.durationMs)) throw new Error('duration: expected a positive number of milliseconds');
  const weights = o.weights ?? [1];
  if (!weights.length || weights.some(w => !(w >= 0)) || !weights.some(w => w > 0)) throw new Error('weights: expected non-negative weights, at least one positive');
  const total = weights.reduce((a, b) => a + b, 0);
  const rand = seededRandom(o.seed);
  const out: Arrival[] = [];
  let t = 0;
  for (;;) {
    // Exponential gaps with mean 1/rate: 1 - u is in (0, 1], so the log is finite.
    t += (-Math.log(1 - rand()) / o.ratePerSec) * 1000;
    if (t >= o.durationMs) return out;
    let pick = rand() * total, payload = 0;
    while (payload < weights.length - 1 && pick >= weights[payload]) pick -= weights[payload++];
    out.push({ atMs: t, payload });
  }
}

export interface OpenLoopSample {
  /** When it was sent, ms from the start. */
  startMs: number;
  latencyMs: number;
  ok: boolean;
  payload: number;
}

export interface OpenLoopReport {
  scheduled: number;
  completed: number;
  errors: number;
  /** Latency of successful answers. */
  latency?: LatencyStats;
  /** Successful answers per second of the run. */
  throughput: number;
  /** Share of scheduled requests answered successfully within the target. */
  goodput: number;
  targetMs: number;
  /** Per second of the run: requests sent then, and their p50 / max latency (for the chart). */
  timeline: Array<{ second: number; sent: number; errors: number; p50?: number; max?: number }>;
}

export function openLoopReport(samples: OpenLoopSample[], scheduled: number, runMs: number, targetMs: number): OpenLoopReport {
  const ok = samples.filter(s => s.ok);
  const timeline: OpenLoopReport['timeline'] = [];
  const seconds = Math.max(1, Math.ceil(runMs / 1000));
  for (let i = 0; i < seconds; i++) {
    const inSec = samples.filter(s => Math.floor(s.startMs / 1000) === i);
    const l = latencyStats(inSec.filter(s => s.ok).map(s => s.latencyMs));
    timeline.push({ second: i, sent: inSec.length, errors: inSec.filter(s => !s.ok).length, p50: l?.p50, max: l?.max });
  }
  return {
    scheduled, completed: samples.length, errors: samples.filter(s => !s.ok).length,
    latency: latencyStats(ok.map(s => s.latencyMs)),
    throughput: runMs > 0 ? ok.length / (runMs / 1000) : 0,
    goodput: scheduled ? ok.filter(s => s.latencyMs <= targetMs).length / scheduled : 0,
    targetMs, timeline,
  };
}

export interface OpenLoopDeps {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Sends payload `i`; resolves true when the answer was a success. Must not throw. */
  send(payload: number): Promise<boolean>;
  cancelled?(): boolean;
}

/** Sends each arrival when due without waiting for earlier answers, then waits for all of them. */
export async function runOpenLoop(schedule: Arrival[], d: OpenLoopDeps): Promise<{ samples: OpenLoopSample[]; runMs: number }> {
  const t0 = d.now();
  const samples: OpenLoopSample[] = [];
  const inflight: Array<Promise<void>> = [];
  for (const a of schedule) {
    if (d.cancelled?.()) break;
    const wait = a.atMs - (d.now() - t0);
    if (wait > 0) await d.sleep(wait);
    const startMs = d.now() - t0;
    inflight.push(d.send(a.payload).then(ok => {
      samples.push({ startMs, latencyMs: d.now() - t0 - startMs, ok, payload: a.payload });
    }));
  }
  await Promise.all(inflight);
  return { samples: samples.sort((x, y) => x.startMs - y.startMs), runMs: d.now() - t0 };
}
