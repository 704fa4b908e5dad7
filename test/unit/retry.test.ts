import { strict as assert } from 'node:assert';
import { withRetry } from '../../src/gcp/retry';

describe('retry', () => {
  it('retries UNAVAILABLE and RESOURCE_EXHAUSTED, then succeeds once', async () => {
    let calls = 0;
    const seen: number[] = [];
    const r = await withRetry(async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('unavailable'), { code: 14 });
      if (calls === 2) throw Object.assign(new Error('quota'), { code: 8 });
      return 'ok';
    }, { firstDelayMs: 1, onRetry: (i) => seen.push(i) });
    assert.equal(r, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(seen, [1, 2]);
  });
  it('does not retry other errors, and gives up after the attempts', async () => {
    let calls = 0;
    await assert.rejects(withRetry(async () => { calls++; throw Object.assign(new Error('denied'), { code: 7 }); }, { firstDelayMs: 1 }), /denied/);
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(withRetry(async () => { calls++; throw Object.assign(new Error('down'), { code: 14 }); }, { firstDelayMs: 1, attempts: 3 }), /down/);
    assert.equal(calls, 3);
  });
});
