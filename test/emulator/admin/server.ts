/**
 * Admin HTTP API on 127.0.0.1: `GET /endpoints`, `GET|POST|DELETE /faults`, `POST /logs`,
 * `GET /state`, `GET /tokens` (every token issued, for leak searches), and the GCE metadata server paths (`/computeMetadata/v1/...`) handed to the
 * identity module, so `GCE_METADATA_HOST=<admin host:port>` gives Application Default Credentials.
 */
import * as http from 'node:http';
import { ApiError } from '../errors';
import type { Faults } from '../faults';
import type { LogStore } from '../logging/store';
import type { Identity } from '../identity/identity';

export interface AdminDeps {
  endpoints: () => object;
  faults: Faults;
  logs: LogStore;
  identity: Identity;
  state: () => object;
  /** Projects the emulator serves, for the extension's project picker. */
  projects?: () => Array<{ projectId: string; name?: string }>;
}

const MAX_BODY = 10 * 1024 * 1024;

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new Error('body: larger than 10 MB')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return reject(new Error('body: expected JSON, got an empty body'));
      try { resolve(JSON.parse(text)); } catch (e) { reject(new Error(`body: not valid JSON (${(e as Error).message})`)); }
    });
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body, null, 1));
}

export function startAdminServer(deps: AdminDeps, port = 0): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    try {
      if (u.pathname.startsWith('/computeMetadata/') || u.pathname === '/') {
        if (deps.identity.handleMetadata(req, res)) return;
        if (u.pathname === '/') return send(res, 200, { service: 'ml-serving emulator admin', paths: ['/endpoints', '/projects', '/faults', '/logs', '/state', '/tokens', '/computeMetadata/v1/'] });
        return send(res, 404, { error: { code: 404, message: `metadata path not served: ${u.pathname}` } });
      }
      const route = `${req.method} ${u.pathname.replace(/\/+$/, '')}`;
      switch (route) {
        case 'GET /endpoints': return send(res, 200, deps.endpoints());
        case 'GET /projects': return send(res, 200, deps.projects?.() ?? []);
        case 'GET /faults': return send(res, 200, { faults: deps.faults.active() });
        case 'POST /faults': {
          const body = await readJson(req);
          const list = Array.isArray(body) ? body : [body];
          const added = list.map(f => deps.faults.add(f));
          return send(res, 200, { added: added.map(f => f.id), faults: deps.faults.active() });
        }
        case 'DELETE /faults': deps.faults.reset(); return send(res, 200, { faults: [] });
        case 'POST /logs': {
          const body = await readJson(req) as any;
          const list: unknown[] = Array.isArray(body) ? body : Array.isArray(body?.entries) ? body.entries : [body];
          const written = list.map((e, i) => {
            try { return deps.logs.append(e as any).insertId; } catch (err) { throw new ApiError(3, `entries[${i}].${(err as Error).message}`); }
          });
          return send(res, 200, { written: written.length, insertIds: written });
        }
        case 'GET /state': return send(res, 200, deps.state());
        case 'GET /tokens': return send(res, 200, deps.identity.tokens.issued());
        default: return send(res, 404, { error: { code: 404, message: `no route ${route}; see GET /` } });
      }
    } catch (e) {
      send(res, 400, { error: { code: 400, message: (e as Error).message } });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${p}`, port: p, close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}
