/**
 * The emulator's Cloud Storage as TensorFlow's own GCS filesystem reaches it: an HTTPS CONNECT
 * proxy on loopback that terminates TLS for Google's storage hosts with a certificate from a
 * throwaway CA (made with the openssl CLI at start) and forwards each request to the emulator's
 * GCS JSON API server (server.ts). TensorFlow's client (libcurl inside libtensorflow_framework)
 * is pointed at it by environment only, given to the model server's child process alone:
 * HTTPS_PROXY, CURL_CA_BUNDLE, GOOGLE_AUTH_TOKEN_FOR_TESTING, NO_GCE_CHECK (see gcsClientEnv).
 * Every forwarded request is kept in `requests`, so a test can see what the model server read.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

/** Hosts Google's storage clients call: TensorFlow reads media and metadata from these. */
export const STORAGE_HOSTS = ['storage.googleapis.com', 'www.googleapis.com'];

export interface ProxiedRequest {
  host: string;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  status: number;
  range?: string;
}

export interface GcsProxy {
  /** http://127.0.0.1:PORT, the value of HTTPS_PROXY. */
  url: string;
  /** PEM of the throwaway CA, the value of CURL_CA_BUNDLE. */
  caFile: string;
  /** What the proxy forwarded, oldest first (bounded). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

const MAX_KEPT = 5000;

/** A CA and one leaf certificate for the storage hosts, in a fresh temporary folder. */
function makeCertificates(dir: string): { ca: string; key: Buffer; cert: Buffer } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const f = (n: string) => path.join(dir, n);
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2',
    '-subj', '/CN=ML Serving emulator throwaway CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', `/CN=${STORAGE_HOSTS[0]}`]);
  fs.writeFileSync(f('leaf.ext'), [
    'basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
    `subjectAltName=${STORAGE_HOSTS.map(h => `DNS:${h}`).join(',')}`, '',
  ].join('\n'));
  run(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '2', '-extfile', f('leaf.ext')]);
  return { ca: f('ca.pem'), key: fs.readFileSync(f('leaf.key')), cert: fs.readFileSync(f('leaf.pem')) };
}

/**
 * `upstream`: base URL of the GCS JSON API server (http://127.0.0.1:PORT). The proxy's listeners
 * are unref'd: they never keep the emulator's process alive.
 */
export async function startGcsProxy(upstream: string): Promise<GcsProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-serving-gcs-ca-'));
  let certs;
  try { certs = makeCertificates(dir); } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`the GCS proxy could not make its certificates with openssl: ${String(err.stderr ?? '').trim() || err.message}`);
  }
  // The CA's key must not outlive the process, even when close() is never called.
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const up = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  // The TLS side: an HTTP server fed with the decrypted sockets of CONNECT tunnels.
  const inner = http.createServer((req, res) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const entry: ProxiedRequest = { host, method: req.method ?? 'GET', url: req.url ?? '/', status: 0, ...(req.headers.range ? { range: String(req.headers.range) } : {}) };
    requests.push(entry);
    if (requests.length > MAX_KEPT) requests.shift();
    const headers = { ...req.headers, host: up.host };
    delete headers.authorization; // the emulator's storage is open; the test token means nothing there
    const fwd = http.request({ host: up.hostname, port: up.port, method: req.method, path: upstreamPath(host, req.url ?? '/'), headers, agent }, r => {
      entry.status = r.statusCode ?? 502;
      res.writeHead(entry.status, r.headers);
      r.pipe(res);
    });
    fwd.on('error', e => { entry.status = 502; if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }); res.end(`GCS proxy: ${e.message}`); });
    req.pipe(fwd);
  });
  const secure = tls.createSecureContext({ key: certs.key, cert: certs.cert });

  const outer = http.createServer((_req, res) => { res.writeHead(405, { 'content-type': 'text/plain' }); res.end('This proxy only tunnels HTTPS (CONNECT) to Google Cloud Storage hosts.\n'); });
  outer.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = String(req.url ?? '');
    const host = target.replace(/:\d+$/, '');
    if (!STORAGE_HOSTS.includes(host)) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nThe emulator's GCS proxy only reaches ${STORAGE_HOSTS.join(', ')} (asked: ${target}).\r\n`);
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, { isServer: true, secureContext: secure, ALPNProtocols: ['http/1.1'] });
    tlsSocket.on('error', () => socket.destroy());
    inner.emit('connection', tlsSocket);
  });
  outer.on('clientError', (_e, s) => s.destroy());

  await new Promise<void>((resolve, reject) => { outer.once('error', reject); outer.listen(0, '127.0.0.1', () => resolve()); });
  outer.unref();
  const port = (outer.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, caFile: certs.ca, requests,
    close: () => new Promise<void>(r => {
      agent.destroy();
      outer.closeAllConnections?.();
      inner.closeAllConnections?.();
      outer.close(() => { process.off('exit', removeDir); removeDir(); r(); });
    }),
  };
}

/**
 * The JSON API path for a request: JSON API paths pass through (/storage/v1/…, /download/…,
 * /upload/…); the XML API form `/BUCKET/OBJECT` (media reads on storage.googleapis.com) becomes
 * objects.get with alt=media, the Range header left as it is.
 */
export function upstreamPath(host: string, url: string): string {
  const u = new URL(url, 'https://x');
  if (/^\/(storage|download|upload)\/v1\//.test(u.pathname) || host !== 'storage.googleapis.com') return url;
  const m = /^\/([^/]+)\/(.+)$/.exec(u.pathname);
  if (!m) return url;
  const object = decodeURIComponent(m[2]);
  return `/storage/v1/b/${m[1]}/o/${encodeURIComponent(object)}?alt=media`;
}

/** The environment that sends TensorFlow's GCS filesystem (and only the child given it) to the proxy. */
export function gcsClientEnv(proxy: Pick<GcsProxy, 'url' | 'caFile'>): Record<string, string> {
  return {
    HTTPS_PROXY: proxy.url, https_proxy: proxy.url, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
    CURL_CA_BUNDLE: proxy.caFile,
    // TensorFlow's GCS client sends this as the bearer token and asks no metadata server or key file.
    GOOGLE_AUTH_TOKEN_FOR_TESTING: 'emulator-test-token',
    NO_GCE_CHECK: 'true',
  };
}
