/**
 * A BigQuery REST v2 subset over BigQueryStore, what the official `@google-cloud/bigquery` client
 * sends for the product's reads and the tests' seeding: datasets get/list/insert, tables
 * get/list/insert, tabledata.list (maxResults, pageToken, startIndex) and tabledata.insertAll.
 * Paths are `/bigquery/v2/projects/P/...` (the client's `apiEndpoint` + `/bigquery/v2`).
 */
import * as http from 'node:http';
import { BigQueryStore, coerceRow, encodeRow, type BqDataset, type BqField, type BqTable } from './store';

export interface BigQueryServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 405: 'METHOD_NOT_ALLOWED', 501: 'UNIMPLEMENTED' };
const REASON: Record<number, string> = { 400: 'invalid', 404: 'notFound', 409: 'duplicate', 405: 'notImplemented', 501: 'notImplemented' };

function error(res: http.ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason: REASON[code] ?? 'backendError' }], status: STATUS[code] ?? 'UNKNOWN' } }));
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  return JSON.parse(text);
}

const MAX_PAGE = 10_000;

export function datasetResource(d: BqDataset) {
  return {
    kind: 'bigquery#dataset', id: `${d.projectId}:${d.datasetId}`, etag: String(d.created),
    datasetReference: { projectId: d.projectId, datasetId: d.datasetId }, location: d.location,
    creationTime: String(d.created), lastModifiedTime: String(d.created),
  };
}

export function tableResource(d: BqDataset, t: BqTable) {
  const numBytes = t.rows.reduce((n, r) => n + JSON.stringify(r).length, 0);
  return {
    kind: 'bigquery#table', id: `${d.projectId}:${d.datasetId}.${t.tableId}`, etag: String(t.created),
    tableReference: { projectId: d.projectId, datasetId: d.datasetId, tableId: t.tableId },
    schema: { fields: t.schema }, numRows: String(t.rows.length), numBytes: String(numBytes),
    creationTime: String(t.created), lastModifiedTime: String(t.created), type: 'TABLE', location: d.location,
  };
}

