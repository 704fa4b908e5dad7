/**
 * A Cloud Storage JSON API subset over a folder on disk: `<root>/<bucket>/<object name>`.
 * objects.list (prefix, delimiter, maxResults/pageToken, prefixes), objects.get (metadata) and
 * media download with the `x-goog-hash` (crc32c, md5) the Storage client validates downloads with;
 * simple uploads (uploadType=media and multipart, what `file.save(data, {resumable: false})` sends).
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';

interface Hashes { md5: string; crc32c: string; key: string }

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json', '.txt': 'text/plain', '.md': 'text/markdown', '.pb': 'application/octet-stream',
  '.csv': 'text/csv', '.html': 'text/html', '.yaml': 'application/x-yaml',
};

export interface GcsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function gcsError(res: http.ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } }));
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** Every file under dir, as object names relative to the bucket folder. */
function walk(dir: string, rel = '', out: string[] = []): string[] {
  let list: fs.Dirent[];
  try { list = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const d of list) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) walk(path.join(dir, d.name), name, out);
    else if (d.isFile()) out.push(name);
  }
  return out;
}

/** `unref`: the listener never keeps the process alive (a server started on demand). */
export function startGcsServer(root: string, port = 0, opts: { unref?: boolean } = {}): Promise<GcsServer> {
  const hashCache = new Map<string, Hashes>();
  const hashes = (file: string, st: fs.Stats): Hashes => {
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = hashCache.get(file);
    if (hit && hit.key === key) return hit;
    const data = fs.readFileSync(file);
    const crc = new CRC32C();
    crc.update(data);
    const h = { md5: createHash('md5').update(data).digest('base64'), crc32c: crc.toString(), key };
    hashCache.set(file, h);
    return h;
  };
  let base = '';
  const bucketDir = (b: string) => path.join(root, b);
  const validBucket = (b: string) => /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(b);
  const objectFile = (b: string, name: string): string | undefined => {
    if (!name || name.split('/').some(s => s === '..' || s === '.')) return undefined;
    return path.join(bucketDir(b), ...name.split('/'));
  };
  const meta = (b: string, name: string, file: string, st: fs.Stats) => {
    const h = hashes(file, st);
    const generation = String(Math.floor(st.mtimeMs * 1000));
    const enc = encodeURIComponent(name);
    return {
      kind: 'storage#object', id: `${b}/${name}/${generation}`, name, bucket: b, generation, metageneration: '1',
      contentType: CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
      storageClass: 'STANDARD', size: String(st.size), md5Hash: h.md5, crc32c: h.crc32c, etag: h.md5,
      timeCreated: st.mtime.toISOString(), updated: st.mtime.toISOString(), timeStorageClassUpdated: st.mtime.toISOString(),
      selfLink: `${base}/storage/v1/b/${b}/o/${enc}`, mediaLink: `${base}/download/storage/v1/b/${b}/o/${enc}?generation=${generation}&alt=media`,
    };
  };

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && u.pathname.startsWith('/upload/')) return upload(req, u, res);
    const m = /^(?:\/download)?(?:\/storage\/v1)?\/b\/([^/]+)(\/o(?:\/(.+))?)?\/?$/.exec(u.pathname);
    if (!m) return gcsError(res, 404, 'notFound', `Not Found: ${u.pathname}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return gcsError(res, 501, 'notImplemented', `${req.method} is not supported by the emulator (read-only Cloud Storage)`);
    const bucket = decodeURIComponent(m[1]);
    const isObjects = Boolean(m[2]);
    if (!validBucket(bucket)) return gcsError(res, 400, 'invalid', `Invalid bucket name: '${bucket}'`);
    let bst: fs.Stats | undefined;
    try { bst = fs.statSync(bucketDir(bucket)); } catch { bst = undefined; }
    if (!bst?.isDirectory()) return gcsError(res, 404, 'notFound', 'The specified bucket does not exist.');
    if (!isObjects) {
      return json(res, { kind: 'storage#bucket', id: bucket, name: bucket, location: 'US-CENTRAL1', storageClass: 'STANDARD', timeCreated: bst.birthtime.toISOString(), updated: bst.mtime.toISOString(), metageneration: '1' });
    }
    if (!m[3]) return list(bucket, u, res);
    const name = decodeURIComponent(m[3]);
    const file = objectFile(bucket, name);
    let st: fs.Stats | undefined;
    try { st = file ? fs.statSync(file) : undefined; } catch { st = undefined; }
    if (!file || !st?.isFile()) return gcsError(res, 404, 'notFound', `No such object: ${bucket}/${name}`);
    const md = meta(bucket, name, file, st);
    if (u.searchParams.get('alt') !== 'media') return json(res, md);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': md.contentType, 'x-goog-hash': `crc32c=${md.crc32c},md5=${md.md5Hash}`, 'x-goog-generation': md.generation,
      'x-goog-metageneration': '1', 'x-goog-stored-content-encoding': 'identity', 'x-goog-stored-content-length': md.size, etag: md.etag,
      'accept-ranges': 'bytes',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    let start = 0, end = st.size - 1, code = 200;
    if (range && (range[1] || range[2])) {
      if (range[1]) { start = Number(range[1]); end = range[2] ? Math.min(Number(range[2]), st.size - 1) : st.size - 1; }
      else { start = Math.max(0, st.size - Number(range[2])); }
      if (start > end || start >= st.size) { res.writeHead(416, { 'content-range': `bytes */${st.size}` }); return res.end(); }
      code = 206;
      headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
    }
    headers['content-length'] = st.size === 0 ? 0 : end - start + 1;
    res.writeHead(code, headers);
    if (req.method === 'HEAD' || st.size === 0) return res.end();
    fs.createReadStream(file, { start, end }).pipe(res);
  });

  /** objects.insert: writes the object file, answers its metadata (the client checks its hashes). */
  function upload(req: http.IncomingMessage, u: URL, res: http.ServerResponse): void {
    const m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(u.pathname);
    if (!m) return gcsError(res, 404, 'notFound', `Not Found: ${u.pathname}`);
    const bucket = decodeURIComponent(m[1]);
    const type = u.searchParams.get('uploadType') ?? 'media';
    if (type !== 'media' && type !== 'multipart') return gcsError(res, 501, 'notImplemented', `uploadType=${type} is not supported by the emulator (use a simple upload)`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let name = u.searchParams.get('name') ?? '';
      let data: Buffer = body;
      if (type === 'multipart') {
        const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers['content-type'] ?? ''))?.[1];
        if (!boundary) return gcsError(res, 400, 'invalid', 'multipart upload without a boundary');
        const parts: Buffer[] = [];
        const sep = Buffer.from(`--${boundary}`);
        let at = body.indexOf(sep);
        while (at >= 0) {
          const next = body.indexOf(sep, at + sep.length);
          if (next < 0) break;
          const part = body.subarray(at + sep.length, next);
          const headEnd = part.indexOf('\r\n\r\n');
          if (headEnd >= 0) parts.push(part.subarray(headEnd + 4, part.length - 2)); // drop the CRLF before the separator
          at = next;
        }
        if (parts.length !== 2) return gcsError(res, 400, 'invalid', `multipart upload: expected 2 parts, got ${parts.length}`);
        try {
          const metaName = (JSON.parse(parts[0].toString('utf8')) as { name?: unknown }).name;
          if (typeof metaName === 'string' && metaName) name = metaName;
        } catch {
          return gcsError(res, 400, 'invalid', 'multipart upload: the metadata part is not JSON');
        }
        data = parts[1];
      }
      if (!validBucket(bucket)) return gcsError(res, 400, 'invalid', `Invalid bucket name: '${bucket}'`);
      if (!fs.statSync(bucketDir(bucket), { throwIfNoEntry: false })?.isDirectory()) return gcsError(res, 404, 'notFound', 'The specified bucket does not exist.');
      const file = objectFile(bucket, name);
      if (!file) return gcsError(res, 400, 'invalid', `Invalid object name: '${name}'`);
      if (u.searchParams.get('ifGenerationMatch') === '0' && fs.existsSync(file)) return gcsError(res, 412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, data);
      json(res, meta(bucket, name, file, fs.statSync(file)));
    });
  }

  function list(bucket: string, u: URL, res: http.ServerResponse): void {
    const prefix = u.searchParams.get('prefix') ?? '';
    const delim = u.searchParams.get('delimiter') ?? '';
    const maxParam = u.searchParams.get('maxResults');
    const max = maxParam ? Number(maxParam) : 1000;
    if (!Number.isInteger(max) || max < 1) return gcsError(res, 400, 'invalid', `Invalid value for maxResults: ${maxParam}`);
    let after = '';
    const token = u.searchParams.get('pageToken');
    if (token) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (!after) return gcsError(res, 400, 'invalid', 'Invalid page token.');
    }
    const names = walk(bucketDir(bucket)).filter(n => n.startsWith(prefix)).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
    // Objects and folder prefixes share one ordered sequence, paged together as GCS does.
    const rows: Array<{ key: string; prefix: boolean }> = [];
    const seen = new Set<string>();
    for (const n of names) {
      const i = delim ? n.indexOf(delim, prefix.length) : -1;
      if (i >= 0) {
        const p = n.slice(0, i + delim.length);
        if (!seen.has(p)) { seen.add(p); rows.push({ key: p, prefix: true }); }
      } else rows.push({ key: n, prefix: false });
    }
    const startIdx = after ? rows.findIndex(r => r.key > after) : 0;
    const page = startIdx < 0 ? [] : rows.slice(startIdx, startIdx + max);
    const body: Record<string, unknown> = { kind: 'storage#objects' };
    const items = page.filter(r => !r.prefix).map(r => { const f = objectFile(bucket, r.key)!; return meta(bucket, r.key, f, fs.statSync(f)); });
    const prefixes = page.filter(r => r.prefix).map(r => r.key);
    if (prefixes.length) body.prefixes = prefixes;
    if (items.length) body.items = items;
    if (startIdx >= 0 && startIdx + max < rows.length) body.nextPageToken = Buffer.from(page[page.length - 1].key).toString('base64url');
    json(res, body);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = (server.address() as { port: number }).port;
      base = `http://127.0.0.1:${p}`;
      if (opts.unref) server.unref();
      resolve({ url: base, port: p, close: () => new Promise<void>(r => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}
