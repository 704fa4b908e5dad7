// Runs inside VS Code's extension host against the emulator (scripts/test.mjs starts both): a
// service is deployed through the real Cloud Run client, then the Test Prediction panel host is
// driven through its message API exactly as the webview would drive it.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Session } from '../../src/features/shared/session';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import { decodeJwtClaims } from '../../src/gcp/idToken';
import type { HostMessage } from '../../src/protocol/predict';
import { buildService } from '../../src/serving/deploy/serviceSpec';
import { toService } from '../../src/gcp/normalize';
import type { CloudRunService } from '../../src/serving/domain';
import * as mod_serviceClient from '../../src/serving/node/serviceClient';
import * as mod_hints from '../../src/serving/predict/hints';
import * as mod_idToken from '../../src/gcp/idToken';
import { assertClose, zooManifest, zooModel, type ZooManifest, type ZooSample } from './support/zoo';
import { exampleForm } from '../../src/serving/predict/examples';
import { bodyText, buildPredictBody } from '../../src/serving/predict/request';
import { rawClients } from './support/rawClients';

const EXTENSION_ID = 'ml-serving.ml-serving-gcp';
const MODELS_BUCKET = 'demo-project-models';
const MODEL_FOLDER = 'recsys-retrieval/pushed_model/';

type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

/** Collects what the panel posts; waits for a message of a type (and request id). */
function recorder(panel: PredictPanel) {
  const seen: HostMessage[] = [];
  const waiters: Array<() => void> = [];
  panel.onDidPost(m => { seen.push(m); waiters.splice(0).forEach(w => w()); });
  async function next<T extends HostMessage['type']>(type: T, requestId?: string, timeoutMs = 30_000): Promise<Msg<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = seen.findIndex(m => m.type === type && (!requestId || (m as { requestId?: string }).requestId === requestId));
      if (i >= 0) return seen.splice(i, 1)[0] as Msg<T>;
      const failed = seen.find(m => m.type === 'requestFailed' && (m as Msg<'requestFailed'>).requestId === requestId);
      if (failed && type !== 'requestFailed') throw new Error(`request ${requestId} failed: ${(failed as Msg<'requestFailed'>).message}`);
      if (Date.now() > deadline) throw new Error(`no "${type}" message within ${timeoutMs} ms; saw ${seen.map(m => m.type).join(', ')}`);
      await new Promise<void>(r => { waiters.push(r); setTimeout(r, 200); });
    }
  }
  return { seen, next };
}

