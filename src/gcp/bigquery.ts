/**
 * BigQuery over the official `@google-cloud/bigquery` client (REST v2): a table's schema and row
 * count (tables.get) and its first rows (tabledata.list), what Batch Predict checks before a job
 * over a table and what Open Output reads from a job's predictions table.
 */
import type { GcpClients } from './clients';
import { withRetry } from './retry';

export interface BigQueryTableRef {
  project: string;
  dataset: string;
  table: string;
}

export interface BigQueryColumn {
  name: string;
  /** BigQuery's type name (STRING, FLOAT, INTEGER, RECORD, JSON…). */
  type: string;
  /** NULLABLE, REQUIRED or REPEATED. */
  mode: string;
}

export interface BigQueryTableInfo {
  /** `project.dataset.table` */
  id: string;
  rows: number;
  columns: BigQueryColumn[];
}

export interface BigQueryApi {
  /** The table's columns and row count; undefined when the table or its dataset does not exist. */
  table(ref: BigQueryTableRef, signal?: AbortSignal): Promise<BigQueryTableInfo | undefined>;
  /** The first `max` rows, each an object keyed by column name (JSON columns parsed). */
  rows(ref: BigQueryTableRef, max: number, signal?: AbortSignal): Promise<Array<Record<string, unknown>>>;
  /** Whether a dataset exists. */
  datasetExists(project: string, dataset: string, signal?: AbortSignal): Promise<boolean>;
}

type Json = Record<string, any>;
interface TableLike { getMetadata(): Promise<[Json]>; getRows(o: object): Promise<[Json[]]> }
interface DatasetLike { table(id: string): TableLike; getMetadata(): Promise<[Json]> }
interface ClientLike { dataset(id: string, o?: { projectId?: string }): DatasetLike }

const notFound = (e: unknown) => (e as { code?: unknown }).code === 404;
/** Rows per tabledata.list page: a preview needs few, and a page must stay small. */
const MAX_PAGE = 1000;

export function bigqueryApi(clients: GcpClients): BigQueryApi {
  const client = () => clients.bigquery() as unknown as ClientLike;
  const tableOf = (r: BigQueryTableRef) => client().dataset(r.dataset, { projectId: r.project }).table(r.table);
  return {
    async table(ref, signal) {
      let meta: Json;
      try {
        [meta] = await withRetry(() => tableOf(ref).getMetadata(), { signal });
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
      const columns = ((meta.schema?.fields ?? []) as Json[]).map(f => ({ name: String(f.name), type: String(f.type ?? 'STRING').toUpperCase(), mode: String(f.mode ?? 'NULLABLE').toUpperCase() }));
      // numRows leaves out rows still in the streaming buffer (just inserted): count those too.
      const rows = (Number(meta.numRows ?? 0) || 0) + (Number(meta.streamingBuffer?.estimatedRows ?? 0) || 0);
      return { id: `${ref.project}.${ref.dataset}.${ref.table}`, rows, columns };
    },
    async rows(ref, max, signal) {
      const out: Array<Record<string, unknown>> = [];
      let query: Json | null = { maxResults: Math.min(Math.max(1, max), MAX_PAGE), autoPaginate: false, parseJSON: true };
      while (query && out.length < max) {
        const q: Json = query;
        const [rows, next] = (await withRetry(() => tableOf(ref).getRows(q), { signal })) as unknown as [Json[], Json | null];
        out.push(...rows.slice(0, max - out.length));
        query = next && next.pageToken ? { ...next, parseJSON: true } : null;
      }
      return out;
    },
    async datasetExists(project, dataset, signal) {
      try {
        await withRetry(() => client().dataset(dataset, { projectId: project }).getMetadata(), { signal });
        return true;
      } catch (e) {
        if (notFound(e)) return false;
        throw e;
      }
    },
  };
}
