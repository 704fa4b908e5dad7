// ServingSpec ↔ Cloud Run v2 JSON (src/gcp/runSpec.ts): read on real Cloud Run services
// (../shared/fixtures/gcp/cloud-run), written back without touching anything else, and a real
// update reproduced: the GET of a service plus the spec change gives the template the real PATCH sent.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { servingSpecOf, withServingSpec } from '../../src/gcp/runSpec';
import { buildService, DEFAULT_DEPLOY, type DeployOptions } from '../../src/serving/deploy/serviceSpec';
import type { ServingSpec } from '../../src/serving/servingSpec';
import { FIXTURES, IS_CI, fixture } from './helpers/fixtures';

type Json = Record<string, any>;

/** A fixture's text, or skip (fail under CI=true) when ../shared is absent. */
function readFixture(ctx: Mocha.Context, rel: string): string {
  const file = FIXTURES && fixture(rel);
  if (!file || !fs.existsSync(file)) {
    if (IS_CI) throw new Error(`../shared/fixtures/${rel} is missing (CI=true)`);
    ctx.skip();
  }
  return fs.readFileSync(file!, 'utf8');
}

/** The recorded HTTP exchanges of runservicebasic_http.log: [request line, body] pairs, in order. */
function exchanges(text: string): Array<{ line: string; request?: Json; status: string; response?: Json }> {
  return text.split(/\n---\n/).map(block => {
    const lines = block.trim().split('\n');
    const statusIdx = lines.findIndex(l => /^\d{3} /.test(l));
    const jsonAt = (from: number, to: number): Json | undefined => {
      const start = lines.findIndex((l, i) => i >= from && i < to && l === '{');
      if (start < 0) return undefined;
      const end = lines.findIndex((l, i) => i > start && l === '}');
      return JSON.parse(lines.slice(start, end + 1).join('\n'));
    };
    return { line: lines[0], request: jsonAt(1, statusIdx), status: lines[statusIdx], response: jsonAt(statusIdx, lines.length) };
  });
}

const opts: DeployOptions = {
  ...DEFAULT_DEPLOY, serviceName: 'retrieval', region: 'us-central1', project: 'demo-project',
  image: 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0', container: 'native',
  modelName: 'retrieval', modelUri: 'gs://demo-project-models/retrieval/pushed_model/1700000000/', version: '1700000000', links: {},
};

