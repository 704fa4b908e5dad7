import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { decodeJwtClaims, gcloudSource, IdTokens, type IdTokenSource } from '../../src/gcp/idToken';
import { runBenchmark } from '../../src/features/predict/benchmark';
import { fileStore, PayloadStore, stateStore, type KeyValue } from '../../src/features/shared/payloadStore';
import { CallError, COLD_START_RETRY, ServiceClient, retryAfterMs } from '../../src/serving/node/serviceClient';
import { ValidationError } from '../../src/common/errors';
import { isPanelState, parseWebviewMessage } from '../../src/protocol/predict';

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

interface Seen { auth?: string; path?: string; body: string; socket: unknown }

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = { auth: req.headers.authorization, path: req.url, body: Buffer.concat(chunks).toString(), socket: req.socket };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>(r => { s.closeAllConnections(); s.close(() => r()); }) };
}

class FakeTokens {
  fetched: string[] = [];
  invalidated: string[] = [];
  n = 0;
  async get(aud: string) { this.fetched.push(aud); return { token: `tok-${++this.n}`, identity: 'dev@example.com' }; }
  invalidate(aud: string) { this.invalidated.push(aud); }
}

describe('predict: service client (extension host HTTP)', () => {
  it('attaches an ID token for the service URL and reuses one keep-alive socket', async () => {
    const srv = await server((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"predictions":[1]}'));
    const tokens = new FakeTokens();
    const c = new ServiceClient({ url: `${srv.url}/`, authenticated: true, tokens });
    try {
      const a = await c.call({ method: 'POST', path: '/v1/models/m:predict', body: '{"instances":[1]}' });
      const b = await c.call({ method: 'POST', path: '/v1/models/m:predict', body: '{"instances":[2]}' });
      assert.equal(a.status, 200);
      assert.equal(a.text, '{"predictions":[1]}');
      assert.equal(a.identity, 'dev@example.com');
      assert.deepEqual(tokens.fetched, [srv.url, srv.url], 'audience = service URL without a trailing slash');
      assert.equal(srv.seen[0].auth, 'Bearer tok-1');
      assert.equal(srv.seen[1].body, '{"instances":[2]}');
      assert.equal(srv.seen[0].socket, srv.seen[1].socket, 'same TCP connection');
      assert.ok(b.latencyMs > 0);
    } finally {
      c.dispose();
      await srv.close();
    }
  });

  it('retries 503 and 429 with backoff and reports a cold start', async () => {
    let n = 0;
    const srv = await server((_req, res) => {
      n++;
      if (n === 1) res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html><title>503</title></html>');
      else if (n === 2) res.writeHead(429, { 'Retry-After': '0' }).end();
      else res.writeHead(200).end('{"predictions":[]}');
    });
    const waits: number[] = [];
    const c = new ServiceClient({ url: srv.url, authenticated: false, sleep: async ms => { waits.push(ms); } });
    try {
      const r = await c.call({ method: 'POST', path: '/p', body: '{}', retry: COLD_START_RETRY });
      assert.equal(r.status, 200);
      assert.equal(r.retries, 2);
      assert.equal(r.coldStart, true);
      assert.equal(srv.seen.length, 3);
      assert.ok(waits[0] >= 500 && waits[0] <= 600, `first backoff ${waits[0]}`);
      assert.equal(waits[1], 0, 'Retry-After honoured');
      assert.equal(srv.seen[0].auth, undefined, 'public: no token');
      const once = await new ServiceClient({ url: srv.url, authenticated: false }).call({ method: 'GET', path: '/' });
      assert.equal(once.retries, 0);
    } finally {
      c.dispose();
      await srv.close();
    }
  });

  it('gives up after the retries and returns the last 503', async () => {
    const srv = await server((_req, res) => res.writeHead(503).end('busy'));
    const c = new ServiceClient({ url: srv.url, authenticated: false, sleep: async () => undefined });
    try {
      const r = await c.call({ method: 'GET', path: '/', retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
      assert.equal(r.status, 503);
      assert.equal(r.retries, 2);
      assert.equal(srv.seen.length, 3);
    } finally {
      c.dispose();
      await srv.close();
    }
  });

  it('fetches a fresh token once after a 401', async () => {
    const srv = await server((req, res) => res.writeHead(req.headers.authorization === 'Bearer tok-2' ? 200 : 401).end('{}'));
    const tokens = new FakeTokens();
    const c = new ServiceClient({ url: srv.url, authenticated: true, tokens });
    try {
      const r = await c.call({ method: 'GET', path: '/' });
      assert.equal(r.status, 200);
      assert.deepEqual(tokens.invalidated, [srv.url]);
      assert.equal(srv.seen.length, 2);
    } finally {
      c.dispose();
      await srv.close();
    }
  });

  it('aborts, times out, and reports unreachable services', async () => {
    const srv = await server(() => undefined); // never answers
    const c = new ServiceClient({ url: srv.url, authenticated: false });
    try {
      const ctrl = new AbortController();
      const p = c.call({ method: 'POST', path: '/', body: '{}', signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 50);
      await assert.rejects(p, (e: Error) => e.name === 'AbortError');
      await assert.rejects(c.call({ method: 'GET', path: '/', timeoutMs: 100 }), (e: Error) => e instanceof CallError && e.code === 'timeout');
    } finally {
      c.dispose();
      await srv.close();
    }
    const gone = new ServiceClient({ url: srv.url, authenticated: false });
    await assert.rejects(gone.call({ method: 'GET', path: '/' }), (e: Error) => e instanceof CallError && e.code === 'network' && /ECONNREFUSED/.test(e.message));
    gone.dispose();
    const noTokens = new ServiceClient({ url: srv.url, authenticated: true, tokens: { get: async () => { throw new Error('not signed in'); }, invalidate() {} } });
    await assert.rejects(noTokens.call({ method: 'GET', path: '/' }), (e: Error) => e instanceof CallError && e.code === 'token' && /not signed in/.test(e.message));
    noTokens.dispose();
  });

  it('reads Retry-After in seconds and as a date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});

describe('predict: ID tokens', () => {
  it('caches per audience until shortly before expiry and shares concurrent fetches', async () => {
    let now = 1_000_000_000_000;
    let calls = 0;
    const src: IdTokenSource = { name: 'google-auth-library', fetch: async aud => { calls++; return jwt({ aud, email: 'sa@p.iam.gserviceaccount.com', exp: Math.floor(now / 1000) + 3600 }); } };
    const logged: string[] = [];
    const t = new IdTokens([src], { now: () => now, log: l => logged.push(l) });
    const [a, b] = await Promise.all([t.get('https://svc'), t.get('https://svc')]);
    assert.equal(calls, 1, 'one fetch for concurrent callers');
    assert.equal(a.token, b.token);
    assert.equal(a.identity, 'sa@p.iam.gserviceaccount.com');
    assert.equal(decodeJwtClaims(a.token).aud, 'https://svc');
    now += 50 * 60_000;
    await t.get('https://svc');
    assert.equal(calls, 1, 'still valid at 50 min');
    now += 6 * 60_000;
    await t.get('https://svc');
    assert.equal(calls, 2, 'refreshed within 5 min of expiry');
    await t.get('https://other');
    assert.equal(calls, 3, 'per audience');
    t.invalidate('https://other');
    await t.get('https://other');
    assert.equal(calls, 4);
    assert.ok(logged.length > 0 && logged.every(l => !l.includes(a.token) && !l.includes('.sig')), 'logs never hold the token');
  });

  it('falls back to gcloud (execFile with an argument array) and reports both failures', async () => {
    const calls: Array<{ file: string; args: string[] }> = [];
    const fakeExec = (file: string, args: string[], _o: unknown, cb: (e: Error | null, out: string, err: string) => void) => {
      calls.push({ file, args });
      cb(null, `${jwt({ email: 'dev@example.com', exp: 9999999999 })}\n`, '');
    };
    const failing: IdTokenSource = { name: 'google-auth-library', fetch: async () => { throw new Error('Could not load the default credentials'); } };
    const t = new IdTokens([failing, gcloudSource(fakeExec)]);
    const tok = await t.get('https://svc');
    assert.equal(tok.source, 'gcloud');
    assert.equal(tok.identity, 'dev@example.com');
    assert.deepEqual(calls, [{ file: 'gcloud', args: ['auth', 'print-identity-token', '--quiet'] }]);
    const broken = gcloudSource((_f, _a, _o, cb) => cb(new Error('spawn gcloud ENOENT'), '', ''));
    await assert.rejects(new IdTokens([failing, broken]).get('https://svc'), /google-auth-library: Could not load.*gcloud: .*ENOENT/);
  });
});

describe('predict: saved payloads and history', () => {
  const memory = (): KeyValue & { data: Map<string, unknown> } => {
    const data = new Map<string, unknown>();
    return { data, get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => { data.set(k, v); } };
  };

  it('saves, replaces, lists and deletes payloads per service in a committed JSON file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'predict-store-'));
    try {
      const file = path.join(dir, '.vscode', 'ml-serving', 'requests.json');
      const s = new PayloadStore(fileStore(file), memory());
      const svc = 'projects/p/locations/us-central1/services/recs';
      s.save(svc, { name: 'berlin', signature: 'serving_default', body: '{"instances":[1]}' }, new Date('2025-01-01T00:00:00Z'));
      s.save(svc, { name: 'another', signature: 'serving_default', body: '{"instances":[2]}' });
      s.save(svc, { name: 'berlin', signature: 'serving_default', body: '{"instances":[3]}' });
      assert.deepEqual(s.list(svc).map(p => [p.name, p.body]), [['another', '{"instances":[2]}'], ['berlin', '{"instances":[3]}']]);
      assert.deepEqual(s.list('projects/p/locations/us-central1/services/other'), []);
      // A second store over the same file (a reload) sees them.
      const again = new PayloadStore(fileStore(file), memory());
      assert.equal(again.list(svc).length, 2);
      const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(onDisk.version, 1);
      assert.equal(onDisk.services[svc].length, 2);
      assert.equal(again.delete(svc, 'berlin'), true);
      assert.equal(again.delete(svc, 'berlin'), false);
      assert.deepEqual(s.list(svc).map(p => p.name), ['another']);
      fs.writeFileSync(file, '{not json');
      assert.throws(() => s.list(svc), /requests\.json: not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps payloads in workspace state without a folder, and a short history', async () => {
    const state = memory();
    const s = new PayloadStore(stateStore(state), state);
    s.save('svc', { name: 'x', signature: 's', body: '{}' });
    assert.deepEqual(s.list('svc').map(p => p.name), ['x']);
    for (let i = 0; i < 25; i++) await s.addHistory('svc', { at: `t${i}`, signature: 's', body: `{"i":${i}}`, status: 200, latencyMs: i });
    const h = s.recent('svc');
    assert.equal(h.length, 20);
    assert.equal(h[0].body, '{"i":24}', 'newest first');
    await s.addHistory('svc', { at: 'again', signature: 's', body: '{"i":20}', status: 200, latencyMs: 1 });
    assert.equal(s.recent('svc').filter(e => e.body === '{"i":20}').length, 1, 'no duplicate bodies');
  });
});

describe('predict: benchmark runner', () => {
  it('runs N requests at concurrency C and summarises latencies and errors', async () => {
    let inFlight = 0;
    let peak = 0;
    let i = 0;
    const progress: number[] = [];
    const r = await runBenchmark({
      count: 40, concurrency: 4, targetMs: 20,
      send: async () => {
        const k = i++;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise(res => setTimeout(res, 2));
        inFlight--;
        return k % 10 === 9 ? { status: 500, latencyMs: 1 } : { status: 200, latencyMs: (k % 10) + 1 };
      },
      probe: async () => ({ status: 200, totalMs: 1234, retries: 2 }),
      onProgress: (done, _t, phase) => { if (phase === 'run') progress.push(done); },
    });
    assert.equal(peak, 4);
    assert.equal(r.completed, 40);
    assert.equal(r.succeeded, 36);
    assert.equal(r.errors, 4);
    assert.deepEqual(r.errorsByStatus, { 500: 4 });
    assert.equal(r.firstError, 'HTTP 500');
    assert.equal(r.stats!.max, 9);
    assert.equal(r.stats!.p50, 5);
    assert.equal(r.histogram.reduce((n, b) => n + b.count, 0), 36);
    assert.deepEqual(r.coldStart, { timeToFirstSuccessMs: 1234, retries: 2, status: 200 });
    assert.equal(progress[progress.length - 1], 40);
  });

  it('stops when cancelled and counts network failures', async () => {
    const ctrl = new AbortController();
    let n = 0;
    const r = await runBenchmark({
      count: 1000, concurrency: 2, targetMs: 20, signal: ctrl.signal,
      send: async () => { if (++n === 10) ctrl.abort(); if (n === 3) throw new Error('ECONNRESET'); return { status: 200, latencyMs: 1 }; },
    });
    assert.equal(r.cancelled, true);
    assert.ok(r.completed < 1000);
    assert.equal(r.errorsByStatus.network, 1);
  });
});

describe('predict: webview message protocol', () => {
  it('accepts well-formed messages', () => {
    const ok = parseWebviewMessage({ type: 'send', requestId: 'r1', signature: 'serving_default', body: '{}' });
    assert.deepEqual(ok, { type: 'send', requestId: 'r1', signature: 'serving_default', body: '{}' });
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseWebviewMessage({ type: 'benchmark', requestId: 'b', signature: 's', body: '{}', count: 100, concurrency: 4, probeColdStart: true }).type, 'benchmark');
    const lt = { type: 'loadTest', requestId: 'l', signature: 's', body: '', rate: 2.5, durationSec: 3, targetMs: 300, mix: ['a', 'b'], probeColdStart: true };
    assert.deepEqual(parseWebviewMessage(lt), lt);
  });

  it('refuses unknown types, extra fields, wrong types and out-of-range values, naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /message: expected an object/],
      [[1], /message: expected an object/],
      [{ type: 'deleteEverything' }, /unknown message type/],
      [{ type: 'send', requestId: 'r', signature: 's', body: 5 }, /send\.body: expected a string/],
      [{ type: 'send', requestId: 'r', signature: 's' }, /send\.body/],
      [{ type: 'send', requestId: 'r; rm -rf', signature: 's', body: '{}' }, /send\.requestId: has an invalid format/],
      [{ type: 'ready', token: 'x' }, /ready\.token: unexpected field/],
      [{ type: 'benchmark', requestId: 'b', signature: 's', body: '{}', count: 0, concurrency: 4, probeColdStart: false }, /count: expected a whole number from 1 to 10000/],
      [{ type: 'benchmark', requestId: 'b', signature: 's', body: '{}', count: 5, concurrency: 1.5, probeColdStart: false }, /concurrency/],
      [{ type: 'savePayload', name: ' ', signature: 's', body: '{}' }, /name/],
      [{ type: '__proto__' }, /unknown message type/],
      [{ type: 'loadTest', requestId: 'l', signature: 's', body: '', rate: 500, durationSec: 3, targetMs: 300, mix: [], probeColdStart: true }, /loadTest\.rate: expected a number from 0\.1 to 200/],
      [{ type: 'loadTest', requestId: 'l', signature: 's', body: '', rate: 2, durationSec: 3, targetMs: 300, mix: ['ok', 7], probeColdStart: true }, /loadTest\.mix\[1\]: expected a string/],
      [{ type: 'saveReport', requestId: '../x' }, /saveReport\.requestId: has an invalid format/],
    ];
    for (const [m, re] of bad) assert.throws(() => parseWebviewMessage(m), (e: Error) => e instanceof ValidationError && re.test(e.message), `refused ${JSON.stringify(m)}`);
  });

  it('recognises a restorable panel state', () => {
    assert.equal(isPanelState({ serviceName: 'projects/p/locations/r/services/s' }), true);
    assert.equal(isPanelState({ serviceName: '../../etc' }), false);
    assert.equal(isPanelState(undefined), false);
  });
});
