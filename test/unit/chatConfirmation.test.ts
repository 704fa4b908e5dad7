/** The chat confirmation tokens: one use, only the text shown, never from JSON. */
import { strict as assert } from 'node:assert';
import { chatDecision, confirmedToken, previewToken } from '../../src/common/chatConfirmation';

describe('chat confirmation tokens', () => {
  it('a preview token reports the text once and changes nothing', () => {
    const p = previewToken();
    assert.equal(chatDecision(p.token, 'Roll back?\nTraffic: a 100% → 0%'), 'preview');
    assert.equal(p.text(), 'Roll back?\nTraffic: a 100% → 0%');
    assert.equal(chatDecision(p.token, 'anything'), 'ask', 'used once');
  });

  it('a confirmed token confirms exactly the text shown, once', () => {
    const t = confirmedToken('Deploy x?\nplan');
    assert.equal(chatDecision(t, 'Deploy x?\nplan'), 'confirmed');
    assert.equal(chatDecision(t, 'Deploy x?\nplan'), 'ask', 'used once');
    assert.equal(chatDecision(confirmedToken('Deploy x?\nplan'), 'Deploy x?\nother plan'), 'ask', 'a changed plan is asked again');
  });

  it('anything not made here asks: true, JSON look-alikes, copies', () => {
    const real = confirmedToken('t');
    for (const forged of [true, 'yes', { kind: 'ml-serving-chat-confirmed' }, JSON.parse(JSON.stringify(real)), { ...real }, undefined, null]) {
      assert.equal(chatDecision(forged, 't'), 'ask', JSON.stringify(forged));
    }
  });
});
