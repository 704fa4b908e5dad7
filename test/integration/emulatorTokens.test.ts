// In emulator mode no real credential is ever used: with a fake `gcloud` first on PATH that
// records every call, and GOOGLE_APPLICATION_CREDENTIALS naming a key file that must not be read
// (its token endpoint is a local recorder too), Test Prediction still sends authenticated calls,
// and the tokens it sends are the emulator's own.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import { decodeJwtClaims } from '../../src/gcp/idToken';
import { toService } from '../../src/gcp/normalize';
import type { HostMessage } from '../../src/protocol/predict';
import { buildService } from '../../src/serving/deploy/serviceSpec';
import { emulatorAdmin, until, useDemoProject, type ExtensionApi } from './support/extension';
import { retrievalRequest } from './support/zoo';
import { rawClients } from './support/rawClients';

const MODELS_BUCKET = 'demo-project-models';
const MODEL_FOLDER = 'recsys-retrieval/pushed_model/';

/** Records every call of fs functions that would open, stat or resolve `file`. */
function watchFileAccess(file: string): { touched: string[]; restore(): void } {
  const touched: string[] = [];
  // The module object itself (not the import's read-only namespace): every bundle shares it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const real = require('node:fs') as typeof fs;
  const fsAny = real as unknown as Record<string, unknown>;
  const promisesAny = real.promises as unknown as Record<string, unknown>;
  const names = ['readFileSync', 'readFile', 'createReadStream', 'openSync', 'open', 'statSync', 'stat', 'lstatSync', 'lstat', 'realpathSync', 'existsSync', 'accessSync', 'access'];
  const saved: Array<[Record<string, unknown>, string, unknown]> = [];
  const wrap = (obj: Record<string, unknown>, name: string, label: string) => {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    saved.push([obj, name, orig]);
    const wrapped = function (this: unknown, ...args: unknown[]) {
      if (String(args[0]).includes(file)) touched.push(label);
      return (orig as (...a: unknown[]) => unknown).apply(this, args);
    };
    Object.assign(wrapped, orig);
    obj[name] = wrapped;
  };
  for (const n of names) wrap(fsAny, n, `fs.${n}`);
  for (const n of ['readFile', 'open', 'stat', 'lstat', 'realpath', 'access']) wrap(promisesAny, n, `fs.promises.${n}`);
  return { touched, restore: () => { for (const [obj, name, orig] of saved) obj[name] = orig; } };
}

