import { strict as assert } from 'node:assert';
import { openLoopReport, poissonSchedule, runOpenLoop, seededRandom } from '../../src/serving/predict/openLoop';

describe('open-loop load (Poisson arrivals)', () => {
  it('the same seed gives the same schedule; arrivals are in order, inside the duration, at about the rate', () => {
    const o = { ratePerSec: 50, durationMs: 200_000, seed: 42 };
    const s = poissonSchedule(o);
    assert.deepEqual(poissonSchedule(o), s);
    assert.notDeepEqual(poissonSchedule({ ...o, seed: 43 }).slice(0, 5), s.slice(0, 5));
    assert.ok(s.every((a, i) => a.atMs < o.durationMs && (i === 0 || a.atMs >= s[i - 1].atMs)));
    // 10,000 expected arrivals: the count is within 4 standard deviations (sqrt(10000) = 100).
    assert.ok(Math.abs(s.length - 10_000) < 400, `count ${s.length}`);
    // Exponential gaps: mean 1/rate = 20 ms, and the coefficient of variation is about 1.
    const gaps = s.map((a, i) => a.atMs - (i ? s[i - 1].atMs : 0));
    const mean = gaps.reduce((x, y) => x + y) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, y) => x + (y - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(mean - 20) < 1, `mean gap ${mean}`);
    assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
  });

  it('follows the payload mix weights', () => {
    const s = poissonSchedule({ ratePerSec: 100, durationMs: 100_000, seed: 1, weights: [1, 3, 0] });
    const counts = [0, 0, 0];
    for (const a of s) counts[a.payload]++;
    assert.equal(counts[2], 0);
    assert.ok(Math.abs(counts[1] / s.length - 0.75) < 0.02, `share ${counts[1] / s.length}`);
    assert.throws(() => poissonSchedule({ ratePerSec: 0, durationMs: 1, seed: 1 }), /rate/);
    assert.throws(() => poissonSchedule({ ratePerSec: 1, durationMs: 1, seed: 1, weights: [0] }), /weights/);
  });

  it('seededRandom is uniform enough', () => {
    const r = seededRandom(9);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r() * 10)]++;
    assert.ok(bins.every(b => Math.abs(b - 10_000) < 500), bins.join(','));
  });

  it('sends on schedule without waiting for slow answers (fake clock)', async () => {
    let now = 0;
    const timers: Array<{ at: number; fire: () => void }> = [];
    const later = (ms: number) => new Promise<void>(res => timers.push({ at: now + ms, fire: res }));
    // Drives the fake clock: fires the earliest timer whenever everything else is idle.
    let running = true;
    const pump = (async () => {
      while (running) {
        await new Promise(r => setImmediate(r));
        timers.sort((a, b) => a.at - b.at);
        const t = timers.shift();
        if (t) { now = Math.max(now, t.at); t.fire(); }
      }
    })();
    let inflight = 0, maxInflight = 0;
    const schedule = [0, 10, 20, 30, 1500].map((atMs, i) => ({ atMs, payload: i % 2 }));
    const { samples, runMs } = await runOpenLoop(schedule, {
      now: () => now,
      sleep: ms => later(ms),
      send: async p => {
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        await later(p === 0 ? 100 : 400);
        inflight--;
        return p === 0;
      },
    });
    running = false;
    await pump;
    assert.deepEqual(samples.map(s => s.startMs), [0, 10, 20, 30, 1500], 'each request left when due');
    assert.equal(maxInflight, 4, 'four requests were in flight at once: nothing waited for an answer');
    assert.deepEqual(samples.map(s => s.latencyMs), [100, 400, 100, 400, 100]);
    const report = openLoopReport(samples, schedule.length, runMs, 150);
    assert.equal(report.errors, 2);
    assert.equal(report.completed, 5);
    assert.equal(report.goodput, 3 / 5);
    assert.equal(report.latency!.p50, 100);
    assert.equal(runMs, 1600);
    assert.equal(report.throughput, 3 / 1.6);
    assert.deepEqual(report.timeline.map(t => [t.sent, t.errors, t.max]), [[4, 2, 100], [1, 0, 100]]);
  });
});
