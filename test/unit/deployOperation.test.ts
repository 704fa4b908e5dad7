/**
 * The deploy core (src/operations/deploy.ts) on an in-memory fake of the Cloud APIs: a redeploy
 * reads the service once and its IAM policy once, sends exactly the confirmed body (with the
 * etag read), keeps what the service runs with, and a refusal changes nothing. planFor and the
 * one memory/cpu parser are checked beside it.
 */
import { strict as assert } from 'node:assert';
import { CancelledError } from '../../src/common/errors';
import { executeDeploy, prepareDeploy, type DeployHooks, type DeploySource } from '../../src/operations/deploy';
import type { Json, OperationApis } from '../../src/operations/ports';
import { changeTraffic } from '../../src/operations/traffic';
import { planFor, proposalFor } from '../../src/serving/deploy/planFor';
import { cpuCores, maxMemory, memoryMiB, PYTHON_MIN_MEMORY } from '../../src/serving/deploy/quantities';
import { planProblems } from '../../src/serving/deploy/plan';
import type { CloudRunService, Revision, TrafficTarget } from '../../src/serving/domain';
import { emptyInspection, type ModelInspection } from '../../src/serving/savedModel/inspection';
import { servingSpecOf } from '../../src/gcp/runSpec';
import { FakeCloud } from './support/fakeCloud';

const PROJECT = 'demo-project';
const NAME = `projects/${PROJECT}/locations/us-central1/services/ranking`;
const MODEL = 'gs://demo-project-models/ranking/1';

function inspection(container: 'native' | 'python' = 'native'): ModelInspection {
  return { ...emptyInspection(MODEL), format: 'saved_model', versions: ['1'], version: '1', modelDir: MODEL, container, servable: true, reasons: [`${container} serves it`] };
}

function summary(raw: Json): CloudRunService {
  return {
    name: raw.name, id: 'ranking', region: 'us-central1', uri: 'https://ranking.run.app', state: 'ready', labels: raw.labels ?? {},
    latestReadyRevision: raw.latestCreatedRevision, latestCreatedRevision: raw.latestCreatedRevision, traffic: [], trafficStatuses: [], reconciling: false, env: {},
  };
}

/** A running service as Cloud Run returns it: a secret env var, a sidecar, console-set scaling. */
function runningService(): Json {
  return {
    name: NAME, etag: '"etag-1"', labels: { team: 'search', 'managed-by': 'ml-serving' }, latestCreatedRevision: `${NAME}/revisions/ranking-00001`,
    template: {
      serviceAccount: 'ranker@demo-project.iam.gserviceaccount.com',
      scaling: { minInstanceCount: 2, maxInstanceCount: 30 }, maxInstanceRequestConcurrency: 8,
      containers: [
        { name: 'serving', image: 'old-image', resources: { limits: { cpu: '4', memory: '8Gi' } },
          env: [{ name: 'MODEL_NAME', value: 'ranker' }, { name: 'API_KEY', valueSource: { secretKeyRef: { secret: 'k', version: 'latest' } } }],
          volumeMounts: [{ name: 'model', mountPath: '/models/ranker/1' }] },
        { name: 'proxy', image: 'envoy' },
      ],
      volumes: [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: ['only-dir=ranking/0'] } }],
    },
  };
}

class FakeApis implements OperationApis {
  readonly project = PROJECT;
  calls: Record<string, number> = {};
  sent: Json[] = [];
  publicNow = false;
  service?: Json;
  revisions: Revision[] = [];
  nextRevision = `${NAME}/revisions/ranking-00002`;
  private count(k: string) { this.calls[k] = (this.calls[k] ?? 0) + 1; }
  readonly run = {
    getService: async (name: string) => { this.count('getService'); return this.service && name === NAME ? summary(this.service) : undefined; },
    listRevisions: async () => { this.count('listRevisions'); return this.revisions; },
  };
  readonly runWrite = {
    read: async (name: string) => { this.count('read'); return this.service && name === NAME ? { raw: structuredClone(this.service), spec: servingSpecOf(this.service), service: summary(this.service) } : undefined; },
    create: async (_parent: string, _id: string, body: Json) => { this.count('create'); this.sent.push(body); this.service = { ...body, name: NAME, latestCreatedRevision: this.nextRevision }; return summary(this.service); },
    update: async (body: Json) => { this.count('update'); this.sent.push(body); this.service = { ...body, latestCreatedRevision: this.nextRevision }; return summary(this.service); },
    setTraffic: async (_name: string, traffic: TrafficTarget[]) => { this.count('setTraffic'); this.sent.push({ traffic }); return { ...summary(this.service!), traffic }; },
    remove: async () => { this.count('remove'); },
    setPublic: async (_n: string, p: boolean) => { this.count('setPublic'); this.publicNow = p; },
    isPublic: async () => { this.count('isPublic'); return this.publicNow; },
    missingPermissions: async () => { this.count('missingPermissions'); return []; },
  };
  readonly models = { inspect: async (_uri: string, o?: { override?: 'native' | 'python' }) => { this.count('inspect'); return inspection(o?.override ?? 'native'); } };
  readonly storage = { exists: async () => { this.count('exists'); return false; } };
  readonly logs = { list: async () => [] };
}

