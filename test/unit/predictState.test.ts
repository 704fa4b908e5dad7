// The Test Prediction panel's saved state (untrusted: the webview wrote it) as the serializer reads it.
import { strict as assert } from 'node:assert';
import { panelTargetOf, parsePanelState } from '../../src/protocol/predict';

const SVC = 'projects/p/locations/us-central1/services/s';
const EP = 'projects/p/locations/us-central1/endpoints/123';

describe('predict panel state', () => {
  it('a state saved before endpoints ({serviceName}) restores its service', () => {
    assert.deepEqual(parsePanelState({ serviceName: SVC, signature: 'serving_default', view: 'raw', raw: '{}' }),
      { target: { kind: 'service', name: SVC }, signature: 'serving_default', view: 'raw', raw: '{}' });
  });

  it('carries a service or an endpoint (+ deployed model) target', () => {
    assert.deepEqual(parsePanelState({ target: { kind: 'service', name: SVC } }).target, { kind: 'service', name: SVC });
    assert.deepEqual(parsePanelState({ target: { kind: 'endpoint', name: EP } }).target, { kind: 'endpoint', name: EP });
    assert.deepEqual(parsePanelState({ target: { kind: 'endpoint', name: EP, deployedModelId: '456' } }).target, { kind: 'endpoint', name: EP, deployedModelId: '456' });
  });

  it('round-trips what the webview persists for each kind of panel', () => {
    const info = { name: EP, id: 'ep', region: 'us-central1', modelName: 'model', authenticated: true, state: 'ready' };
    assert.deepEqual(parsePanelState({ target: panelTargetOf({ ...info, kind: 'endpoint', deployedModelId: '9' }) }).target, { kind: 'endpoint', name: EP, deployedModelId: '9' });
    assert.deepEqual(parsePanelState({ target: panelTargetOf({ ...info, name: SVC }) }).target, { kind: 'service', name: SVC });
  });

  it('refuses a malformed state, naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /\bstate: expected an object, got undefined/],
      [[], /\bstate: expected an object, got a list/],
      [{ serviceName: '../../etc' }, /\bstate\.serviceName: expected projects\/P\/locations\/R\/services\/S, got "\.\.\/\.\.\/etc"/],
      [{}, /\bstate\.target: expected an object, got undefined/],
      [{ target: { kind: 'bucket', name: SVC } }, /\bstate\.target\.kind: expected "service" or "endpoint", got "bucket"/],
      [{ target: { kind: 'service', name: EP } }, /\bstate\.target\.name: expected projects\/P\/locations\/R\/services\/S/],
      [{ target: { kind: 'endpoint', name: SVC } }, /\bstate\.target\.name: expected projects\/P\/locations\/R\/endpoints\/E/],
      [{ target: { kind: 'endpoint', name: EP, deployedModelId: 'a/b' } }, /\bstate\.target\.deployedModelId: expected a deployed model id/],
      [{ target: { kind: 'endpoint', name: `${EP}${'x'.repeat(600)}` } }, /\bstate\.target\.name:/],
    ];
    for (const [v, re] of bad) assert.throws(() => parsePanelState(v), re, JSON.stringify(v));
  });

  it('keeps only well-typed extras (the webview re-reads them)', () => {
    const s = parsePanelState({ target: { kind: 'service', name: SVC }, view: 'evil', raw: 42, signature: ['x'] });
    assert.deepEqual(s, { target: { kind: 'service', name: SVC } });
  });
});
