// Where ID tokens may go: the URL rules, the refusal before any source is asked, and the
// emulator-only source (against the emulator's real metadata handler on a loopback port).
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GcpClients } from '../../src/gcp/clients';
import { audienceRuleFor, emulatorSource, idTokensFor, IdTokens, loopbackUrlProblem, runAppUrlProblem, type IdTokenSource } from '../../src/gcp/idToken';
import { knownServiceUrls } from '../../src/gcp/run';
import { ServiceClient } from '../../src/serving/node/serviceClient';
import { createIdentity } from '../emulator/identity/identity';

describe('ID tokens: where they may go', () => {
  it('Cloud Run URLs: https, a run.app host, nothing else', () => {
    for (const ok of ['https://svc-abc123-uc.a.run.app', 'https://svc-abc123-uc.a.run.app/', 'https://canary---svc-abc123-uc.a.run.app', 'https://svc-123456789012.us-central1.run.app']) {
      assert.equal(runAppUrlProblem(ok), undefined, ok);
    }
    const bad: Array<[string, RegExp]> = [
      ['http://svc-abc-uc.a.run.app', /not an https URL/],
      ['https://evil.example.com', /not a Cloud Run URL/],
      ['https://svc.a.run.app.evil.com', /not a Cloud Run URL/],
      ['https://run.app', /not a Cloud Run URL/],
      ['https://evil.com#.a.run.app', /not a Cloud Run URL/],
      ['https://user@svc-abc-uc.a.run.app', /user info/],
      ['https://svc-abc-uc.a.run.app:8443', /names a port/],
      ['https://svc-abc-uc.a.run.app/v1/models/m', /path, query or fragment/],
      ['https://svc-abc-uc.a.run.app/?x=1', /path, query or fragment/],
      ['not a url', /is not a URL/],
    ];
    for (const [url, why] of bad) assert.match(runAppUrlProblem(url) ?? '', why, url);
  });

  it('emulator URLs: loopback only', () => {
    for (const ok of ['http://127.0.0.1:41234', 'http://localhost:8080', 'http://[::1]:9000', 'http://127.0.0.2:1']) assert.equal(loopbackUrlProblem(ok), undefined, ok);
    assert.match(loopbackUrlProblem('https://svc-abc-uc.a.run.app') ?? '', /not on this machine/);
    assert.match(loopbackUrlProblem('http://10.0.0.5:8080') ?? '', /not on this machine/);
    assert.match(loopbackUrlProblem('file:///etc/passwd') ?? '', /not an http\(s\) URL/);
  });

  it('a service client with a URL rule refuses the URL before any call', () => {
    assert.throws(() => new ServiceClient({ url: 'https://svc-abc-uc.a.run.app', authenticated: false, urlProblem: loopbackUrlProblem }), /^CallError: Not calling https:\/\/svc-abc-uc\.a\.run\.app: .*not on this machine/);
    new ServiceClient({ url: 'http://127.0.0.1:8080', authenticated: false, urlProblem: loopbackUrlProblem }).dispose();
  });

  it('a refused audience never reaches a source', async () => {
    const asked: string[] = [];
    const src: IdTokenSource = { name: 'gcloud', fetch: async aud => { asked.push(aud); return 'a.b.c'; } };
    const tokens = new IdTokens([src], { audienceProblem: aud => runAppUrlProblem(aud) });
    await assert.rejects(tokens.get('https://attacker.example.com'), /No ID token for https:\/\/attacker\.example\.com: .*not a Cloud Run URL/);
    assert.deepEqual(asked, []);
    await tokens.get('https://svc-abc-uc.a.run.app');
    assert.deepEqual(asked, ['https://svc-abc-uc.a.run.app']);
  });

  it('against Google: only URLs Cloud Run returned for a service the session read', async () => {
    const clients = new GcpClients({ kind: 'google' }, 'my-project');
    const rule = audienceRuleFor(clients);
    assert.match(rule('https://svc-abc-uc.a.run.app') ?? '', /is not the URL of a Cloud Run service read from project my-project/);
    assert.match(rule('https://evil.example.com') ?? '', /not a Cloud Run URL/);
    await assert.rejects(idTokensFor(clients).get('https://svc-abc-uc.a.run.app'), /No ID token for .*read from project my-project/);
    knownServiceUrls(clients).add('https://svc-abc-uc.a.run.app');
    assert.equal(rule('https://svc-abc-uc.a.run.app/'), undefined);
    assert.match(rule('https://other-abc-uc.a.run.app') ?? '', /not the URL of a Cloud Run service/);
  });

  describe('in emulator mode', () => {
    let server: http.Server;
    let admin = '';
    const identity = createIdentity({ projectId: 'demo-project' });
    before(async () => {
      server = http.createServer((req, res) => { if (!identity.handleMetadata(req, res)) res.writeHead(404).end(); });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
      admin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>(r => server.close(() => r())));

    it('tokens come from the emulator, for loopback URLs only', async () => {
      const clients = new GcpClients({ kind: 'emulator', endpoints: { vertex: '127.0.0.1:1', run: '127.0.0.1:2', logging: '127.0.0.1:3', storage: 'http://127.0.0.1:4', admin } }, 'demo-project');
      const tokens = idTokensFor(clients);
      const t = await tokens.get('http://127.0.0.1:5555');
      assert.equal(t.source, 'emulator');
      assert.equal(identity.verify(t.token, 'http://127.0.0.1:5555').email, identity.serviceAccountEmail);
      await assert.rejects(tokens.get('https://svc-abc-uc.a.run.app'), /not on this machine/);
    });

    it('the emulator source says what went wrong', async () => {
      await assert.rejects(emulatorSource('http://127.0.0.1:1').fetch('http://127.0.0.1:9'), /does not answer/);
      await assert.rejects(emulatorSource(`${admin}/nothing-here`).fetch('http://127.0.0.1:9'), /answered 404/);
    });
  });
});
