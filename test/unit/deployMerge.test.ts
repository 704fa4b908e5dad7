// Redeploy = merge: only what the product owns changes; the service account, secrets, VPC access,
// sidecars, other env vars, volumes, annotations, labels and console scaling stay. On a real
// Cloud Run Service (../shared/fixtures/gcp/cloud-run) and on one carrying every one of those.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { buildService, DEFAULT_DEPLOY, type DeployOptions } from '../../src/serving/deploy/serviceSpec';
import { diffService, keptSummary, mergeService, servingContainerIndex } from '../../src/serving/deploy/mergeService';
import { dedicatedAccountCommands } from '../../src/serving/deploy/serviceAccount';
import { defaultPlan, identityLine, isProjectImage, planSummary } from '../../src/serving/deploy/plan';
import { emptyInspection } from '../../src/serving/savedModel/inspection';
import { FIXTURES, fixture } from './helpers/fixtures';

const NATIVE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0';
const PYTHON = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:tf2.15-scann1.3.0';
const v1: DeployOptions = {
  ...DEFAULT_DEPLOY, serviceName: 'retrieval', region: 'us-central1', project: 'demo-project', image: NATIVE, container: 'native',
  modelName: 'retrieval', modelUri: 'gs://demo-project-models/retrieval/pushed_model/1700000000/', version: '1700000000',
  links: { model: '4711', modelVersion: '3', run: 'run-7', modelDisplayName: 'Recsys Retrieval' },
};
const v2: DeployOptions = { ...v1, image: PYTHON, container: 'python', modelUri: 'gs://demo-project-models/retrieval/pushed_model/1800000000/', version: '1800000000', links: { model: '4711', modelVersion: '4' } };
const SA = 'recsys-runtime@demo-project.iam.gserviceaccount.com';
const CONNECTOR = 'projects/demo-project/locations/us-central1/connectors/serving-vpc';

