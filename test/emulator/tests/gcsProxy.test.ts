import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { startGcsServer, type GcsServer } from '../gcs/server';
import { startGcsProxy, gcsClientEnv, upstreamPath, type GcsProxy } from '../gcs/proxy';
import { aipEnvironment, containerPortOf } from '../vertex/endpointsRuntime';

/**
 * The storage proxy TensorFlow's GCS client goes through, driven here over the same wire a libcurl
 * client uses: CONNECT, TLS verified against the throwaway CA, then the requests TensorFlow sends
 * (list with prefix/delimiter, metadata with fields, XML-style media reads with Range).
 */
describe('emulator: the Cloud Storage proxy for TensorFlow\'s GCS client', function () {
  this.timeout(60_000);
  let root: string;
  let gcs: GcsServer;
  let proxy: GcsProxy;
  const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gcs-proxy-test-'));
    fs.mkdirSync(path.join(root, 'bkt', 'm', '1', 'variables'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bkt', 'm', '1', 'saved_model.pb'), payload);
    fs.writeFileSync(path.join(root, 'bkt', 'm', '1', 'variables', 'variables.index'), 'idx');
    gcs = await startGcsServer(root);
    proxy = await startGcsProxy(gcs.url);
  });
  after(async () => {
    await proxy?.close();
    await gcs?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** CONNECT through the proxy, TLS to `host` checked against `ca`, one GET. */
  function get(host: string, p: string, headers: Record<string, string> = {}, ca: Buffer | null = fs.readFileSync(proxy.caFile)): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const u = new URL(proxy.url);
    return new Promise((resolve, reject) => {
      const c = http.request({ host: u.hostname, port: u.port, method: 'CONNECT', path: `${host}:443` });
      c.on('connect', (res, socket) => {
        if (res.statusCode !== 200) { socket.destroy(); return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }); }
        const secure = tls.connect({ socket, servername: host, ...(ca ? { ca } : {}) });
        secure.on('error', reject);
        const req = http.request({ createConnection: () => secure, host, path: p, headers: { host, ...headers } }, r => {
          const chunks: Buffer[] = [];
          r.on('data', d => chunks.push(d));
          r.on('end', () => { secure.destroy(); resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }); });
        });
        req.on('error', reject);
        req.end();
      });
      c.on('error', reject);
      c.end();
    });
  }

  it('lists with prefix and delimiter, and answers the metadata fields TensorFlow asks for', async () => {
    const list = await get('www.googleapis.com', '/storage/v1/b/bkt/o?fields=items%2Fname%2Cprefixes%2CnextPageToken&delimiter=%2F&prefix=m%2F1%2F');
    assert.equal(list.status, 200);
    const body = JSON.parse(list.body.toString('utf8'));
    assert.deepEqual(body.items.map((i: any) => i.name), ['m/1/saved_model.pb']);
    assert.deepEqual(body.prefixes, ['m/1/variables/']);
    const meta = await get('www.googleapis.com', '/storage/v1/b/bkt/o/m%2F1%2Fsaved_model.pb?fields=size%2Cgeneration%2Cupdated');
    const md = JSON.parse(meta.body.toString('utf8'));
    assert.equal(md.size, '5000');
    assert.match(md.generation, /^\d+$/);
    assert.ok(!Number.isNaN(Date.parse(md.updated)), `updated is a date: ${md.updated}`);
  });

  it('serves media reads in the XML form with Range (206 and exactly those bytes), and logs each request', async () => {
    const before = proxy.requests.length;
    const r = await get('storage.googleapis.com', '/bkt/m%2F1%2Fsaved_model.pb', { range: 'bytes=100-1099' });
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-range'], 'bytes 100-1099/5000');
    assert.deepEqual(r.body, payload.subarray(100, 1100));
    const whole = await get('storage.googleapis.com', '/bkt/m%2F1%2Fsaved_model.pb', { range: 'bytes=0-67108863' });
    assert.equal(whole.status, 206);
    assert.deepEqual(whole.body, payload);
    const missing = await get('storage.googleapis.com', '/bkt/m%2F1%2Fnope.pb');
    assert.equal(missing.status, 404);
    assert.deepEqual(proxy.requests.slice(before).map(x => [x.host, x.url, x.status, x.range]), [
      ['storage.googleapis.com', '/bkt/m%2F1%2Fsaved_model.pb', 206, 'bytes=100-1099'],
      ['storage.googleapis.com', '/bkt/m%2F1%2Fsaved_model.pb', 206, 'bytes=0-67108863'],
      ['storage.googleapis.com', '/bkt/m%2F1%2Fnope.pb', 404, undefined],
    ]);
  });

  it('is real TLS: a client without the throwaway CA refuses the certificate; other hosts are not tunnelled', async () => {
    await assert.rejects(get('storage.googleapis.com', '/bkt/m%2F1%2Fsaved_model.pb', {}, null), /self[- ]signed|unable to (get|verify)|certificate/i);
    const other = await get('example.com', '/');
    assert.equal(other.status, 403);
  });

  it('maps XML media paths to objects.get alt=media and leaves JSON API paths alone', () => {
    assert.equal(upstreamPath('storage.googleapis.com', '/bkt/a%2Fb%20c.pb'), '/storage/v1/b/bkt/o/a%2Fb%20c.pb?alt=media');
    assert.equal(upstreamPath('storage.googleapis.com', '/bkt/a/b.pb'), '/storage/v1/b/bkt/o/a%2Fb.pb?alt=media');
    assert.equal(upstreamPath('www.googleapis.com', '/storage/v1/b/bkt/o?prefix=a'), '/storage/v1/b/bkt/o?prefix=a');
    assert.equal(upstreamPath('storage.googleapis.com', '/storage/v1/b/bkt/o/x'), '/storage/v1/b/bkt/o/x');
  });

  it('gives the model server the variables TensorFlow\'s GCS client reads (and only those)', () => {
    const env = gcsClientEnv(proxy);
    assert.equal(env.HTTPS_PROXY, proxy.url);
    assert.equal(env.CURL_CA_BUNDLE, proxy.caFile);
    assert.ok(env.GOOGLE_AUTH_TOKEN_FOR_TESTING);
    assert.equal(env.NO_GCE_CHECK, 'true');
    assert.equal(process.env.CURL_CA_BUNDLE === proxy.caFile, false, 'the emulator\'s own environment is left alone');
  });
});

