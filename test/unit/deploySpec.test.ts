import { strict as assert } from 'node:assert';
import { deriveModelName, deriveServiceName, serviceNameProblem } from '../../src/serving/deploy/names';
import { buildService, DEFAULT_DEPLOY, type DeployOptions } from '../../src/serving/deploy/serviceSpec';
import { defaultPlan, planProblems, planSummary } from '../../src/serving/deploy/plan';
import { canaryTraffic, rollbackTraffic } from '../../src/serving/deploy/traffic';
import { emptyInspection } from '../../src/serving/savedModel/inspection';
import { toService } from '../../src/gcp/normalize';
import { labelKeyProblem, labelValueProblem } from '../../src/serving/labels';

const base: DeployOptions = {
  ...DEFAULT_DEPLOY, serviceName: 'retrieval-v3', region: 'us-central1', project: 'demo-project', image: 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0',
  container: 'native', modelName: 'retrieval', modelUri: 'gs://demo-project-models/retrieval/pushed_model/1700000000/', version: '1700000000',
  links: { model: '4711', modelVersion: '3', run: 'Retrieval-Run-7', modelDisplayName: 'Recsys Retrieval' },
};

describe('Cloud Run service spec', () => {
  it('native: mounts the version folder where TF Serving looks, gen2, probe on model status, batching on', () => {
    const s = buildService(base);
    const t = s.template;
    assert.equal(t.executionEnvironment, 'EXECUTION_ENVIRONMENT_GEN2');
    assert.deepEqual(t.volumes, [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: ['only-dir=retrieval/pushed_model/1700000000'] } }]);
    const c = t.containers[0];
    assert.deepEqual(c.volumeMounts, [{ name: 'model', mountPath: '/models/retrieval/1700000000' }]);
    assert.deepEqual(c.ports, [{ name: 'http1', containerPort: 8501 }]);
    assert.deepEqual(c.env.find((e: { name: string }) => e.name === 'MODEL_NAME'), { name: 'MODEL_NAME', value: 'retrieval' });
    assert.deepEqual(c.resources.limits, { cpu: '2', memory: '4Gi' });
    assert.equal(c.startupProbe.httpGet.path, '/v1/models/retrieval');
    assert.ok(c.args.includes('--enable_batching=true'));
    assert.ok(c.args.includes('--batching_parameters_file=/etc/tf_serving/batching.config'));
    assert.deepEqual(t.scaling, { minInstanceCount: 0, maxInstanceCount: 10 });
    assert.deepEqual(s.labels, { 'managed-by': 'ml-serving', 'ml-serving-model': '4711', 'ml-serving-model-name': 'recsys-retrieval', 'ml-serving-model-version': '3', 'ml-serving-run': 'retrieval-run-7', 'ml-serving-container': 'native' });
    for (const [k, v] of Object.entries(s.labels as Record<string, string>)) { assert.equal(labelKeyProblem(k), undefined); assert.equal(labelValueProblem(v), undefined); }
    // no model download at start: nothing mentions gsutil or a startup script
    assert.doesNotMatch(JSON.stringify(s), /gsutil|startup\.sh/);
  });

  it('python: same mount and API, no TF Serving flags, a longer startup allowance', () => {
    const s = buildService({ ...base, container: 'python', image: 'x/tf-serving-python:1', memory: '4Gi' });
    const c = s.template.containers[0];
    assert.equal(c.args, undefined);
    assert.equal(c.startupProbe.failureThreshold, 120);
    assert.equal(s.labels['ml-serving-container'], 'python');
  });

  it('unversioned exports are mounted as version 1', () => {
    const s = buildService({ ...base, modelUri: 'gs://bkt/exports/model', version: null });
    assert.equal(s.template.containers[0].volumeMounts[0].mountPath, '/models/retrieval/1');
    assert.deepEqual(s.template.volumes[0].gcs.mountOptions, ['only-dir=exports/model']);
  });

  it('rejects a model uri that is not gs://', () => {
    assert.throws(() => buildService({ ...base, modelUri: '/tmp/model' }), /model uri: expected gs:\/\/BUCKET\/PATH/);
  });
});

