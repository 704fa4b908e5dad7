import { strict as assert } from 'node:assert';
import { apportion, checkTrafficSplit, describeTrafficChange, splitAfterCanary, splitAfterUndeploy } from '../../src/serving/endpoints/traffic';
import { checkMachine, machineTypesIn, DEFAULT_MACHINE_TYPE } from '../../src/serving/endpoints/machineTypes';
import { checkEndpointDeploy, endpointContainer, isPrebuiltTfImage, NEW_MODEL_KEY, PREBUILT_TF_IMAGE } from '../../src/serving/endpoints/deployPlan';
import { chooseContainer } from '../../src/serving/routing/chooseContainer';
import { findCustomOps } from '../../src/serving/savedModel/customOps';

const sum = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);

describe('endpoints: traffic split', function () {
  it('a 10% canary on a single model gives 90/10', function () {
    assert.deepEqual(splitAfterCanary({ a: 100 }, 'b', 10), { a: 90, b: 10 });
  });

  it('keeps the others in proportion, integers summing to 100', function () {
    const s = splitAfterCanary({ a: 50, b: 30, c: 20 }, 'd', 25);
    assert.equal(s.d, 25);
    assert.equal(sum(s), 100);
    // 75 in proportion 5:3:2 = 37.5, 22.5, 15 → largest remainder, ties to the earlier key
    assert.deepEqual(s, { a: 38, b: 22, c: 15, d: 25 });
    for (const v of Object.values(s)) assert.ok(Number.isInteger(v));
  });

  it('rounds thirds without drifting from 100', function () {
    const s = splitAfterCanary({ a: 34, b: 33, c: 33 }, 'n', 1);
    assert.equal(sum(s), 100);
    assert.equal(s.n, 1);
    assert.deepEqual(apportion({ x: 1, y: 1, z: 1 }, 100), { x: 34, y: 33, z: 33 });
  });

  it('a new model on an endpoint with no traffic takes 100, whatever share was asked', function () {
    assert.deepEqual(splitAfterCanary({}, 'n', 10), { n: 100 });
    assert.deepEqual(splitAfterCanary({ idle: 0 }, 'n', 10), { idle: 0, n: 100 });
  });

  it('rejects a share outside 0..100, naming the field', function () {
    assert.throws(() => splitAfterCanary({ a: 100 }, 'b', 101), /trafficShare/);
    assert.throws(() => splitAfterCanary({ a: 100 }, 'b', 12.5), /trafficShare/);
  });

  it('undeploying gives the share back to the others in proportion', function () {
    assert.deepEqual(splitAfterUndeploy({ a: 90, b: 10 }, 'b'), { a: 100 });
    assert.deepEqual(splitAfterUndeploy({ a: 60, b: 20, c: 20 }, 'a'), { b: 50, c: 50 });
    assert.deepEqual(splitAfterUndeploy({ a: 100 }, 'a'), {});
  });

  it('validates a split: sum 100, integers, known ids', function () {
    assert.deepEqual(checkTrafficSplit({ a: 90, b: 10 }, ['a', 'b']), []);
    assert.match(checkTrafficSplit({ a: 90, b: 20 }, ['a', 'b']).join('\n'), /trafficSplit: percentages must sum to 100, got 110/);
    assert.match(checkTrafficSplit({ a: 99.5, b: 0.5 }, ['a', 'b']).join('\n'), /trafficSplit\.a: expected an integer/);
    assert.match(checkTrafficSplit({ a: 100, zz: 0 }, ['a']).join('\n'), /trafficSplit\.zz: no deployed model/);
  });

  it('describes what moves', function () {
    assert.deepEqual(describeTrafficChange({ a: 100 }, { a: 90, b: 10 }, id => (id === 'a' ? 'v1' : 'v2')), ['v1: 100% → 90%', 'v2: new → 10%']);
    assert.deepEqual(describeTrafficChange({ a: 90, b: 10 }, { a: 100 }), ['a: 90% → 100%', 'b: 10% → undeployed']);
  });
});