const source = (extra: Partial<DeploySource> = {}): DeploySource => ({
  displayName: 'ranking', modelUri: MODEL, region: 'us-central1', labels: {}, links: { modelVersion: '3' }, serviceName: 'ranking', ...extra,
});
const ctx = (apis: OperationApis) => ({ apis, imageFor: (c: 'native' | 'python', region: string) => `${region}-docker.pkg.dev/${PROJECT}/ml-serving/${c}:1` });
const accept: DeployHooks = { confirm: async p => p };

describe('deploy operation (fake Cloud APIs)', () => {
  it('a redeploy reads the service once and its IAM policy once, and sends the merged body with the etag', async () => {
    const apis = new FakeApis();
    apis.service = runningService();
    const prepared = await prepareDeploy(ctx(apis), source(), {}, accept);
    const outcome = await executeDeploy(apis, prepared);
    assert.equal(outcome.kind, 'deployed');
    assert.equal(apis.calls.read, 1, 'one read of the service');
    assert.equal(apis.calls.isPublic, 1, 'one read of the IAM policy');
    assert.equal(apis.calls.getService, undefined, 'no other read of the service');
    assert.equal(apis.calls.setPublic, undefined, 'access unchanged: no policy write');
    assert.equal(apis.calls.update, 1);
    const body = apis.sent[0];
    assert.equal(body.etag, '"etag-1"', 'the etag read for the confirmation goes with the update');
    assert.equal(body.labels.team, 'search');
    const c = body.template.containers[0];
    assert.deepEqual(c.resources.limits, { cpu: '4', memory: '8Gi' }, 'resources kept');
    assert.ok(c.env.some((e: Json) => e.name === 'API_KEY' && e.valueSource), 'secret env kept');
    assert.equal(body.template.containers[1].name, 'proxy', 'sidecar kept');
    assert.equal(body.template.serviceAccount, 'ranker@demo-project.iam.gserviceaccount.com');
    assert.equal(prepared.plan.modelName, 'ranker', 'the model name the service uses');
  });

  it('a redeploy from a service reuses the read that found its model: no second read', async () => {
    const apis = new FakeApis();
    apis.service = runningService();
    const found = await apis.runWrite.read(NAME);
    const prepared = await prepareDeploy(ctx(apis), source({ existing: { name: NAME, ...found! } }), {}, accept);
    await executeDeploy(apis, prepared);
    assert.equal(apis.calls.read, 1, 'only the read that found the model');
    assert.equal(apis.calls.isPublic, 1);
  });

  it('the confirmation sees the review of the exact body; a refusal changes nothing', async () => {
    const apis = new FakeApis();
    apis.service = runningService();
    let reviewed: string[] = [];
    await assert.rejects(prepareDeploy(ctx(apis), source(), { memory: '16Gi' }, {
      confirm: async (p, c) => { reviewed = c.review(p)!.changes.map(x => `${x.field}: ${x.before} → ${x.after}`); return undefined; },
    }), CancelledError);
    assert.ok(reviewed.some(l => /memory.*8Gi → 16Gi/.test(l)), reviewed.join('\n'));
    assert.equal(apis.calls.update, undefined);
    assert.equal(apis.calls.create, undefined);
    assert.equal(apis.calls.setPublic, undefined);
  });

  it('a new service: created with the plan, made public only when asked; a same-template redeploy is "unchanged"', async () => {
    const apis = new FakeApis();
    const prepared = await prepareDeploy(ctx(apis), source({ serviceName: undefined }), { isPublic: true }, accept);
    assert.equal(prepared.plan.serviceName, 'ranking-v3');
    assert.equal(prepared.plan.update, false);
    assert.equal(apis.calls.isPublic, undefined, 'no policy to read for a service that does not exist');
    const created = await executeDeploy(apis, { ...prepared, name: NAME });
    assert.equal(created.kind, 'deployed');
    assert.equal(apis.calls.setPublic, 1);
    apis.nextRevision = apis.service!.latestCreatedRevision;
    const again = await prepareDeploy(ctx(apis), source(), {}, accept);
    assert.equal((await executeDeploy(apis, again)).kind, 'unchanged');
  });

  it('a failed revision is an outcome naming the revision this deploy created', async () => {
    const apis = new FakeApis();
    apis.service = runningService();
    apis.runWrite.update = async (body: Json) => { apis.service = { ...body, latestCreatedRevision: apis.nextRevision }; return { ...summary(apis.service), state: 'failed', message: 'Image not found' }; };
    const outcome = await executeDeploy(apis, await prepareDeploy(ctx(apis), source(), {}, accept));
    assert.deepEqual(outcome.kind === 'failed' && [outcome.message, outcome.revision], ['Image not found', `${NAME}/revisions/ranking-00002`]);
  });

  it('traffic: the service is read fresh, the change confirmed, then written; a refusal writes nothing', async () => {
    const apis = new FakeApis();
    apis.service = runningService();
    apis.revisions = [{ name: `${NAME}/revisions/ranking-00001`, id: 'ranking-00001', service: NAME, state: 'ready', labels: {} }];
    await assert.rejects(changeTraffic(apis, NAME, { kind: 'rollback', revision: 'ranking-00001' }, { confirm: async () => false }), CancelledError);
    assert.equal(apis.calls.setTraffic, undefined);
    await assert.rejects(changeTraffic(apis, NAME, { kind: 'rollback', revision: 'nope' }, { confirm: async () => true }), /revision: .*has no revision nope/);
    const { change } = await changeTraffic(apis, NAME, { kind: 'rollback', revision: 'ranking-00001' }, { confirm: async () => true });
    assert.deepEqual(change.traffic, [{ type: 'REVISION', revision: 'ranking-00001', percent: 100 }]);
    assert.equal(apis.calls.setTraffic, 1);
  });
});

