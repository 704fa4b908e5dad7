import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, repoRoot, startTestEmulator, waitFor } from './harness';

/**
 * The real serving container behind the emulator's Cloud Run (MLSERVING_PYTHON and MLSERVING_ZOO,
 * set by scripts/test.mjs): the Python image serves the custom-op model with its op package, the
 * native image fails it with TensorFlow's own text, idle revisions' servers stop and start again,
 * and no server outlives the emulator.
 */
const PYTHON_IMAGE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:tf2.15-scann1.3.0';
const NATIVE_IMAGE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0';

function spec(image: string, folder: string, model = 'm') {
  return {
    template: {
      containers: [{
        name: 'serving', image, ports: [{ containerPort: 8501 }], env: [{ name: 'MODEL_NAME', value: model }],
        startupProbe: { httpGet: { path: `/v1/models/${model}`, port: 8501 }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 120 },
        volumeMounts: [{ name: 'model', mountPath: `/models/${model}` }],
      }],
      volumes: [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: [`only-dir=${folder}`] } }],
    },
  };
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('emulator: revisions run the real Python server with TensorFlow', function () {
  this.timeout(240_000);
  let emu: Emulator;
  let services: any;
  let manifest: any;
  const python = process.env.MLSERVING_PYTHON;
  const zoo = process.env.MLSERVING_ZOO;
  const pids: number[] = [];

  before(async function () {
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow (node scripts/test.mjs sets them)');
      this.skip();
    }
    manifest = JSON.parse(fs.readFileSync(path.join(zoo!, 'manifest.json'), 'utf8'));
    const started = await startTestEmulator({ python, zooDir: zoo, opsBuildDir: process.env.MLSERVING_DEMO_OPS_BUILD_DIR || undefined });
    emu = started.emu;
    assert.equal(emu.serving, 'tensorflow');
    const r = bundle('run');
    services = new r.ServicesClient(clientOptions(started.conn, 'run', r.grpc));
  });
  after(async () => {
    await services?.close();
    await emu?.stop();
    // Stopping the emulator stops every server it started.
    for (const pid of pids) await waitFor(() => !alive(pid), 15_000, `server ${pid} to exit with the emulator`);
  });

  const state = async () => (await (await fetch(`${emu.endpoints.admin}/state`)).json()) as { revisions: Array<{ name: string; ready: boolean; server?: { pid: number; image: string } }> };
  const texts = (revision: string) => emu.logs.query(['projects/demo-project'])
    .filter(e => e.resource?.labels?.revision_name === revision).map(e => String(e.textPayload ?? ''));
  async function predict(uri: string, body: unknown) {
    const res = await fetch(`${uri}/v1/models/m:predict`, { method: 'POST', headers: { authorization: `Bearer ${emu.identity.issueIdToken(uri)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() as any };
  }

  it('the Python image imports the op package: the custom-op model answers what TensorFlow computed; the native image fails it with TF\'s text', async () => {
    const zooModel = manifest.models.find((m: any) => m.name === 'custom_op_retrieval');
    const [op] = await services.createService({ parent: PARENT, serviceId: 'custom-op', service: spec(PYTHON_IMAGE, 'recsys-retrieval-custom-op/pushed_model') });
    const [svc] = await op.promise();
    const rev1 = svc.latestReadyRevision;
    const s1 = (await state()).revisions.find(r => r.name === rev1)!;
    assert.equal(s1.server?.image, 'python');
    pids.push(s1.server!.pid);
    const sample = zooModel.samples[0];
    const got = await predict(svc.uri, sample.request);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.deepEqual(got.body.predictions.map((p: any) => p.product_ids), sample.expected.predictions.map((p: any) => p.product_ids));
    assert.ok(texts(rev1.split('/').pop()).some(t => /Listening at: http:\/\/127\.0\.0\.1:\d+/.test(t)), 'gunicorn\'s own lines are the revision\'s logs');

    // Native TF Serving: the same model fails to load, in TensorFlow's words, and traffic stays.
    const [op2] = await services.updateService({ service: { name: svc.name, ...spec(NATIVE_IMAGE, 'recsys-retrieval-custom-op/pushed_model') } });
    await assert.rejects(op2.promise(), (e: any) => /is not ready and cannot serve traffic/.test(e.details ?? e.message));
    const [after] = await services.getService({ name: svc.name });
    const failed = after.latestCreatedRevision.split('/').pop();
    assert.notEqual(after.latestCreatedRevision, rev1);
    assert.ok(texts(failed).some(t => /Op type not registered 'MlServingDemo>TopKDot' in binary running on/.test(t)), texts(failed).slice(-5).join('\n'));
    assert.ok(texts(failed).some(t => /^Container called exit\(\d+\)\.$/.test(t)), 'Cloud Run\'s system line');
    assert.equal((await state()).revisions.find(r => r.name === after.latestCreatedRevision)?.server, undefined, 'no server left for the failed revision');
    assert.equal((await predict(svc.uri, sample.request)).status, 200, 'the first revision still serves');
  });

  it('a revision that loses its traffic stops its server; traffic back starts it again (a cold start)', async () => {
    const name = `${PARENT}/services/custom-op`;
    const [svc] = await services.getService({ name });
    const rev1 = svc.latestReadyRevision;
    const pid1 = (await state()).revisions.find(r => r.name === rev1)!.server!.pid;
    const [op] = await services.updateService({ service: { name, ...spec(NATIVE_IMAGE, 'recsys-ranking/pushed_model') } });
    const [moved] = await op.promise();
    const rev3 = moved.latestReadyRevision;
    assert.notEqual(rev3, rev1);
    pids.push((await state()).revisions.find(r => r.name === rev3)!.server!.pid);
    await waitFor(() => !alive(pid1), 15_000, `the idle revision's server ${pid1} to stop`);
    assert.equal((await state()).revisions.find(r => r.name === rev1)?.ready, true, 'the idle revision stays ready');

    const [op2] = await services.updateService({ service: { ...moved, traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: rev1.split('/').pop(), percent: 100 }] } });
    const [back] = await op2.promise();
    const pid1b = (await state()).revisions.find(r => r.name === rev1)!.server!.pid;
    pids.push(pid1b);
    assert.notEqual(pid1b, pid1);
    const sample = manifest.models.find((m: any) => m.name === 'custom_op_retrieval').samples[0];
    assert.equal((await predict(back.uri, sample.request)).status, 200);
  });

  it('a model using the TF Text ops the stock binary links is not failed: the emulator says it cannot reproduce it', async function () {
    const fixture = path.join(repoRoot, '..', 'shared', 'fixtures', 'saved_models', 'tensorflow_serving', 'tf_text_regression');
    if (!fs.existsSync(fixture)) {
      if (process.env.CI === 'true') throw new Error(`${fixture} is missing`);
      this.skip();
    }
    fs.cpSync(fixture, path.join(emu.dataDir, 'demo-project-models', 'tf-text'), { recursive: true });
    const [op] = await services.createService({ parent: PARENT, serviceId: 'tf-text', service: spec(NATIVE_IMAGE, 'tf-text') });
    const [svc] = await op.promise();
    const rev = svc.latestReadyRevision;
    assert.ok(rev, 'the revision is ready');
    const lines = texts(rev.split('/').pop());
    assert.ok(lines.some(t => /links the ops of TF Text \(.*\).*cannot reproduce serving this model/.test(t)), lines.join('\n'));
    assert.equal((await state()).revisions.find(r => r.name === rev)?.server, undefined, 'the stand-in answers, no TensorFlow server');
    const [op2] = await services.deleteService({ name: svc.name });
    await op2.promise();
  });
});