export function startBigQueryServer(store: BigQueryStore, port = 0): Promise<BigQueryServer> {
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const m = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets(?:\/([^/]+)(?:\/tables(?:\/([^/]+)(?:\/(data|insertAll))?)?)?)?\/?$/.exec(u.pathname);
    if (!m) return error(res, 404, `Not found: ${u.pathname}`);
    const project = m[1];
    const datasetId = m[2] && decodeURIComponent(m[2]);
    const tablesPart = m[0].includes('/tables');
    const tableId = m[3] && decodeURIComponent(m[3]);
    const action = m[4];
    const method = req.method ?? 'GET';

    if (!datasetId) {
      if (method === 'GET') return json(res, { kind: 'bigquery#datasetList', datasets: [...store.datasets.values()].filter(d => d.projectId === project).map(datasetResource) });
      if (method === 'POST') {
        const body = await readBody(req);
        const id = body?.datasetReference?.datasetId;
        if (typeof id !== 'string') return error(res, 400, 'datasetReference.datasetId: required');
        return json(res, datasetResource(store.createDataset(project, id, typeof body.location === 'string' ? body.location : 'US')));
      }
      return error(res, 405, `${method} is not supported on datasets`);
    }
    const d = store.dataset(project, datasetId);
    if (!d) return error(res, 404, `Not found: Dataset ${project}:${datasetId}`);
    if (!tablesPart) {
      if (method === 'GET') return json(res, datasetResource(d));
      return error(res, 501, `${method} on a dataset is not supported by the emulator`);
    }
    if (!tableId) {
      if (method === 'GET') {
        const tables = [...d.tables.values()].map(t => ({ kind: 'bigquery#table', id: `${project}:${datasetId}.${t.tableId}`, tableReference: { projectId: project, datasetId, tableId: t.tableId }, type: 'TABLE' }));
        return json(res, { kind: 'bigquery#tableList', tables, totalItems: tables.length });
      }
      if (method === 'POST') {
        const body = await readBody(req);
        const id = body?.tableReference?.tableId;
        if (typeof id !== 'string') return error(res, 400, 'tableReference.tableId: required');
        const t = store.createTable(d, id, (body.schema?.fields ?? []) as BqField[]);
        return json(res, tableResource(d, t));
      }
      return error(res, 405, `${method} is not supported on tables`);
    }
    const t = d.tables.get(tableId);
    if (!t) return error(res, 404, `Not found: Table ${project}:${datasetId}.${tableId}`);
    if (!action) {
      if (method === 'GET') return json(res, tableResource(d, t));
      if (method === 'DELETE') { d.tables.delete(tableId); res.writeHead(204).end(); return; }
      return error(res, 501, `${method} on a table is not supported by the emulator`);
    }
    if (action === 'data' && method === 'GET') return listData(d, t, u, res);
    if (action === 'insertAll' && method === 'POST') {
      const body = await readBody(req);
      const rows = body?.rows;
      if (!Array.isArray(rows)) return error(res, 400, 'rows: required');
      // All or nothing per request, as BigQuery does without skipInvalidRows: report each bad row.
      const insertErrors: Array<{ index: number; errors: Array<{ reason: string; message: string }> }> = [];
      const ok: Array<Record<string, unknown>> = [];
      rows.forEach((r: any, index: number) => {
        try { ok.push(coerceRow(t.schema, r?.json ?? {}, `rows[${index}].json`)); } catch (e) { insertErrors.push({ index, errors: [{ reason: 'invalid', message: (e as Error).message }] }); }
      });
      if (insertErrors.length && !body.skipInvalidRows) {
        const failed = new Set(insertErrors.map(e => e.index));
        rows.forEach((_: unknown, index: number) => { if (!failed.has(index)) insertErrors.push({ index, errors: [{ reason: 'stopped', message: '' }] }); });
        return json(res, { kind: 'bigquery#tableDataInsertAllResponse', insertErrors: insertErrors.sort((a, b) => a.index - b.index) });
      }
      t.rows.push(...ok);
      return json(res, { kind: 'bigquery#tableDataInsertAllResponse', ...(insertErrors.length ? { insertErrors } : {}) });
    }
    return error(res, 405, `${method} ${action} is not supported`);
  }

  function listData(d: BqDataset, t: BqTable, u: URL, res: http.ServerResponse): void {
    const maxRaw = u.searchParams.get('maxResults');
    const max = maxRaw === null ? MAX_PAGE : Number(maxRaw);
    if (!Number.isInteger(max) || max < 0) return error(res, 400, `maxResults: invalid value ${JSON.stringify(maxRaw)}`);
    let start = 0;
    const token = u.searchParams.get('pageToken');
    const startIndex = u.searchParams.get('startIndex');
    if (token) {
      const o = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^row:/, ''));
      if (!Number.isInteger(o) || o < 0) return error(res, 400, 'pageToken: invalid page token');
      start = o;
    } else if (startIndex !== null) {
      start = Number(startIndex);
      if (!Number.isInteger(start) || start < 0) return error(res, 400, `startIndex: invalid value ${JSON.stringify(startIndex)}`);
    }
    const page = t.rows.slice(start, start + Math.min(max, MAX_PAGE));
    const next = start + page.length;
    const body: Record<string, unknown> = { kind: 'bigquery#tableDataList', etag: String(t.created), totalRows: String(t.rows.length) };
    if (page.length) body.rows = page.map(r => encodeRow(t.schema, r));
    if (next < t.rows.length && page.length) body.pageToken = Buffer.from(`row:${next}`).toString('base64url');
    json(res, body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(e => {
      const status = (e as { status?: number }).status;
      if (!res.headersSent) error(res, status === 409 ? 409 : 400, (e as Error).message);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${p}`, port: p, close: () => new Promise<void>(r => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}