async function admin(session: Session, path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${session.settings.emulator}${path}`, init);
  assert.ok(res.ok, `${path}: ${res.status}`);
  return res.json();
}

describe('Test Prediction against the emulator', function () {
  this.timeout(120_000);
  let session: Session;
  let service: CloudRunService;
  let panel: PredictPanel;
  let rec: ReturnType<typeof recorder>;
  let manifest: ZooManifest;
  let sample: ZooSample;

  before(async function () {
    const ext = vscode.extensions.getExtension<{ services: { session: Session } }>(EXTENSION_ID);
    assert.ok(ext, 'extension loaded');
    const api = await ext.activate();
    session = api.services.session;
    if (!session.usesEmulator) {
      console.log('    (skipped: no emulator configured)');
      this.skip();
    }
    const m = zooManifest();
    if (!m) {
      console.log('    (skipped: no model zoo; node scripts/test.mjs serves it with real TensorFlow)');
      this.skip();
    }
    manifest = m!;
    sample = zooModel(manifest, 'retrieval').samples.find(x => x.signature_name === 'serving_default')!;
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes('mlServing.testPrediction')) {
      console.log('    (skipped: mlServing.testPrediction is not registered yet)');
      this.skip();
    }
    const cloud = await session.cloud();
    const [files] = await rawClients(cloud).storage().bucket(MODELS_BUCKET).getFiles({ prefix: MODEL_FOLDER });
    const pb = files.map(f => f.name).filter(n => n.endsWith('/saved_model.pb')).sort().pop();
    assert.ok(pb, `a demo model under gs://${MODELS_BUCKET}/${MODEL_FOLDER}`);
    const versionDir = pb.slice(0, -'saved_model.pb'.length);
    const version = versionDir.split('/').filter(Boolean).pop()!;
    const serviceId = `predict-it-${Date.now().toString(36)}`;
    const region = cloud.regions[0];
    const spec = buildService({
      serviceName: serviceId, region, project: cloud.project, image: 'tensorflow/serving:2.19.0', container: 'native',
      modelName: 'recs', modelUri: `gs://${MODELS_BUCKET}/${versionDir}`, version,
      cpu: '2', memory: '4Gi', minInstances: 0, maxInstances: 2, concurrency: 16, timeoutSeconds: 300, links: {},
    });
    // Mount the pushed_model folder (all versions) at /models/recs: TF Serving serves the highest
    // version either way, and the emulator only resolves mounts that cover the model base path.
    const parent = versionDir.replace(/\/$/, '').split('/').slice(0, -1).join('/');
    spec.template.containers[0].volumeMounts[0].mountPath = '/models/recs';
    spec.template.volumes[0].gcs.mountOptions = [`only-dir=${parent}`];
    const [op] = await rawClients(cloud).run().services.createService({ parent: `projects/${cloud.project}/locations/${region}`, serviceId, service: spec });
    const [created] = await op.promise();
    service = toService(created as Record<string, unknown>);
    assert.ok(service.uri, 'the service has a URL');
    assert.equal(service.env.MODEL_NAME, 'recs');
    panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service }))!;
    assert.ok(panel, 'the command returned its panel');
    rec = recorder(panel);
  });

  after(async () => {
    panel?.dispose();
    if (session?.usesEmulator) await fetch(`${session.settings.emulator}/faults`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('loads the signature into form schemas after the ready handshake', async () => {
    await panel.handle({ type: 'ready' });
    const init = await rec.next('init');
    assert.equal(init.service.name, service.name);
    assert.equal(init.service.authenticated, true);
    assert.equal(init.latencyTargetMs, session.settings.latencyTargetMs);
    const meta = await rec.next('metadata');
    const sd = meta.schemas[0];
    assert.equal(sd.signature, 'serving_default');
    // The zoo's two-tower retrieval export, as TensorFlow wrote its signature.
    assert.deepEqual(sd.fields.map(f => [f.name, f.dtype]), [['hour_of_day', 'DT_FLOAT'], ['user_id', 'DT_STRING']]);
    assert.deepEqual(sd.outputs.map(o => o.name), ['product_ids', 'scores']);
  });

  it('example values (issue 16 item 13): the dtype examples make a request the service answers, and a saved payload becomes the next form\'s example', async () => {
    await panel.handle({ type: 'ready' });
    const init0 = await rec.next('init');
    const meta = await rec.next('metadata');
    const sd = meta.schemas.find(x => x.signature === 'serving_default')!;
    const first = exampleForm(sd, init0.payloads.map(p => ({ signature: p.signature, body: p.body, at: p.savedAt, label: p.name })));
    const built = buildPredictBody(sd, first.form);
    assert.deepEqual(built.errors, []);
    await panel.handle({ type: 'send', requestId: 'ex1', signature: 'serving_default', body: bodyText(built.body!) });
    assert.equal((await rec.next('response', 'ex1')).status, 200, 'the example request is answered');

    // One instance of the zoo's sample request, saved as the user would.
    const instance = (sample.request as { instances: Array<Record<string, string | number>> }).instances[0];
    const saved = JSON.stringify({ instances: [instance] });
    await panel.handle({ type: 'savePayload', name: 'it-lisbon', signature: 'serving_default', body: saved });
    await rec.next('payloads');
    await panel.handle({ type: 'ready' });
    const init1 = await rec.next('init');
    await rec.next('metadata');
    const next = exampleForm(sd, init1.payloads.map(p => ({ signature: p.signature, body: p.body, at: p.savedAt, label: `saved payload "${p.name}"` })));
    assert.equal(next.from, 'saved payload "it-lisbon"');
    // The form holds text: numbers come back as their decimal strings.
    assert.deepEqual(next.form.instances, [Object.fromEntries(Object.entries(instance).map(([k, v]) => [k, String(v)]))]);
    await panel.handle({ type: 'deletePayload', name: 'it-lisbon' });
    await rec.next('payloads');
  });

  it('sends with an ID token whose audience is the service URL, and gets the ids TensorFlow ranks', async () => {
    await panel.handle({ type: 'send', requestId: 'ok1', signature: 'serving_default', body: JSON.stringify(sample.request) });
    const r = await rec.next('response', 'ok1');
    assert.equal(r.status, 200, r.bodyText);
    const body = JSON.parse(r.bodyText) as { predictions: Array<{ product_ids: string[]; scores: number[] }> };
    assert.equal(body.predictions[0].product_ids.length, manifest.k);
    assertClose(body, sample.expected, manifest.float_tolerance, 'the answer TensorFlow computed in process');
    assert.ok(r.identity, 'the identity is reported');
    assert.equal(r.identity, panel.identity);
    // The token itself never reaches the webview.
    const tokens = await (async () => {
      const cloud = await session.cloud();
      const { idTokensFor } = mod_idToken;
      return idTokensFor(rawClients(cloud)).get(service.uri!);
    })();
    assert.equal(decodeJwtClaims(tokens.token).aud, service.uri!.replace(/\/$/, ''), 'audience = service URL');
    assert.ok(rec.seen.every(m => !JSON.stringify(m).includes(tokens.token.split('.')[2])), 'no token signature in any posted message');
  });

  it('shows 503s while scaling from zero as a cold start, then succeeds', async () => {
    await admin(session, '/faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'predict503', count: 2 }) });
    await panel.handle({ type: 'send', requestId: 'cold', signature: 'serving_default', body: JSON.stringify({ inputs: { user_id: ['user_1'], hour_of_day: [8] } }) });
    const r = await rec.next('response', 'cold', 60_000);
    assert.equal(r.status, 200);
    assert.equal(r.retries, 2);
    assert.equal(r.coldStart, true);
    assert.match(r.hint ?? '', /Cold start/);
    assert.ok(r.totalMs > r.latencyMs);
  });

  it('explains a 404 model name mismatch', async () => {
    // Send straight to another model name through the same keep-alive client.
    const res = await fetch(`${service.uri}/v1/models/nope:predict`, { method: 'POST', body: '{"instances":[1]}', headers: { Authorization: `Bearer ${(await mod_idToken.idTokensFor(rawClients(await session.cloud())).get(service.uri!)).token}` } });
    assert.equal(res.status, 404);
    const { errorHint } = mod_hints;
    const text = ((await res.json()) as { error: string }).error;
    assert.match(errorHint({ status: 404, error: text, modelName: 'recs' }) ?? '', /Model name mismatch: .*"nope".*"recs"/);
  });

  it('answers 401 for a bad token and 403 with no token, naming the role', async () => {
    const { ServiceClient } = mod_serviceClient;
    const bad = new ServiceClient({ url: service.uri!, authenticated: true, tokens: { get: async () => ({ token: 'a.b.c', identity: 'someone@example.com' }), invalidate() {} } });
    const anon = new ServiceClient({ url: service.uri!, authenticated: false });
    try {
      const r401 = await bad.call({ method: 'POST', path: '/v1/models/recs:predict', body: '{"instances":[]}' });
      assert.equal(r401.status, 401);
      const r403 = await anon.call({ method: 'POST', path: '/v1/models/recs:predict', body: '{"instances":[]}' });
      assert.equal(r403.status, 403);
      const { errorHint } = mod_hints;
      assert.match(errorHint({ status: 403, modelName: 'recs', identity: 'someone@example.com' })!, /someone@example\.com.*roles\/run\.invoker/);
    } finally {
      bad.dispose();
      anon.dispose();
    }
  });

  it('refuses invalid bodies before sending, naming the field', async () => {
    await panel.handle({ type: 'send', requestId: 'bad1', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'a', hour_of_day: 'x' }, { user_id: 'a' }] }) });
    const v = await rec.next('validation', 'bad1');
    assert.deepEqual(v.errors.map(e => e.field), ['instances[0].hour_of_day', 'instances[1].hour_of_day']);
    assert.equal(rec.seen.some(m => m.type === 'response' && m.requestId === 'bad1'), false, 'nothing was sent');
  });

  it('drops messages with a bad shape and logs them', async () => {
    const before = rec.seen.length;
    for (const m of [{ type: 'send', requestId: 'x', signature: 'serving_default', body: 42 }, { type: 'eval', code: '1' }, 'ready', { type: 'benchmark', requestId: 'b', signature: 's', body: '{}', count: 1e9, concurrency: 1, probeColdStart: false }]) {
      const r = await panel.handle(m);
      assert.equal(r.accepted, false, JSON.stringify(m));
    }
    await new Promise(r => setTimeout(r, 100));
    assert.equal(rec.seen.length, before, 'no answer to a dropped message');
  });

  it('runs a benchmark and reports percentiles, errors and a histogram', async () => {
    await panel.handle({ type: 'benchmark', requestId: 'bench', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_1', hour_of_day: 10 }] }), count: 30, concurrency: 3, probeColdStart: true });
    const { result } = await rec.next('benchmarkResult', 'bench', 60_000);
    assert.equal(result.completed, 30);
    assert.equal(result.errors, 0, JSON.stringify(result.errorsByStatus));
    assert.ok(result.stats && result.stats.p50 > 0 && result.stats.p50 <= result.stats.p95 && result.stats.p95 <= result.stats.p99 && result.stats.p99 <= result.stats.max);
    assert.equal(result.histogram.reduce((n, b) => n + b.count, 0), 30);
    assert.equal(result.coldStart?.status, 200);
    assert.equal(result.targetMs, session.settings.latencyTargetMs);
  });

  it('saves a payload per service and copies curl without the token', async () => {
    const body = JSON.stringify({ instances: [{ user_id: 'user_9', hour_of_day: 3 }] });
    await panel.handle({ type: 'savePayload', name: `it ${Date.now()}`, signature: 'serving_default', body });
    // Earlier "payloads" messages (sent on load and after each send's history) may still be queued.
    let p = await rec.next('payloads');
    while (!p.payloads.some(x => x.body === body)) p = await rec.next('payloads', undefined, 10_000);
    assert.ok(p.payloads.some(x => x.body === body));
    // The saved payloads file (committable) holds the body and never the ID token.
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const file = require('node:path').join(folder.uri.fsPath, '.vscode', 'ml-serving', 'requests.json');
      const text = require('node:fs').readFileSync(file, 'utf8') as string;
      assert.ok(text.includes('user_9'), 'the payload is in the workspace file');
      const cloud = await session.cloud();
      const token = (await mod_idToken.idTokensFor(rawClients(cloud)).get(service.uri!)).token;
      assert.ok(!text.includes(token.split('.')[2]), 'no token in the saved payloads');
    }
    await panel.handle({ type: 'copyCurl', signature: 'serving_default', body });
    await rec.next('notice');
    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /\$\(gcloud auth print-identity-token\)/);
    assert.ok(curl.includes(`${service.uri}/v1/models/recs:predict`));
    assert.doesNotMatch(curl, /Bearer ey/);
  });
});