/** A service this product deployed, then changed in the console: everything a redeploy must keep. */
function customised(): Record<string, any> {
  const s = buildService(v1);
  const t = s.template;
  const ours = t.containers[0];
  ours.env.push({ name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-pass', version: 'latest' } } }, { name: 'LOG_LEVEL', value: 'debug' });
  ours.volumeMounts.push({ name: 'creds', mountPath: '/secrets' });
  ours.args.push('--tensorflow_intra_op_parallelism=4');
  t.volumes.push({ name: 'creds', secret: { secret: 'api-creds', items: [{ path: 'key.json', version: '3' }] } });
  // The sidecar first: the serving container is found by its model mount, not by position.
  t.containers.unshift({ name: 'otel-collector', image: 'otel/opentelemetry-collector:0.98.0', resources: { limits: { cpu: '1', memory: '512Mi' } } });
  t.serviceAccount = SA;
  t.vpcAccess = { connector: CONNECTOR, egress: 'PRIVATE_RANGES_ONLY' };
  t.annotations = { 'run.googleapis.com/cloudsql-instances': 'demo-project:us-central1:db' };
  t.labels = { ...t.labels, team: 'recsys' };
  t.scaling = { minInstanceCount: 2, maxInstanceCount: 7 };
  t.maxInstanceRequestConcurrency = 32;
  t.revision = 'retrieval-console-edit';
  // As the client decodes it: each oneof names its set field (EnvVar.values, Volume.volumeType).
  for (const c of t.containers) for (const e of c.env ?? []) e.values = e.valueSource ? 'valueSource' : 'value';
  for (const v of t.volumes) v.volumeType = v.gcs ? 'gcs' : 'secret';
  return { name: 'projects/demo-project/locations/us-central1/services/retrieval', etag: '"abc"', ...s, labels: { ...s.labels, cost_center: 'ml' }, template: t };
}

describe('deploy: merge, not replace', () => {
  it('keeps the service account, secrets, VPC access, sidecar, annotations, labels and console scaling', () => {
    const existing = customised();
    const merged = mergeService(existing, buildService(v2));
    const t = merged.template;
    assert.equal(t.serviceAccount, SA);
    assert.deepEqual(t.vpcAccess, { connector: CONNECTOR, egress: 'PRIVATE_RANGES_ONLY' });
    assert.deepEqual(t.annotations, existing.template.annotations);
    assert.deepEqual(t.scaling, { minInstanceCount: 2, maxInstanceCount: 7 });
    assert.equal(t.maxInstanceRequestConcurrency, 32);
    assert.equal(t.labels.team, 'recsys');
    assert.equal(merged.labels.cost_center, 'ml');
    assert.equal(merged.etag, '"abc"', 'the etag read with the service goes back: a change made since is refused');
    // The sidecar stays first and untouched; ours is second.
    assert.deepEqual(t.containers.map((c: any) => c.name), ['otel-collector', 'serving']);
    assert.deepEqual(t.containers[0], existing.template.containers[0]);
    const ours = t.containers[1];
    assert.equal(ours.image, PYTHON);
    assert.deepEqual(ours.env.find((e: any) => e.name === 'DB_PASSWORD'), { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-pass', version: 'latest' } }, values: 'valueSource' });
    assert.deepEqual(ours.env.find((e: any) => e.name === 'LOG_LEVEL'), { name: 'LOG_LEVEL', value: 'debug', values: 'value' });
    assert.equal(ours.env.find((e: any) => e.name === 'MODEL_VERSION').value, '1800000000');
    assert.deepEqual(ours.volumeMounts, [{ name: 'model', mountPath: '/models/retrieval/1800000000' }, { name: 'creds', mountPath: '/secrets' }]);
    assert.deepEqual(t.volumes.map((v: any) => v.name), ['model', 'creds']);
    assert.deepEqual(t.volumes[0].gcs.mountOptions, ['only-dir=retrieval/pushed_model/1800000000']);
    assert.deepEqual(t.volumes[1], existing.template.volumes[1]);
    // The Python server takes no TF Serving flags; the user's own flag stays.
    assert.deepEqual(ours.args, ['--tensorflow_intra_op_parallelism=4']);
    assert.deepEqual(ours.resources.limits, { cpu: '2', memory: '4Gi' });
    // Our labels follow the new model; a stale one (the run) goes.
    assert.equal(merged.labels['ml-serving-model-version'], '4');
    assert.equal(merged.labels['ml-serving-run'], undefined);
    assert.equal(t.revision, undefined, 'a pinned revision name would collide');
  });

  it('the diff lists exactly what changes, image first and in full, and nothing it keeps', () => {
    const existing = customised();
    const merged = mergeService(existing, buildService(v2));
    const diff = diffService(existing, merged);
    assert.deepEqual(diff[0], { field: 'image (serving)', before: NATIVE, after: PYTHON });
    const fields = diff.map(d => d.field);
    for (const f of ['env MODEL_VERSION (serving)', 'mount of volume model (serving)', 'volume model: gcs.mountOptions', 'label ml-serving-model-version', 'service label ml-serving-run', 'revision name']) {
      assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    }
    assert.ok(!fields.some(f => /serviceAccount|service account|vpc|secret|DB_PASSWORD|LOG_LEVEL|otel|annotation|scaling|instances|concurrency|team|cost_center|values|volumeType/i.test(f)), fields.join(', '));
    assert.deepEqual(diff.find(d => d.field === 'revision name'), { field: 'revision name', before: 'retrieval-console-edit', after: undefined });
  });

  it('what the user changed in the confirmation changes, and only that', () => {
    const existing = customised();
    const merged = mergeService(existing, buildService(v1), { memory: '8Gi', maxInstances: 20, serviceAccount: 'ml-serving@demo-project.iam.gserviceaccount.com' });
    const diff = diffService(existing, merged).filter(d => d.field !== 'revision name');
    assert.deepEqual(diff, [
      { field: 'memory (serving)', before: '4Gi', after: '8Gi' },
      { field: 'max instances', before: '7', after: '20' },
      { field: 'service account', before: SA, after: 'ml-serving@demo-project.iam.gserviceaccount.com' },
    ].sort((a, b) => diff.findIndex(d => d.field === a.field) - diff.findIndex(d => d.field === b.field)));
    assert.equal(merged.template.scaling.minInstanceCount, 2);
  });

  it('says what it keeps', () => {
    const kept = keptSummary(mergeService(customised(), buildService(v2)).template);
    assert.deepEqual(kept, [
      `service account ${SA}`,
      '2 secrets: env DB_PASSWORD (db-pass), volume creds (api-creds)',
      `VPC connector ${CONNECTOR}`,
      'sidecar otel-collector',
      'env LOG_LEVEL',
      '1 annotation',
      'label team',
    ]);
  });

  it('finds the serving container by its model mount, its name, its port, or as the only one', () => {
    const t = customised().template;
    assert.equal(servingContainerIndex(t), 1);
    assert.equal(servingContainerIndex({ containers: [{ name: 'a' }, { name: 'serving' }] }), 1);
    assert.equal(servingContainerIndex({ containers: [{ name: 'a' }, { name: 'b', ports: [{ containerPort: 8080 }] }] }), 1);
    assert.equal(servingContainerIndex({ containers: [{ name: 'a' }] }), 0);
    assert.equal(servingContainerIndex({ containers: [{ name: 'a' }, { name: 'b' }] }), -1);
  });

  it('a real Cloud Run service (service_v2_real.json) keeps every field it does not own', function () {
    const file = FIXTURES && fixture('gcp/cloud-run/service_v2_real.json');
    if (!file || !fs.existsSync(file)) {
      if (process.env.CI === 'true') throw new Error('../shared/fixtures/gcp/cloud-run/service_v2_real.json is missing (CI=true)');
      this.skip();
    }
    const existing = JSON.parse(fs.readFileSync(file!, 'utf8'));
    const merged = mergeService(existing, buildService(v2));
    const before = existing.template;
    const t = merged.template;
    // Everything outside the template and labels goes back as it was (output-only fields are ignored by Cloud Run).
    for (const k of Object.keys(existing)) if (k !== 'template' && k !== 'labels') assert.deepEqual(merged[k], existing[k], k);
    for (const [k, v] of Object.entries(existing.labels)) assert.equal(merged.labels[k], v, `label ${k}`);
    for (const k of ['serviceAccount', 'timeout', 'annotations', 'scaling', 'maxInstanceRequestConcurrency']) assert.deepEqual(t[k], before[k], k);
    const c = t.containers[0];
    assert.equal(t.containers.length, 1);
    assert.equal(c.name, 'worker');
    assert.equal(c.image, PYTHON);
    for (const e of before.containers[0].env) assert.deepEqual(c.env.find((x: any) => x.name === e.name), e, `env ${e.name}`);
    assert.equal(c.baseImageUri, before.containers[0].baseImageUri);
    assert.deepEqual(c.resources, before.containers[0].resources, 'resources the user did not change');
    const diff = diffService(existing, merged);
    assert.deepEqual(diff[0], { field: 'image (worker)', before: before.containers[0].image, after: PYTHON });
    assert.ok(!diff.some(d => /FIREBASE_CONFIG|GCLOUD_PROJECT|service account|^timeout|annotations|cpuIdle|baseImageUri|firebase|goog-/.test(d.field)), diff.map(d => d.field).join(', '));
  });

  it('the dedicated service account: gcloud commands with only read on the bucket and log writing', () => {
    const text = dedicatedAccountCommands('ml-serving@demo-project.iam.gserviceaccount.com', 'demo-project', 'gs://demo-project-models/retrieval/1/');
    assert.match(text, /gcloud iam service-accounts create ml-serving --project=demo-project/);
    assert.match(text, /buckets add-iam-policy-binding gs:\/\/demo-project-models --member=serviceAccount:ml-serving@demo-project\.iam\.gserviceaccount\.com --role=roles\/storage\.objectViewer/);
    assert.match(text, /--role=roles\/logging\.logWriter/);
    assert.doesNotMatch(text, /roles\/(editor|owner|storage\.admin)/);
    // An account of another project is not created here.
    assert.doesNotMatch(dedicatedAccountCommands('x@other.iam.gserviceaccount.com', 'demo-project', 'gs://bkt/m'), /service-accounts create/);
  });

  it('a plan the product knows will fail says so; the summary names the image and the identity in full', () => {
    const ins = { ...emptyInspection('gs://demo-project-models/scann/1'), modelDir: 'gs://demo-project-models/scann/1', version: '1', container: 'native' as const,
      customOps: [{ op: 'Scann>ScannSearchBatched', where: ['graph'], library: 'ScaNN', package: 'scann' }], reasons: ['container set to native by override'] };
    const native = defaultPlan({ inspection: ins, serviceName: 'svc', region: 'us-central1', project: 'demo-project', image: NATIVE, container: 'native', modelName: 'm', links: {}, update: true });
    assert.equal(native.willFail.length, 1);
    assert.match(native.willFail[0], /native TF Serving cannot run Scann>ScannSearchBatched: the new revision will fail to start/);
    const text = planSummary(native);
    assert.match(text, /✖ WILL FAIL: native TF Serving cannot run Scann>ScannSearchBatched/);
    assert.ok(text.includes(`\nImage: ${NATIVE}\n`), text);
    assert.match(text, /Runs as: the Compute Engine default service account .*often Editor on the whole project/);
    const python = defaultPlan({ inspection: { ...ins, container: 'python' }, serviceName: 'svc', region: 'us-central1', project: 'demo-project', image: PYTHON, container: 'python', modelName: 'm', links: {}, update: true, serviceAccount: SA });
    assert.deepEqual(python.willFail, []);
    assert.equal(identityLine(python), `Runs as: ${SA}`);
  });

  it('only images in the project\'s ml-serving repository pass without naming them', () => {
    assert.ok(isProjectImage(NATIVE, 'demo-project'));
    assert.ok(isProjectImage('europe-west4-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:x', 'demo-project'));
    for (const img of ['tensorflow/serving:2.19.0', 'evil.example.com/miner:latest', 'us-central1-docker.pkg.dev/other-project/ml-serving/tf-serving-native:2.19.0',
      'us-central1-docker.pkg.dev/demo-project/other-repo/tf-serving-native:2.19.0', 'us-central1-docker.pkg.dev/demo-project/ml-serving/x y']) {
      assert.equal(isProjectImage(img, 'demo-project'), false, img);
    }
  });
});