describe('endpoints: machine types and deploy validation', function () {
  it('offers CPU shapes and GPUs per region', function () {
    assert.ok(machineTypesIn('us-central1').includes(DEFAULT_MACHINE_TYPE));
    assert.ok(machineTypesIn('us-central1').includes('g2-standard-4'));
    assert.equal(checkMachine('us-central1', 'n1-standard-4'), undefined);
    assert.equal(checkMachine('us-central1', 'n1-standard-4', { type: 'NVIDIA_TESLA_T4', count: 1 }), undefined);
    assert.equal(checkMachine('us-central1', 'g2-standard-4', { type: 'NVIDIA_L4', count: 1 }), undefined);
  });

  it('rejects what a region does not offer, naming the field', function () {
    assert.equal(checkMachine('us-central1', 'n1-mega-96')?.field, 'machineType');
    assert.match(checkMachine('us-central1', 'n1-mega-96')!.message, /^machineType: "n1-mega-96" is not offered in us-central1/);
    assert.equal(checkMachine('us-east1', 'g2-standard-4', { type: 'NVIDIA_L4', count: 1 })?.field, 'acceleratorType');
    assert.equal(checkMachine('us-central1', 'e2-standard-2', { type: 'NVIDIA_TESLA_T4', count: 1 })?.field, 'machineType');
    assert.equal(checkMachine('us-central1', 'n1-standard-4', { type: 'NVIDIA_TESLA_T4', count: 3 })?.field, 'acceleratorCount');
    assert.equal(checkMachine('mars-north1', 'n1-standard-2')?.field, 'region');
  });

  it('checks replicas and share before any call; computes the split after', function () {
    const ok = checkEndpointDeploy({ region: 'us-central1', machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 2, trafficShare: 10, currentSplit: { a: 100 } });
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.splitAfter, { a: 90, [NEW_MODEL_KEY]: 10 });
    const fresh = checkEndpointDeploy({ region: 'us-central1', machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficShare: 10, currentSplit: {} });
    assert.deepEqual(fresh.splitAfter, { [NEW_MODEL_KEY]: 100 });
    const bad = checkEndpointDeploy({ region: 'us-central1', machineType: 'x1-huge', minReplicas: 3, maxReplicas: 2, trafficShare: 150, currentSplit: { a: 100 } });
    const text = bad.errors.join('\n');
    assert.match(text, /^machineType:/m);
    assert.match(text, /^maxReplicas: must be at least minReplicas \(3\)/m);
    assert.match(text, /^trafficShare:/m);
    assert.deepEqual(bad.splitAfter, {});
    const zero = checkEndpointDeploy({ region: 'us-central1', machineType: 'n1-standard-2', minReplicas: 0, maxReplicas: 1, trafficShare: 10, currentSplit: {} });
    assert.match(zero.errors.join('\n'), /^minReplicas:/m);
  });
});

describe('endpoints: the serving container from the same routing', function () {
  it('plain model → the prebuilt TF serving image', function () {
    const d = chooseContainer({ customOps: [] });
    const c = endpointContainer(d.container as 'native', 'us-central1-docker.pkg.dev/p/ml-serving/tf-serving-python:x');
    assert.equal(c.imageUri, PREBUILT_TF_IMAGE);
    assert.ok(isPrebuiltTfImage(c.imageUri));
    assert.equal(c.predictRoute, undefined);
  });

  it('custom ops → the project\'s Python image as a custom container on TF Serving routes', function () {
    const d = chooseContainer({ customOps: findCustomOps(['Scann>ScannSearchBatched'], { 'Scann>ScannSearchBatched': ['graph'] }) });
    assert.equal(d.container, 'python');
    const image = 'us-central1-docker.pkg.dev/p/ml-serving/tf-serving-python:tf2.15-scann1.3.0';
    const c = endpointContainer('python', image, { modelName: 'retrieval' });
    assert.equal(c.imageUri, image);
    assert.equal(c.predictRoute, '/v1/models/retrieval:predict');
    assert.equal(c.healthRoute, '/v1/models/retrieval');
    assert.deepEqual(c.env, [{ name: 'MODEL_NAME', value: 'retrieval' }]);
    assert.ok(!isPrebuiltTfImage(c.imageUri));
    assert.throws(() => endpointContainer('python', ''), /mlServing\.images\.python/);
  });
});
