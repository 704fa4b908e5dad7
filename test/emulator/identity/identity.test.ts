import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startServingStandIn, type StandIn, type StandInLog } from '../serving/standIn';
import { repoRoot } from '../serving/testing/fixtures';
import { createIdentity, type Identity } from './identity';

const SIG = {
  serving_default: {
    methodName: 'tensorflow/serving/predict',
    inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1] } },
    outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1] } },
  },
};

describe('identity: ID tokens', () => {
  let now = Date.UTC(2025, 0, 1);
  const id = createIdentity({ projectId: 'demo-project', now: () => now });

  it('verifies its own token for the right audience and names the caller', () => {
    const t = id.issueIdToken('https://svc-abc-uc.a.run.app', 'alice@example.com');
    const claims = id.verify(t, 'https://svc-abc-uc.a.run.app');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.aud, 'https://svc-abc-uc.a.run.app');
    assert.equal(claims.exp - claims.iat, 3600);
  });

  it('says which check failed: audience, expiry, signature, shape', () => {
    const t = id.issueIdToken('https://a.run.app', 'bob@example.com');
    assert.throws(() => id.verify(t, 'https://b.run.app'), /wrong audience: token is for "https:\/\/a.run.app"/);
    const [h, p] = t.split('.');
    const forged = `${h}.${p}.${id.issueIdToken('https://a.run.app', 'eve@example.com').split('.')[2]}`;
    assert.throws(() => id.verify(forged, 'https://a.run.app'), /invalid signature/);
    assert.throws(() => id.verify('abc', 'https://a.run.app'), /malformed token/);
    const other = createIdentity({ projectId: 'p' }).issueIdToken('https://a.run.app', 'x@example.com');
    assert.throws(() => id.verify(other, 'https://a.run.app'), /unknown signing key/);
    now += 3601_000;
    assert.throws(() => id.verify(t, 'https://a.run.app'), /token expired at 2025-01-01T01:00:00.000Z/);
  });

  it('issues access tokens it can check', () => {
    const { access_token, token_type } = id.issueAccessToken();
    assert.equal(token_type, 'Bearer');
    assert.match(access_token, /^ya29\./);
    assert.equal(id.tokens.verifyAccessToken(access_token).email, id.serviceAccountEmail);
    assert.throws(() => id.tokens.verifyAccessToken('ya29.nope'), /unknown access token/);
  });
});

describe('identity: metadata server + google-auth-library in a child process', function () {
  this.timeout(30_000);
  let id: Identity;
  let meta: http.Server;
  let standIn: StandIn;
  let home: string;
  const logs: StandInLog[] = [];

  before(async () => {
    id = createIdentity({ projectId: 'demo-project', serviceAccountEmail: 'deployer@demo-project.iam.gserviceaccount.com' });
    meta = http.createServer((req, res) => { if (!id.handleMetadata(req, res)) res.writeHead(404).end(); });
    await new Promise<void>(r => meta.listen(0, '127.0.0.1', () => r()));
    standIn = await startServingStandIn({
      modelName: 'm', versions: [{ version: '1', signatures: SIG }],
      auth: { public: false, verify: (t, aud) => id.verify(t, aud) },
      predictor: (_s, inputs) => ({ y: (inputs.x as number[]).map(v => v * 2) }),
      log: e => logs.push(e),
    });
    home = mkdtempSync(path.join(tmpdir(), 'adc-home-'));
  });
  after(async () => {
    await standIn.close();
    await new Promise<void>(r => meta.close(() => r()));
    rmSync(home, { recursive: true, force: true });
  });

  it('answers only requests carrying Metadata-Flavor: Google, and says so', async () => {
    const port = (meta.address() as AddressInfo).port;
    const bare = await fetch(`http://127.0.0.1:${port}/computeMetadata/v1/project/project-id`);
    assert.equal(bare.status, 403);
    assert.match(await bare.text(), /Missing Metadata-Flavor:Google header/);
    const ok = await fetch(`http://127.0.0.1:${port}/computeMetadata/v1/project/project-id`, { headers: { 'Metadata-Flavor': 'Google' } });
    assert.equal(ok.headers.get('metadata-flavor'), 'Google');
    assert.equal(await ok.text(), 'demo-project');
  });

  it('GoogleAuth().getIdTokenClient(url) gets a token the stand-in accepts; another audience gets 401', async () => {
    const port = (meta.address() as AddressInfo).port;
    const script = `
      const { GoogleAuth } = require('google-auth-library');
      (async () => {
        const auth = new GoogleAuth();
        const projectId = await auth.getProjectId();
        const creds = await auth.getCredentials();
        const access = await (await auth.getClient()).getAccessToken();
        const client = await auth.getIdTokenClient(process.argv[1]);
        const res = await client.request({ url: process.argv[1] + '/v1/models/m:predict', method: 'POST', data: { instances: [1, 2] }, responseType: 'text' });
        console.log(JSON.stringify({ projectId, email: creds.client_email, access: access.token, status: res.status, body: res.data }));
      })().catch(e => { console.error(e); process.exit(1); });`;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, GCE_METADATA_HOST: `127.0.0.1:${port}`, METADATA_SERVER_DETECTION: 'assume-present' };
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script, standIn.url], { cwd: repoRoot(), env }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { projectId: string; email: string; access: string; status: number; body: string };
    assert.equal(r.projectId, 'demo-project');
    assert.equal(r.email, 'deployer@demo-project.iam.gserviceaccount.com');
    assert.equal(id.tokens.verifyAccessToken(r.access).email, r.email);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{\n    "predictions": [2.0, 4.0\n    ]\n}');

    const wrong = id.issueIdToken('https://other-service.a.run.app', 'deployer@demo-project.iam.gserviceaccount.com');
    const denied = await fetch(`${standIn.url}/v1/models/m`, { headers: { Authorization: `Bearer ${wrong}` } });
    assert.equal(denied.status, 401);
    assert.match(await denied.text(), /Error: Unauthorized/);
    const anonymous = await fetch(`${standIn.url}/v1/models/m`);
    assert.equal(anonymous.status, 403);
    const reqLogs = logs.filter(l => l.logName === 'requests');
    assert.deepEqual(reqLogs.slice(-2).map(l => l.httpRequest?.status), [401, 403]);
    assert.match(reqLogs[reqLogs.length - 1].textPayload ?? '', /The request was not authenticated/);
  });
});
