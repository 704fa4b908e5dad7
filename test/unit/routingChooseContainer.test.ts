import { strict as assert } from 'node:assert';
import { chooseContainer } from '../../src/serving/routing/chooseContainer';
import { findCustomOps } from '../../src/serving/savedModel/customOps';

const scannOps = findCustomOps(['Scann>ScannSearchBatched', 'Identity'], {
  'Scann>ScannSearchBatched': ['library:__inference_call_1234', 'library:__inference_call_5678'],
});
const addonsOps = findCustomOps(['Addons>GatherTree'], { 'Addons>GatherTree': ['graph'] });
const unknownOps = findCustomOps(['Acme>Frobnicate'], { 'Acme>Frobnicate': ['library:__inference_f_1'] });

describe('chooseContainer', function () {
  it('plain model -> native, with the reason', function () {
    const d = chooseContainer({ customOps: [] });
    assert.equal(d.container, 'native');
    assert.deepEqual(d.reasons, ['no custom ops; TF Serving 2.19 runs every op in the graph']);
    assert.deepEqual(d.warnings, []);
    assert.deepEqual(d.pythonPackages, []);
  });

  it('ScaNN ops -> python; names the op, where it was found, and the scann import', function () {
    const d = chooseContainer({ customOps: scannOps });
    assert.equal(d.container, 'python');
    assert.ok(
      d.reasons.includes('Scann>ScannSearchBatched in library function __inference_call_1234, library function __inference_call_5678 (ScaNN op, not in the stock TF Serving binary)'),
      d.reasons.join('\n'),
    );
    assert.ok(d.reasons.some(r => r.includes('imports scann before loading the model')), d.reasons.join('\n'));
    assert.deepEqual(d.pythonPackages, ['scann']);
    assert.deepEqual(d.pythonModules, ['scann']);
    assert.deepEqual(d.warnings, []);
  });

  it('label retrieval_algorithm=scann without Scann ops: warns the label disagrees, stays native', function () {
    const d = chooseContainer({ customOps: [] }, { labels: { retrieval_algorithm: 'scann' } });
    assert.equal(d.container, 'native');
    assert.equal(d.warnings.length, 1);
    assert.match(d.warnings[0], /retrieval_algorithm=scann .*no Scann> ops/);
  });

  it('label agreeing with Scann ops is noted as a reason, no warning', function () {
    const d = chooseContainer({ customOps: scannOps }, { labels: { retrieval_algorithm: 'scann' } });
    assert.equal(d.container, 'python');
    assert.ok(d.reasons.some(r => r.includes('retrieval_algorithm=scann agrees')));
    assert.deepEqual(d.warnings, []);
  });

  it('label naming another algorithm while the graph has Scann ops: graph wins, with a warning', function () {
    const d = chooseContainer({ customOps: scannOps }, { labels: { retrieval_algorithm: 'brute_force' } });
    assert.equal(d.container, 'python');
    assert.match(d.warnings[0], /retrieval_algorithm=brute_force disagrees/);
  });

  it('known non-ScaNN package -> python with a warning naming the pip package', function () {
    const d = chooseContainer({ customOps: addonsOps });
    assert.equal(d.container, 'python');
    assert.deepEqual(d.pythonPackages, ['tensorflow-addons']);
    assert.ok(d.warnings.some(w => w.includes('pip package tensorflow-addons') && w.includes('Addons>GatherTree')), d.warnings.join('\n'));
  });

  it('unknown namespace -> python with a warning naming the op and namespace', function () {
    const d = chooseContainer({ customOps: unknownOps });
    assert.equal(d.container, 'python');
    assert.ok(d.warnings.some(w => w.includes('Acme>Frobnicate') && w.includes('namespace Acme>') && w.includes('Op type not registered')), d.warnings.join('\n'));
    assert.deepEqual(d.pythonPackages, []);
  });

  it('override native with custom ops: native, warning naming the op that fails to register', function () {
    const d = chooseContainer({ customOps: scannOps }, { override: 'native' });
    assert.equal(d.container, 'native');
    assert.ok(d.warnings.some(w => w.includes("Op type not registered 'Scann>ScannSearchBatched'")), d.warnings.join('\n'));
  });

  it('override python on a plain model: python, warning that native is faster', function () {
    const d = chooseContainer({ customOps: [] }, { override: 'python' });
    assert.equal(d.container, 'python');
    assert.match(d.warnings[0], /not needed/);
  });

  it('unusable model -> none, whatever the override', function () {
    const d = chooseContainer({ customOps: [], errors: ['/m: no saved_model.pb'] }, { override: 'native' });
    assert.equal(d.container, 'none');
    assert.equal(d.reasons.length, 1);
  });
});