describe('ServingSpec ↔ Cloud Run v2 JSON', () => {
  it('reads a real Cloud Run service (service_v2_real.json): resources, scaling, env, identity', function () {
    const raw = JSON.parse(readFixture(this, 'gcp/cloud-run/service_v2_real.json'));
    const spec = servingSpecOf(raw);
    assert.equal(spec.containerIndex, 0);
    assert.equal(spec.containerName, 'worker');
    assert.equal(spec.image, raw.template.containers[0].image);
    assert.equal(spec.port, 8080);
    assert.deepEqual(spec.resources, { cpu: '1', memory: '256Mi', startupCpuBoost: true, cpuIdle: true });
    assert.deepEqual(spec.scaling, { maxInstances: 100, concurrency: 80, timeoutSeconds: 60 });
    assert.equal(spec.mount, undefined);
    assert.equal(spec.env.FUNCTION_TARGET, 'ejectRequest');
    assert.equal(Object.keys(spec.env).length, 6);
    assert.deepEqual(spec.secretEnv, []);
    assert.deepEqual(spec.identity, { serviceAccount: '92611791981-compute@developer.gserviceaccount.com', defaultCompute: true });
  });

  it('writing back the spec it read leaves a real service exactly as it was', function () {
    const raw = JSON.parse(readFixture(this, 'gcp/cloud-run/service_v2_real.json'));
    assert.deepEqual(withServingSpec(raw, servingSpecOf(raw)), raw);
    for (const x of exchanges(readFixture(this, 'gcp/cloud-run/runservicebasic_http.log'))) {
      const svc = x.response?.template ? x.response : x.response?.response?.template ? x.response.response : undefined;
      if (svc) assert.deepEqual(withServingSpec(svc, servingSpecOf(svc)), svc, x.line);
    }
  });

  it('a real update: the service Cloud Run returned, plus the changed env and max instances, is the template the real PATCH sent', function () {
    const xs = exchanges(readFixture(this, 'gcp/cloud-run/runservicebasic_http.log'));
    const patchAt = xs.findIndex(x => x.line.startsWith('PATCH '));
    assert.ok(patchAt > 0, 'the log has a PATCH');
    const before = [...xs.slice(0, patchAt)].reverse().find(x => x.line.startsWith('GET ') && x.status.startsWith('200') && x.response?.template)!.response!;
    const sent = xs[patchAt].request!;
    const spec = servingSpecOf(before);
    assert.deepEqual(spec.env, { FOO: 'bar' });
    assert.equal(spec.scaling.maxInstances, 2);
    const changed: ServingSpec = { ...spec, env: { FOO: '[barbar' }, scaling: { ...spec.scaling, maxInstances: 3 } };
    const after = withServingSpec(before, changed);
    assert.deepEqual(after.template, sent.template);
    // Nothing outside the template moved.
    for (const k of Object.keys(before)) if (k !== 'template') assert.deepEqual(after[k], before[k], k);
  });

  it('reads what this product deploys: the model mount, TF Serving args, env and an unset identity', () => {
    const spec = servingSpecOf(buildService(opts));
    assert.deepEqual(spec.mount, { volume: 'model', bucket: 'demo-project-models', folder: 'retrieval/pushed_model/1700000000', mountPath: '/models/retrieval/1700000000', readOnly: true });
    assert.deepEqual(spec.env, { MODEL_NAME: 'retrieval', MODEL_BASE_PATH: '/models', MODEL_VERSION: '1700000000' });
    assert.deepEqual(spec.resources, { cpu: '2', memory: '4Gi', startupCpuBoost: true });
    assert.deepEqual(spec.scaling, { minInstances: 0, maxInstances: 10, concurrency: 16, timeoutSeconds: 300 });
    assert.equal(spec.port, 8501);
    assert.ok(spec.args.includes('--model_name=retrieval'));
    assert.deepEqual(spec.identity, { serviceAccount: undefined, defaultCompute: true });
  });

  it('reads the gRPC client shapes: Duration {seconds} as a Long-like object, numbers as strings', () => {
    const spec = servingSpecOf({ template: { timeout: { seconds: { toString: () => '120' }, nanos: 0 }, scaling: { minInstanceCount: '1', maxInstanceCount: 4 }, containers: [{ image: 'x' }] } });
    assert.deepEqual(spec.scaling, { minInstances: 1, maxInstances: 4, timeoutSeconds: 120 });
  });

  it('a new mount, cpu and identity change only those fields; secrets and the sidecar stay', () => {
    const svc: Json = {
      name: 'projects/p/locations/r/services/s',
      template: {
        serviceAccount: 'runner@p.iam.gserviceaccount.com',
        containers: [
          { name: 'sidecar', image: 'proxy' },
          { name: 'serving', image: 'tf', ports: [{ containerPort: 8501 }], env: [{ name: 'API_KEY', valueSource: { secretKeyRef: { secret: 'k', version: 'latest' } } }, { name: 'MODEL_NAME', value: 'm' }],
            resources: { limits: { cpu: '2', memory: '4Gi' } }, volumeMounts: [{ name: 'model', mountPath: '/models/m/1' }] },
        ],
        volumes: [{ name: 'model', gcs: { bucket: 'b', readOnly: true, mountOptions: ['only-dir=m/1'] } }, { name: 'secret-vol', secret: { secret: 's' } }],
      },
    };
    const spec = servingSpecOf(svc);
    assert.equal(spec.containerIndex, 1);
    assert.deepEqual(spec.secretEnv, ['API_KEY']);
    assert.deepEqual(spec.identity, { serviceAccount: 'runner@p.iam.gserviceaccount.com', defaultCompute: false });
    const out = withServingSpec(svc, { ...spec, resources: { ...spec.resources, cpu: '4' }, env: { MODEL_NAME: 'm2' }, mount: { ...spec.mount!, folder: 'm2/7', mountPath: '/models/m2/7' } });
    const t = out.template;
    assert.deepEqual(t.containers[0], svc.template.containers[0], 'the sidecar');
    assert.equal(t.containers[1].resources.limits.cpu, '4');
    assert.equal(t.containers[1].resources.limits.memory, '4Gi');
    assert.deepEqual(t.containers[1].env, [svc.template.containers[1].env[0], { name: 'MODEL_NAME', value: 'm2' }]);
    assert.deepEqual(t.volumes.find((v: Json) => v.name === 'secret-vol'), svc.template.volumes[1]);
    assert.deepEqual(t.volumes.find((v: Json) => v.name === 'model').gcs.mountOptions, ['only-dir=m2/7']);
    assert.deepEqual(t.containers[1].volumeMounts, [{ name: 'model', mountPath: '/models/m2/7' }]);
    assert.equal(t.serviceAccount, 'runner@p.iam.gserviceaccount.com');
    assert.deepEqual(svc.template.containers[1].resources.limits.cpu, '2', 'the input is not changed');
    const round = servingSpecOf(out);
    assert.equal(round.mount?.folder, 'm2/7');
    assert.deepEqual(round.secretEnv, ['API_KEY']);
  });

  it('a spec written into an empty service reads back the same', () => {
    const spec = servingSpecOf(buildService(opts));
    const fresh = withServingSpec({}, { ...spec, identity: { serviceAccount: 'ml-serving@demo-project.iam.gserviceaccount.com', defaultCompute: false } });
    assert.deepEqual(servingSpecOf(fresh), { ...spec, identity: { serviceAccount: 'ml-serving@demo-project.iam.gserviceaccount.com', defaultCompute: false } });
  });

  it('refuses a container the service does not have, naming the field', () => {
    const spec = servingSpecOf(buildService(opts));
    assert.throws(() => withServingSpec({ template: { containers: [] } }, { ...spec, containerIndex: 3 }), /^Error: containerIndex: /);
  });
});
