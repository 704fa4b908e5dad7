import { strict as assert } from 'node:assert';
import { coldStartLine, coldStartResult } from '../../src/serving/predict/coldStart';

describe('the load test\'s cold-start probe (issue 18)', () => {
  it('a first request far slower than the warm p50 is a cold start, with its extra time', () => {
    const c = coldStartResult({ minInstances: 0, firstMs: 4200, firstOk: true, warmP50: 40 });
    assert.deepEqual(c, { measured: true, firstMs: 4200, warmP50: 40, extraMs: 4160 });
    assert.equal(coldStartLine(c), '| cold start (first request) | 4200 ms, 4160 ms more than the warm p50 |');
  });

  it('a first request as fast as warm ones is not called a cold start: an instance was already up', () => {
    const c = coldStartResult({ firstMs: 55, firstOk: true, warmP50: 40 });
    assert.equal(c.measured, false);
    assert.match(coldStartLine(c), /not measured: the first request \(55 ms\) was about as fast as warm ones \(p50 40 ms\): an instance was already up/);
    // Twice the p50 but only a little slower in absolute terms: still noise, not a cold start.
    assert.equal(coldStartResult({ firstMs: 200, firstOk: true, warmP50: 20 }).measured, false);
  });

  it('min instances above zero: never a cold start to measure, and it says why', () => {
    const c = coldStartResult({ minInstances: 2, firstMs: 9000, firstOk: true, warmP50: 40 });
    assert.equal(c.measured, false);
    assert.match(coldStartLine(c), /min instances is 2: an instance is kept warm/);
  });

  it('a failed probe or a run without successes cannot measure it, and says which', () => {
    assert.match(coldStartLine(coldStartResult({ firstOk: false, firstMs: 12, firstError: 'HTTP 503', warmP50: 40 })), /the probe request failed \(HTTP 503\)/);
    assert.match(coldStartLine(coldStartResult({ firstOk: true, firstMs: 5000 })), /no successful request in the run/);
  });

  it('keeps the markdown table intact when a reason has a pipe', () => {
    const line = coldStartLine(coldStartResult({ firstOk: false, firstError: 'a|b' }));
    assert.equal(line.replace(/\\\|/g, '').split('|').length - 1, 3, `two cells: ${line}`);
  });
});
