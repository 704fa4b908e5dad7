/**
 * The emulator's BigQuery data: datasets of tables held in memory, rows as plain objects keyed by
 * column name (numbers for INTEGER/FLOAT, strings, booleans, objects for RECORD, arrays for
 * REPEATED, null). server.ts speaks REST v2 over it; the JobService batch reads and writes it directly.
 */

export interface BqField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: BqField[];
}

export interface BqTable {
  tableId: string;
  schema: BqField[];
  rows: Array<Record<string, unknown>>;
  created: number;
}

export interface BqDataset {
  projectId: string;
  datasetId: string;
  location: string;
  created: number;
  tables: Map<string, BqTable>;
}

export const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
export const TABLE_ID = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;
const TYPES = new Set(['STRING', 'BYTES', 'INTEGER', 'INT64', 'FLOAT', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOLEAN', 'BOOL', 'TIMESTAMP', 'DATE', 'TIME', 'DATETIME', 'JSON', 'RECORD', 'STRUCT']);

export class BigQueryStore {
  readonly datasets = new Map<string, BqDataset>();

  dataset(projectId: string, datasetId: string): BqDataset | undefined {
    return this.datasets.get(`${projectId}.${datasetId}`);
  }

  table(projectId: string, datasetId: string, tableId: string): BqTable | undefined {
    return this.dataset(projectId, datasetId)?.tables.get(tableId);
  }

  /** Throws an Error naming the field when an id or the schema is not one BigQuery accepts. */
  createDataset(projectId: string, datasetId: string, location = 'US'): BqDataset {
    if (!DATASET_ID.test(datasetId)) throw new Error(`datasetReference.datasetId: "${datasetId}" must contain only letters, numbers, or underscores`);
    if (this.dataset(projectId, datasetId)) throw Object.assign(new Error(`Already Exists: Dataset ${projectId}:${datasetId}`), { status: 409 });
    const d: BqDataset = { projectId, datasetId, location, created: Date.now(), tables: new Map() };
    this.datasets.set(`${projectId}.${datasetId}`, d);
    return d;
  }

  createTable(d: BqDataset, tableId: string, schema: BqField[], rows: Array<Record<string, unknown>> = []): BqTable {
    if (!TABLE_ID.test(tableId)) throw new Error(`tableReference.tableId: "${tableId}" is not a valid table id`);
    if (d.tables.has(tableId)) throw Object.assign(new Error(`Already Exists: Table ${d.projectId}:${d.datasetId}.${tableId}`), { status: 409 });
    checkSchema(schema, 'schema.fields');
    const t: BqTable = { tableId, schema, rows: [], created: Date.now() };
    for (const r of rows) t.rows.push(coerceRow(schema, r, 'rows'));
    d.tables.set(tableId, t);
    return t;
  }
}

function checkSchema(fields: BqField[], where: string): void {
  if (!Array.isArray(fields)) throw new Error(`${where}: expected a list of fields`);
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (!f || typeof f.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,299}$/.test(f.name)) throw new Error(`${where}[${i}].name: invalid field name ${JSON.stringify(f?.name)}`);
    if (seen.has(f.name.toLowerCase())) throw new Error(`${where}[${i}].name: duplicate field ${f.name}`);
    seen.add(f.name.toLowerCase());
    if (!TYPES.has(String(f.type).toUpperCase())) throw new Error(`${where}[${i}].type: unknown type ${JSON.stringify(f.type)}`);
    if (isRecord(f)) checkSchema(f.fields ?? [], `${where}[${i}].fields`);
  });
}

const isRecord = (f: BqField) => /^(RECORD|STRUCT)$/i.test(f.type);

/** One value as BigQuery would store it, or an Error naming the field. */
function coerce(f: BqField, v: unknown, where: string): unknown {
  if (v === undefined || v === null) return null;
  const t = f.type.toUpperCase();
  const bad = () => new Error(`${where}.${f.name}: cannot convert ${JSON.stringify(v)} to ${t}`);
  switch (t) {
    case 'INTEGER': case 'INT64': {
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw bad();
      return n;
    }
    case 'FLOAT': case 'FLOAT64': case 'NUMERIC': case 'BIGNUMERIC': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || Number.isNaN(n)) throw bad();
      return n;
    }
    case 'BOOLEAN': case 'BOOL':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw bad();
    case 'JSON':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'RECORD': case 'STRUCT':
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad();
      return coerceRow(f.fields ?? [], v as Record<string, unknown>, `${where}.${f.name}`);
    default:
      if (typeof v === 'object') throw bad();
      return String(v);
  }
}

export function coerceRow(schema: BqField[], row: Record<string, unknown>, where: string): Record<string, unknown> {
  const known = new Set(schema.map(f => f.name));
  const extra = Object.keys(row).find(k => !known.has(k));
  if (extra) throw new Error(`${where}: no such field: ${extra}`);
  const out: Record<string, unknown> = {};
  for (const f of schema) {
    const v = row[f.name];
    if (f.mode === 'REPEATED') {
      if (v !== undefined && v !== null && !Array.isArray(v)) throw new Error(`${where}.${f.name}: expected an array for a REPEATED field`);
      out[f.name] = ((v as unknown[] | null | undefined) ?? []).map((x, i) => coerce(f, x, `${where}.${f.name}[${i}]`));
    } else {
      const c = coerce(f, v, where);
      if (c === null && f.mode === 'REQUIRED') throw new Error(`${where}.${f.name}: missing required field`);
      out[f.name] = c;
    }
  }
  return out;
}

/** A row in tabledata.list's wire shape: `{f: [{v}]}`, scalars as strings. */
export function encodeRow(schema: BqField[], row: Record<string, unknown>): { f: Array<{ v: unknown }> } {
  const cell = (f: BqField, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (isRecord(f)) return encodeRow(f.fields ?? [], v as Record<string, unknown>);
    return typeof v === 'string' ? v : String(v);
  };
  return {
    f: schema.map(f => ({ v: f.mode === 'REPEATED' ? ((row[f.name] as unknown[]) ?? []).map(x => ({ v: cell(f, x) })) : cell(f, row[f.name]) })),
  };
}

/** A row as Vertex AI's batch prediction reads it: an instance object keyed by column name. */
export function instanceOf(row: Record<string, unknown>, schema: BqField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema) {
    const v = row[f.name];
    out[f.name] = f.type.toUpperCase() === 'JSON' && typeof v === 'string' ? safeJson(v) : v;
  }
  return out;
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