describe('emulator mode uses no real credential', function () {
  this.timeout(180_000);
  let a: ExtensionApi;
  let dir = '';
  let recorder: http.Server;
  const tokenEndpointHits: string[] = [];
  const savedEnv = { PATH: process.env.PATH, GOOGLE_APPLICATION_CREDENTIALS: process.env.GOOGLE_APPLICATION_CREDENTIALS };

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-real-creds-'));
    recorder = http.createServer((req, res) => { tokenEndpointHits.push(`${req.method} ${req.url}`); res.writeHead(500).end('recorder: no token here'); });
    await new Promise<void>(r => recorder.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    if (!emulatorAdmin()) return;
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.GOOGLE_APPLICATION_CREDENTIALS === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = savedEnv.GOOGLE_APPLICATION_CREDENTIALS;
    await new Promise<void>(r => recorder.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
    // New clients without the planted credentials for the suites that follow.
    await a.services.session.reset();
  });

  it('Test Prediction calls neither gcloud nor Application Default Credentials, and sends the emulator\'s token', async () => {
    const calls = path.join(dir, 'gcloud-calls.log');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'gcloud'), `#!/bin/sh\necho "$@" >> '${calls}'\nexit 1\n`, { mode: 0o755 });
    const keyFile = path.join(dir, 'real-user-key.json');
    const { privateKey } = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(keyFile, JSON.stringify({
      type: 'service_account', project_id: 'real-project', private_key_id: 'k1', client_email: 'real-user@real-project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/token`,
    }));
    // The extension host is this process: child processes and google-auth-library read these now.
    process.env.PATH = `${bin}${path.delimiter}${savedEnv.PATH ?? ''}`;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
    await a.services.session.reset();

    const cloud = await a.services.session.cloud();
    assert.equal(cloud.connection.kind, 'emulator');
    const [files] = await rawClients(cloud).storage().bucket(MODELS_BUCKET).getFiles({ prefix: MODEL_FOLDER });
    const pb = files.map(f => f.name).filter(n => n.endsWith('/saved_model.pb')).sort().pop();
    assert.ok(pb, 'a demo model');
    const versionDir = pb.slice(0, -'saved_model.pb'.length);
    const serviceId = `no-creds-${Date.now().toString(36)}`;
    const spec = buildService({
      serviceName: serviceId, region: cloud.regions[0], project: cloud.project, image: 'tensorflow/serving:2.19.0', container: 'native',
      modelName: 'recs', modelUri: `gs://${MODELS_BUCKET}/${versionDir}`, version: versionDir.split('/').filter(Boolean).pop()!,
      cpu: '1', memory: '2Gi', minInstances: 0, maxInstances: 1, concurrency: 8, timeoutSeconds: 60, links: {},
    });
    spec.template.containers[0].volumeMounts[0].mountPath = '/models/recs';
    spec.template.volumes[0].gcs.mountOptions = [`only-dir=${versionDir.replace(/\/$/, '').split('/').slice(0, -1).join('/')}`];
    const [op] = await rawClients(cloud).run().services.createService({ parent: `projects/${cloud.project}/locations/${cloud.regions[0]}`, serviceId, service: spec });
    const service = toService((await op.promise())[0] as Record<string, unknown>);
    assert.ok(service.uri && !service.invokerIamDisabled, 'an authenticated service with a URL');

    const access = watchFileAccess(keyFile);
    let panel: PredictPanel | undefined;
    try {
      panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service }))!;
      const posted: HostMessage[] = [];
      panel.onDidPost(m => posted.push(m));
      await panel.handle({ type: 'ready' });
      await until(() => posted.find(m => m.type === 'metadata' || (m.type === 'notice' && m.level === 'error')), 'the model metadata');
      await panel.handle({ type: 'send', requestId: 'nc1', signature: 'serving_default', body: JSON.stringify(retrievalRequest()) });
      const r = await until(() => posted.find(m => (m.type === 'response' || m.type === 'requestFailed') && m.requestId === 'nc1'), 'the prediction');
      assert.equal(r.type, 'response', JSON.stringify(r));
      assert.equal((r as Extract<HostMessage, { type: 'response' }>).status, 200);
    } catch (e) {
      // Say what was touched: with real credentials in play the call may hang in their retries.
      const gcloud = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim() : '';
      throw new Error(`${(e as Error).message}; gcloud calls: ${JSON.stringify(gcloud)}; key file access: ${access.touched.join(', ') || 'none'}; token endpoint hits: ${tokenEndpointHits.length}`);
    } finally {
      access.restore();
      panel?.dispose();
      await rawClients(cloud).run().services.deleteService({ name: service.name }).then(([d]) => d.promise()).catch(() => undefined);
    }
    assert.equal(fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '', '', 'gcloud was called');
    assert.deepEqual(access.touched, [], 'the GOOGLE_APPLICATION_CREDENTIALS file was opened');
    assert.deepEqual(tokenEndpointHits, [], 'the key file\'s token endpoint was asked');
    // The service was called with a token the emulator issued for its URL.
    const issued = await (await fetch(`${emulatorAdmin()}/tokens`)).json() as { idTokens: string[] };
    const mine = issued.idTokens.map(decodeJwtClaims).filter(c => c.aud === service.uri!.replace(/\/$/, ''));
    assert.ok(mine.length, 'the emulator issued the token the call carried');
    assert.ok(mine.every(c => c.email !== 'real-user@real-project.iam.gserviceaccount.com'));
  });

  it('a URL passed in by a caller gets no token: in emulator mode only loopback services are called with one', async () => {
    const forged = {
      name: `projects/demo-project/locations/us-central1/services/forged-${Date.now().toString(36)}`, id: 'forged', region: 'us-central1',
      uri: 'https://attacker.example.com', state: 'ready', labels: {}, env: {}, traffic: [], trafficStatuses: [], reconciling: false, invokerIamDisabled: false,
    };
    const issuedBefore = ((await (await fetch(`${emulatorAdmin()}/tokens`)).json()) as { idTokens: string[] }).idTokens.length;
    const panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service: forged }))!;
    try {
      const posted: HostMessage[] = [];
      panel.onDidPost(m => posted.push(m));
      await panel.handle({ type: 'ready' });
      const failed = await until(() => posted.find(m => m.type === 'metadataError'), 'the refusal') as Extract<HostMessage, { type: 'metadataError' }>;
      assert.match(failed.message, /attacker\.example\.com is not on this machine/);
      const issued = ((await (await fetch(`${emulatorAdmin()}/tokens`)).json()) as { idTokens: string[] }).idTokens;
      assert.equal(issued.length, issuedBefore, 'no token was issued for it');
    } finally {
      panel.dispose();
    }
  });

  it('in emulator mode a public service outside this machine is not called either', async () => {
    const forged = {
      name: `projects/demo-project/locations/us-central1/services/public-${Date.now().toString(36)}`, id: 'public-forged', region: 'us-central1',
      uri: 'http://192.0.2.10', state: 'ready', labels: {}, env: {}, traffic: [], trafficStatuses: [], reconciling: false, invokerIamDisabled: true,
    };
    const panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service: forged }))!;
    try {
      const posted: HostMessage[] = [];
      panel.onDidPost(m => posted.push(m));
      await panel.handle({ type: 'ready' });
      const failed = await until(() => posted.find(m => m.type === 'metadataError'), 'the refusal') as Extract<HostMessage, { type: 'metadataError' }>;
      assert.match(failed.message, /^Not calling http:\/\/192\.0\.2\.10: .*not on this machine/);
    } finally {
      panel.dispose();
    }
  });
});