describe('service names', () => {
  it('derives valid names', () => {
    for (const [input, v] of [['Retrieval Model (TFRS)', '3'], ['123-numbers-first', undefined], ['x'.repeat(80), '12'], ['___', undefined]] as const) {
      const n = deriveServiceName(input, v);
      assert.equal(serviceNameProblem(n), undefined, `${input} → ${n}`);
    }
    assert.equal(deriveServiceName('Retrieval Model', '3'), 'retrieval-model-v3');
    assert.equal(deriveModelName('Retrieval Model-2'), 'retrieval_model_2');
  });
  it('names what is wrong', () => {
    assert.match(serviceNameProblem('1abc')!, /starts with a lowercase letter/);
    assert.match(serviceNameProblem('abc_def')!, /only lowercase letters, digits and hyphens/);
    assert.match(serviceNameProblem('a'.repeat(50))!, /at most 49/);
    assert.match(serviceNameProblem('abc-')!, /cannot end with a hyphen/);
  });
});

describe('deploy plan', () => {
  const ins = { ...emptyInspection('gs://bkt/m'), modelDir: 'gs://bkt/m/1', version: '1', container: 'python' as const, reasons: ['Scann>ScannSearchBatched found in library function __inference_x'] };
  it('defaults: authenticated, python gets 4Gi; summary names container and why', () => {
    const p = defaultPlan({ inspection: ins, serviceName: 'svc', region: 'us-central1', project: 'p1-project', image: 'img', container: 'python', modelName: 'm', links: {}, update: false });
    assert.equal(p.isPublic, false);
    assert.equal(p.memory, '4Gi');
    assert.deepEqual(planProblems(p), []);
    const text = planSummary(p);
    assert.match(text, /Container: Python server\n/);
    assert.match(text, /\nImage: img  \(not from this project's ml-serving repository\)/);
    assert.match(text, /Scann>ScannSearchBatched/);
    assert.match(text, /Access: authenticated/);
  });
  it('every bad field is named', () => {
    const p = defaultPlan({ inspection: ins, serviceName: 'svc', region: 'us-central1', project: 'p1-project', image: 'img', container: 'python', modelName: 'm', links: {}, update: false });
    const problems = planProblems({ ...p, serviceName: 'Bad_Name', region: 'moon-1', cpu: 'lots', memory: '1Gi', minInstances: 5, maxInstances: 2, concurrency: 0, timeoutSeconds: 99999, modelUri: 'http://x' });
    for (const f of ['serviceName', 'region', 'cpu', 'memory', 'minInstances', 'concurrency', 'timeoutSeconds', 'modelUri']) assert.ok(problems.some(x => x.startsWith(`${f}:`)), `${f} in ${problems.join('\n')}`);
  });
});

describe('traffic', () => {
  const svc = toService({ name: 'projects/p/locations/us-central1/services/s', latestReadyRevision: 'projects/p/locations/us-central1/services/s/revisions/s-00002-b',
    trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }] });
  it('canary pins the current revision and sends X% to the candidate', () => {
    assert.deepEqual(canaryTraffic(svc, 's-00003-c', 10), [
      { type: 'REVISION', revision: 's-00003-c', percent: 10, tag: 'canary' },
      { type: 'REVISION', revision: 's-00002-b', percent: 90 },
    ]);
  });
  it('canary keeps proportions across several serving revisions and sums to 100', () => {
    const split = toService({ name: 'projects/p/locations/us-central1/services/s', trafficStatuses: [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'a', percent: 50 }, { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'b', percent: 50 }] });
    const t = canaryTraffic(split, 'c', 25);
    assert.equal(t.reduce((s, x) => s + x.percent, 0), 100);
    assert.deepEqual(t.map(x => x.revision), ['c', 'a', 'b']);
  });
  it('rollback sends everything to one revision', () => {
    assert.deepEqual(rollbackTraffic('s-00001-a'), [{ type: 'REVISION', revision: 's-00001-a', percent: 100 }]);
  });
});
