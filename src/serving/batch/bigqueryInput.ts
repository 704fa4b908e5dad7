/**
 * A BigQuery input table checked against the model before a batch job starts: Vertex AI turns each
 * row into an instance keyed by column name, so the table must exist, have rows, and have a column
 * of a fitting type for every input of the signature the job serves. Problems name the field
 * `input` and the column, as the Batch Predict form shows them.
 */
import type { TensorSummary } from '../savedModel/inspection';
import { BatchInputError } from './input';

export interface TableShape {
  /** `project.dataset.table` */
  id: string;
  rows: number;
  columns: Array<{ name: string; type: string; mode: string }>;
}

const NUMERIC = new Set(['INTEGER', 'INT64', 'FLOAT', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOLEAN', 'BOOL']);
const STRINGY = new Set(['STRING', 'BYTES', 'JSON', 'DATE', 'TIME', 'DATETIME', 'TIMESTAMP']);

/** Whether a column of `type` can feed a tensor of `dtype` through the REST predict JSON. */
function fits(type: string, dtype: string): boolean {
  const t = type.toUpperCase();
  if (t === 'JSON') return true;
  if (dtype === 'DT_STRING') return STRINGY.has(t);
  if (/^DT_(FLOAT|DOUBLE|HALF|BFLOAT16|U?INT\d+|BOOL)$/.test(dtype)) return NUMERIC.has(t);
  return true;
}

/**
 * Throws BatchInputError('input', …) when the table cannot feed the signature. `inputs` undefined:
 * the signature is unknown, so only existence and rows are checked.
 */
export function checkInputTable(table: TableShape | undefined, tableId: string, signatureName: string, inputs: Record<string, TensorSummary> | undefined): void {
  if (!table) throw new BatchInputError('input', `table ${tableId} does not exist (or you cannot see it)`);
  if (table.rows <= 0) throw new BatchInputError('input', `table ${tableId} has no rows`);
  if (!inputs) return;
  const byName = new Map(table.columns.map(c => [c.name, c]));
  for (const [name, tensor] of Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b))) {
    const col = byName.get(name);
    if (!col) throw new BatchInputError('input', `table ${tableId} has no column ${name} that the signature ${signatureName} needs`);
    if (!fits(col.type, tensor.dtype)) throw new BatchInputError('input', `table ${tableId} column ${name} is ${col.type}, but the signature ${signatureName} needs ${tensor.dtype} for it`);
  }
}

/** "1,000 rows; columns user_id STRING, hour_of_day FLOAT, country STRING" for the confirmation. */
export function describeTable(table: TableShape, maxColumns = 12): string {
  const cols = table.columns.slice(0, maxColumns).map(c => `${c.name} ${c.type}${c.mode === 'REPEATED' ? '[]' : ''}`);
  const more = table.columns.length > maxColumns ? `, … (${table.columns.length} in all)` : '';
  return `${table.rows.toLocaleString('en-US')} row${table.rows === 1 ? '' : 's'}; columns ${cols.join(', ')}${more}`;
}

/** Vertex AI's dataset name for a `bq://PROJECT` destination: `prediction_<model>_<time>`, made dataset-safe. */
export function predictionDatasetName(modelDisplayName: string, createMs: number): string {
  const t = new Date(createMs).toISOString().replace(/[-:.]/g, '_');
  return `prediction_${modelDisplayName.replace(/[^A-Za-z0-9_]/g, '_')}_${t}`;
}
