// Test Prediction's open loop drives the one engine (serving/predict/openLoop) with the panel's
// target: every Poisson arrival of the schedule is sent, the mix in equal shares, the probe alone
// first; the report, the cold-start result and the chart points come from what was sent. A fake
// clock: no timing in the assertions.
import { strict as assert } from 'node:assert';
import { runPanelLoadTest } from '../../src/features/predict/benchmark';
import { MAX_CHART_POINTS } from '../../src/protocol/predict';
import { poissonSchedule } from '../../src/serving/predict/openLoop';

function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; }, advance: (ms: number) => { t += ms; } };
}

describe('predict panel: open-loop load test', () => {
  it('sends every scheduled arrival of the mix, the probe first, and reports what came back', async () => {
    const clock = fakeClock();
    const sent: Array<{ body: string; retry: boolean }> = [];
    const o = { rate: 20, durationSec: 5, targetMs: 60_000, seed: 7 };
    const run = await runPanelLoadTest({
      ...o, probe: true, bodies: ['{"a":1}', '{"bad":1}'], now: clock.now, sleep: clock.sleep,
      send: async (body, _signal, retry) => {
        sent.push({ body, retry });
        clock.advance(body.includes('bad') ? 80 : 10);
        return { status: body.includes('bad') ? 500 : 200 };
      },
    });
    const expected = poissonSchedule({ ratePerSec: o.rate, durationMs: o.durationSec * 1000, seed: o.seed, weights: [1, 1] });
    assert.ok(expected.length > 50);
    assert.deepEqual(sent[0], { body: '{"a":1}', retry: true }, 'the probe goes alone, first, retrying a cold start');
    assert.equal(sent.length, expected.length + 1);
    assert.ok(sent.slice(1).every(s => !s.retry), 'the run does not retry');
    const bad = expected.filter(a => a.payload === 1).length;
    assert.equal(sent.filter(s => s.body.includes('bad')).length, bad, 'the mix follows the schedule');
    assert.equal(run.report.scheduled, expected.length);
    assert.equal(run.report.completed, expected.length);
    assert.equal(run.report.errors, bad, 'HTTP 500 answers count as errors');
    assert.equal(run.report.goodput, (expected.length - bad) / expected.length);
    assert.equal(run.points.length, expected.length);
    assert.equal(run.points.filter(p => p[2] === 0).length, bad);
    assert.equal(run.pointsOmitted, 0);
    assert.equal(run.coldStart.measured, false, 'a 10 ms first request is no cold start');
    assert.match(run.markdown('svc'), /# Open-loop load: svc[\s\S]*goodput \(successful within 60000 ms\)[\s\S]*\| cold start \| not measured/);
  });

  it('thins the chart to at most MAX_CHART_POINTS, stops when cancelled, and says when the probe was off', async () => {
    const clock = fakeClock();
    const ctrl = new AbortController();
    let n = 0;
    const run = await runPanelLoadTest({
      rate: 200, durationSec: 30, targetMs: 50, seed: 1, probe: false, bodies: ['{}'], now: clock.now, sleep: clock.sleep, signal: ctrl.signal,
      send: async () => { if (++n === 3000) ctrl.abort(); return { status: 200 }; },
    });
    assert.equal(run.report.completed, 3000, 'nothing is sent after the cancel');
    assert.ok(run.points.length <= MAX_CHART_POINTS && run.points.length > 0);
    assert.equal(run.points.length + run.pointsOmitted, 3000);
    assert.deepEqual(run.coldStart, { measured: false, reason: 'the probe was off for this run' });
  });
});
