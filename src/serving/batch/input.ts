/**
 * The Batch Predict form, checked before any call: a `gs://` input (a `*` only in the last
 * segment) or a BigQuery table id, a `gs://` output prefix (or, for a BigQuery input, a
 * `bq://PROJECT[.DATASET]` destination), an offered machine type and replica counts. Each problem
 * names the field, as the user typed it.
 */
import { isBatchMachineType, MAX_BATCH_REPLICAS } from './machineTypes';

export type BatchField = 'input' | 'outputPrefix' | 'machineType' | 'startingReplicaCount' | 'maxReplicaCount' | 'displayName';

export interface BatchFormInput {
  displayName?: unknown;
  input: unknown;
  outputPrefix: unknown;
  machineType: unknown;
  startingReplicaCount?: unknown;
  maxReplicaCount?: unknown;
}

export type BatchSource =
  | { kind: 'gcs'; uri: string; bucket: string; /** folder of the objects, '' or ending in '/' */ dir: string; /** last segment, may hold `*` */ pattern: string }
  | { kind: 'bigquery'; uri: string; project: string; dataset: string; table: string };

export interface BatchRequest {
  displayName: string;
  source: BatchSource;
  outputPrefix: string;
  machineType: string;
  startingReplicaCount: number;
  maxReplicaCount: number;
  /**
   * BigQuery input: the columns each instance carries (the signature's inputs), sent as an object
   * keyed by column name; the other columns stay in the output only. Undefined: every column.
   */
  includedFields?: string[];
}

export class BatchInputError extends Error {
  constructor(readonly field: BatchField, message: string) {
    super(`${field}: ${message}`);
  }
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const PROJECT = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
const BQ_DESTINATION = new RegExp(`^bq://(${PROJECT})(?:\\.([A-Za-z0-9_]{1,1024}))?$`);

/** A `bq://PROJECT` or `bq://PROJECT.DATASET` destination: Vertex AI writes its tables there. */
export function parseBigQueryDestination(value: string): { project: string; dataset?: string } | undefined {
  const m = BQ_DESTINATION.exec(value);
  return m ? { project: m[1], dataset: m[2] } : undefined;
}

export const isBigQueryOutput = (outputPrefix: string) => outputPrefix.startsWith('bq://');

/** `gs://bucket/dir/part-*.jsonl` or `bq://project.dataset.table`. */
export function parseBatchSource(value: unknown): BatchSource {
  if (typeof value !== 'string' || !value.trim()) throw new BatchInputError('input', 'required: a gs://BUCKET/PATH/*.jsonl URI or a BigQuery table bq://PROJECT.DATASET.TABLE');
  const v = value.trim();
  if (v.startsWith('bq://')) {
    const m = /^bq:\/\/([a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024})$/u.exec(v);
    if (!m) throw new BatchInputError('input', `"${v}" is not a BigQuery table id (bq://PROJECT.DATASET.TABLE)`);
    return { kind: 'bigquery', uri: v, project: m[1], dataset: m[2], table: m[3] };
  }
  const m = /^gs:\/\/([^/]*)\/(.*)$/.exec(v);
  if (!m) throw new BatchInputError('input', `"${v}" is neither a gs:// URI nor a bq:// table id`);
  if (!BUCKET.test(m[1])) throw new BatchInputError('input', `"${m[1]}" is not a valid bucket name`);
  const segs = m[2].split('/');
  const last = segs.pop()!;
  if (!last) throw new BatchInputError('input', `"${v}" names a folder: name the files, e.g. ${v.replace(/\/*$/, '')}/*.jsonl`);
  if (segs.some(s => s.includes('*'))) throw new BatchInputError('input', `"${v}": a wildcard (*) is allowed only in the last path segment`);
  if (segs.some(s => !s || s === '.' || s === '..')) throw new BatchInputError('input', `"${v}" has an empty, "." or ".." path segment`);
  return { kind: 'gcs', uri: v, bucket: m[1], dir: segs.length ? segs.join('/') + '/' : '', pattern: last };
}

/** Whether an object name (full, in the bucket) is one the gs:// source names. */
export function sourceMatches(source: Extract<BatchSource, { kind: 'gcs' }>, objectName: string): boolean {
  if (!objectName.startsWith(source.dir)) return false;
  const rest = objectName.slice(source.dir.length);
  if (rest.includes('/')) return false;
  const re = new RegExp('^' + source.pattern.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
  return re.test(rest);
}

/** The listing prefix that finds candidates for a gs:// source: its folder and the pattern's literal start. */
export function listPrefix(source: Extract<BatchSource, { kind: 'gcs' }>): string {
  return source.dir + source.pattern.split('*')[0];
}

function count(field: BatchField, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_REPLICAS) throw new BatchInputError(field, `expected a whole number from 1 to ${MAX_BATCH_REPLICAS}, got ${JSON.stringify(value)}`);
  return n;
}

/** A display name Vertex accepts (at most 128 UTF-8 characters). */
export function defaultDisplayName(modelDisplayName: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${modelDisplayName}-batch-${t}`.slice(0, 128);
}

export function validateBatchForm(f: BatchFormInput): BatchRequest {
  const source = parseBatchSource(f.input);
  if (typeof f.outputPrefix !== 'string' || !f.outputPrefix.trim()) throw new BatchInputError('outputPrefix', `required: a gs://BUCKET/PATH folder for the predictions${source.kind === 'bigquery' ? ' or a BigQuery destination bq://PROJECT' : ''}`);
  const out = f.outputPrefix.trim().replace(/\/+$/, '');
  if (isBigQueryOutput(out)) {
    if (source.kind !== 'bigquery') throw new BatchInputError('outputPrefix', `"${out}": a BigQuery destination needs a BigQuery input (bq://PROJECT.DATASET.TABLE); for gs:// input write to a gs:// folder`);
    if (!parseBigQueryDestination(out)) throw new BatchInputError('outputPrefix', `"${out}" is not a BigQuery destination (bq://PROJECT or bq://PROJECT.DATASET)`);
  }
  const om = isBigQueryOutput(out) ? undefined : /^gs:\/\/([^/]*)(\/.*)?$/.exec(out);
  if (!isBigQueryOutput(out)) {
    if (!om) throw new BatchInputError('outputPrefix', `"${out}" is not a gs:// URI${source.kind === 'bigquery' ? ' nor a bq:// destination' : ''}`);
    if (!BUCKET.test(om[1])) throw new BatchInputError('outputPrefix', `"${om[1]}" is not a valid bucket name`);
    if (out.includes('*')) throw new BatchInputError('outputPrefix', `"${out}" must not contain a wildcard`);
  }
  if (typeof f.machineType !== 'string' || !isBatchMachineType(f.machineType)) {
    throw new BatchInputError('machineType', `${JSON.stringify(f.machineType ?? '')} is not a machine type batch prediction offers (e.g. n1-standard-4)`);
  }
  const start = count('startingReplicaCount', f.startingReplicaCount, 1);
  const max = count('maxReplicaCount', f.maxReplicaCount, start);
  if (max < start) throw new BatchInputError('maxReplicaCount', `${max} is less than the starting replica count ${start}`);
  let displayName = '';
  if (f.displayName !== undefined) {
    if (typeof f.displayName !== 'string' || !f.displayName.trim()) throw new BatchInputError('displayName', 'must not be empty');
    if ([...f.displayName].length > 128) throw new BatchInputError('displayName', 'at most 128 characters');
    displayName = f.displayName.trim();
  }
  return { displayName, source, outputPrefix: out, machineType: f.machineType, startingReplicaCount: start, maxReplicaCount: max };
}