describe('emulator: the AIP_* variables of a custom container come from its containerSpec', () => {
  const ids = { endpointId: '123', deployedModelId: '456' };
  it('routes, port and env of the spec; AIP_STORAGE_URI the artifactUri', () => {
    const spec = { imageUri: 'x', ports: [{ containerPort: 8501 }], predictRoute: '/p', healthRoute: '/h', env: [{ name: 'MODEL_NAME', value: 'm' }, { name: 'AIP_HTTP_PORT', value: '1' }] };
    const env = aipEnvironment(spec, 'gs://b/m/1', ids, containerPortOf(spec));
    assert.deepEqual({ port: env.AIP_HTTP_PORT, h: env.AIP_HEALTH_ROUTE, p: env.AIP_PREDICT_ROUTE, s: env.AIP_STORAGE_URI, n: env.MODEL_NAME },
      { port: '8501', h: '/h', p: '/p', s: 'gs://b/m/1', n: 'm' });
  });
  it('without routes or ports: Vertex AI\'s defaults (/v1/endpoints/E/deployedModels/D[:predict], 8080)', () => {
    const env = aipEnvironment({ imageUri: 'x' }, 'gs://b/m', ids, containerPortOf({}));
    assert.equal(env.AIP_HTTP_PORT, '8080');
    assert.equal(env.AIP_HEALTH_ROUTE, '/v1/endpoints/123/deployedModels/456');
    assert.equal(env.AIP_PREDICT_ROUTE, '/v1/endpoints/123/deployedModels/456:predict');
  });
});