describe('planFor', () => {
  const base = { serviceName: 'ranking', region: 'us-central1', project: PROJECT, imageFor: (c: string) => `img-${c}`, source: { displayName: 'ranking', links: {} } };
  it('a new service gets the container\'s defaults and the answers', () => {
    const p = planFor({ ...base, inspection: inspection('python'), answers: { cpu: '4' } });
    assert.deepEqual([p.cpu, p.memory, p.image, p.update], ['4', '4Gi', 'img-python', false]);
  });
  it('a redeploy keeps the service\'s resources; moving it to the Python server brings at least its minimum (2Gi), and a plan below it is refused', () => {
    const raw = runningService();
    raw.template.containers[0].resources.limits.memory = '1Gi';
    const existing = { raw, spec: servingSpecOf(raw) };
    const p = planFor({ ...base, inspection: inspection('native'), existing, wasPublic: true, answers: {} });
    assert.deepEqual([p.cpu, p.memory, p.minInstances, p.maxInstances, p.concurrency, p.isPublic, p.update], ['4', '1Gi', 2, 30, 8, true, true]);
    const py = planFor({ ...base, inspection: inspection('python'), existing, source: { ...base.source, container: 'python' }, answers: {} });
    assert.equal(py.memory, PYTHON_MIN_MEMORY);
    assert.deepEqual(planProblems({ ...py, memory: '1536Mi' }).filter(x => x.startsWith('memory')), ['memory: the Python server needs at least 2Gi']);
    assert.deepEqual(planProblems(py).filter(x => x.startsWith('memory')), [], 'the raised memory is accepted');
    assert.equal(proposalFor(p, existing).review!.changes.some(c => /memory|cpu/.test(c.field)), false, 'nothing the user did not change');
  });
});

describe('quantities: the one memory/cpu parser', () => {
  it('reads what Cloud Run and its messages write', () => {
    assert.deepEqual(['512Mi', '4Gi', '1.5Gi', '512 MiB', '2G', '8x', undefined].map(memoryMiB), [512, 4096, 1536, 512, 2048, undefined, undefined]);
    assert.deepEqual(['1', '2', '0.5', '500m', 'x'].map(cpuCores), [1, 2, 0.5, 0.5, undefined]);
    assert.equal(maxMemory('8Gi', '4Gi'), '8Gi');
    assert.equal(maxMemory('512Mi', '4Gi'), '4Gi');
  });
});

describe('deploy operation on the shared FakeCloud (test/unit/support/fakeCloud.ts)', () => {
  it('a redeploy: one runWrite.read, one isPublic, one update; a change made after the confirmation is refused', async () => {
    const cloud = new FakeCloud();
    const raw = runningService();
    cloud.addService('ranking', { template: raw.template, labels: raw.labels });
    cloud.inspections.set(MODEL, inspection('native'));
    const prepared = await prepareDeploy(ctx(cloud), source(), { memory: '16Gi' }, accept);
    const outcome = await executeDeploy(cloud, prepared);
    assert.equal(outcome.kind, 'deployed');
    const count = (m: string) => cloud.calls.filter(c => c.startsWith(`${m} `) || c === m).length;
    assert.deepEqual([count('runWrite.read'), count('runWrite.getRaw'), count('run.getService'), count('runWrite.isPublic'), count('runWrite.update')], [1, 0, 0, 1, 1], cloud.calls.join('\n'));
    assert.equal(cloud.services.get(NAME)!.template.containers[0].resources.limits.memory, '16Gi');

    // Someone redeploys between this deploy's confirmation and its write: the etag no longer matches.
    const stale = await prepareDeploy(ctx(cloud), source(), { memory: '8Gi' }, accept);
    cloud.addService('ranking', { template: raw.template, labels: raw.labels });
    await assert.rejects(executeDeploy(cloud, stale), /changed after you confirmed the deploy.*nothing was changed/);
  });
});
