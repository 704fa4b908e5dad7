/**
 * Vertex AI batch prediction over the official JobServiceClient, and the Cloud Storage reads around
 * it (which objects an input names; the job's output files). Its own adapter so features take a
 * `BatchPredictionApi` and unit tests can pass a fake; the integrator plugs it into CloudApis.
 */
import type { GcpClients } from './clients';
import { toDate } from './normalize';
import { withRetry } from './retry';
import { idOf, regionOf } from '../serving/domain';
import { batchJobState, type BatchJob } from '../serving/batch/job';
import { isBigQueryOutput, listPrefix, sourceMatches, type BatchRequest, type BatchSource } from '../serving/batch/input';
import { errorFromRow, outputFileKind, parseErrorLine, parseResultLine, resultFromRow, type ErrorLine, type ResultLine } from '../serving/batch/results';
import { bigqueryApi } from './bigquery';
import { fileNameOf } from '../serving/resourceNames';

type Json = Record<string, any>;
type GcsSource = Extract<BatchSource, { kind: 'gcs' }>;

export interface CreateBatchJob {
  /** `projects/P/locations/R/models/ID@VERSION`. */
  model: string;
  request: BatchRequest;
  labels?: Record<string, string>;
}

export interface BatchOutput {
  /** Output files, in shard order: results first, then errors. */
  files: string[];
  results: ResultLine[];
  errors: ErrorLine[];
  /** Lines that could not be read as result or error lines ("file:line: problem"). */
  unreadable: string[];
}

export interface BatchPredictionApi {
  listJobs(region: string, signal?: AbortSignal): Promise<BatchJob[]>;
  getJob(name: string, signal?: AbortSignal): Promise<BatchJob>;
  createJob(region: string, job: CreateBatchJob, signal?: AbortSignal): Promise<BatchJob>;
  cancelJob(name: string): Promise<void>;
  /** `gs://` URIs of the objects a gs:// source names (at most `limit`). */
  inputFiles(source: GcsSource, limit?: number, signal?: AbortSignal): Promise<string[]>;
  /**
   * The first `results` predictions and `errors` error lines of a job's output folder, or of its
   * BigQuery dataset (`bq://PROJECT.DATASET`, tables `outputTable` (default `predictions`) and the
   * matching `errors` table).
   */
  readOutput(outputDirectory: string, max: { results: number; errors: number }, outputTable?: string): Promise<BatchOutput>;
}

const num = (v: unknown) => Number(typeof v === 'object' && v !== null ? String(v) : v ?? 0) || 0;

export function toBatchJob(j: Json): BatchJob {
  const dr = j.dedicatedResources ?? {};
  return {
    name: j.name, id: idOf(j.name), region: regionOf(j.name), displayName: j.displayName || idOf(j.name),
    model: j.model ?? '', modelVersionId: j.modelVersionId || undefined,
    state: batchJobState(j.state), rawState: String(j.state ?? ''),
    inputUris: [...(j.inputConfig?.gcsSource?.uris ?? []), ...(j.inputConfig?.bigquerySource?.inputUri ? [j.inputConfig.bigquerySource.inputUri] : [])],
    outputPrefix: j.outputConfig?.gcsDestination?.outputUriPrefix || j.outputConfig?.bigqueryDestination?.outputUri || undefined,
    outputDirectory: j.outputInfo?.gcsOutputDirectory || j.outputInfo?.bigqueryOutputDataset || undefined,
    outputTable: j.outputInfo?.bigqueryOutputTable || undefined,
    machineType: dr.machineSpec?.machineType || undefined,
    startingReplicaCount: num(dr.startingReplicaCount) || undefined, maxReplicaCount: num(dr.maxReplicaCount) || undefined,
    successful: num(j.completionStats?.successfulCount), failed: num(j.completionStats?.failedCount), incomplete: num(j.completionStats?.incompleteCount),
    error: j.error?.message || undefined,
    partialFailures: ((j.partialFailures ?? []) as Json[]).map(p => String(p.message ?? '')).filter(Boolean),
    createTime: toDate(j.createTime), startTime: toDate(j.startTime), endTime: toDate(j.endTime),
  };
}

/** Only the start of each output file is read: a preview needs the first lines, not gigabytes. */
const PREVIEW_BYTES = 4 << 20;

interface FileLike { name: string; metadata?: { size?: string | number }; download(o?: { start?: number; end?: number }): Promise<[Buffer]> }
interface BucketLike { getFiles(q: object): Promise<[FileLike[], Json | null, Json?]>; file(name: string): FileLike }

export function batchPredictionApi(clients: GcpClients): BatchPredictionApi {
  const jobsIn = (region: string) => clients.vertex(region).jobs;
  const bucket = (name: string) => (clients.storage() as unknown as { bucket(b: string): BucketLike }).bucket(name);

  async function listObjects(b: string, prefix: string, accept: (name: string) => boolean, limit: number, sizes?: Map<string, number>): Promise<string[]> {
    const out: string[] = [];
    let query: Json | null = { prefix, autoPaginate: false, maxResults: 1000 };
    while (query && out.length < limit) {
      const [files, next] = await withRetry(() => bucket(b).getFiles(query!));
      for (const f of files) {
        if (!accept(f.name) || out.length >= limit) continue;
        out.push(f.name);
        sizes?.set(f.name, Number(f.metadata?.size ?? NaN));
      }
      query = next && next.pageToken ? next : null;
    }
    return out;
  }

  async function readLines(b: string, name: string): Promise<string[]> {
    const [data] = await withRetry(() => bucket(b).file(name).download({ start: 0, end: PREVIEW_BYTES - 1 }));
    const text = data.toString('utf8');
    const lines = text.split('\n');
    // A file longer than the preview ends mid-line: drop that partial line.
    if (data.length >= PREVIEW_BYTES) lines.pop();
    return lines.filter(l => l.trim());
  }

  /** Vertex AI names the tables `predictions`/`errors` (or `predictions_<time>`/`errors_<time>`). */
  async function readBigQueryOutput(dataset: string, max: { results: number; errors: number }, outputTable = 'predictions'): Promise<BatchOutput> {
    const m = /^bq:\/\/([^.]+)\.([A-Za-z0-9_]+)$/.exec(dataset);
    if (!m) throw new Error(`outputDirectory: "${dataset}" is not a BigQuery dataset (bq://PROJECT.DATASET)`);
    const bq = bigqueryApi(clients);
    const predictions = { project: m[1], dataset: m[2], table: outputTable };
    const errors = { ...predictions, table: outputTable.replace(/^predictions/, 'errors') };
    const out: BatchOutput = { files: [], results: [], errors: [], unreadable: [] };
    for (const [ref, n] of [[predictions, max.results], [errors, max.errors]] as const) {
      const info = await bq.table(ref);
      if (!info) continue;
      out.files.push(`${dataset}.${ref.table}`);
      if (!n || !info.rows) continue;
      const rows = await bq.rows(ref, n);
      rows.forEach((row, i) => {
        try {
          if (ref === predictions) out.results.push(resultFromRow(row, `${ref.table}:${i + 1}`));
          else out.errors.push(errorFromRow(row, `${ref.table}:${i + 1}`));
        } catch (e) {
          if (out.unreadable.length < 20) out.unreadable.push((e as Error).message);
        }
      });
    }
    return out;
  }

  return {
    async listJobs(region, signal) {
      const [items] = await withRetry(() => jobsIn(region).listBatchPredictionJobs({ parent: `projects/${clients.projectId}/locations/${region}`, pageSize: 100 }, { autoPaginate: false }), { signal });
      return (items as Json[]).map(toBatchJob);
    },
    async getJob(name, signal) {
      const [j] = await withRetry(() => jobsIn(regionOf(name)).getBatchPredictionJob({ name }), { signal });
      return toBatchJob(j as Json);
    },
    async createJob(region, { model, request, labels }, signal) {
      const src = request.source;
      const batchPredictionJob = {
        displayName: request.displayName, model,
        inputConfig: src.kind === 'gcs' ? { instancesFormat: 'jsonl', gcsSource: { uris: [src.uri] } } : { instancesFormat: 'bigquery', bigquerySource: { inputUri: src.uri } },
        // Vertex AI sends a BigQuery row as an array unless told `object`: TF Serving needs names.
        ...(src.kind === 'bigquery' ? { instanceConfig: { instanceType: 'object', ...(request.includedFields?.length ? { includedFields: request.includedFields } : {}) } } : {}),
        outputConfig: isBigQueryOutput(request.outputPrefix)
          ? { predictionsFormat: 'bigquery', bigqueryDestination: { outputUri: request.outputPrefix } }
          : { predictionsFormat: 'jsonl', gcsDestination: { outputUriPrefix: request.outputPrefix } },
        dedicatedResources: { machineSpec: { machineType: request.machineType }, startingReplicaCount: request.startingReplicaCount, maxReplicaCount: request.maxReplicaCount },
        labels: { 'ml-serving': 'batch', ...labels },
      };
      // Not retried: a create that reached Vertex and lost its answer would make a second job.
      if (signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
      const [j] = await jobsIn(region).createBatchPredictionJob({ parent: `projects/${clients.projectId}/locations/${region}`, batchPredictionJob });
      return toBatchJob(j as Json);
    },
    async cancelJob(name) {
      await withRetry(() => jobsIn(regionOf(name)).cancelBatchPredictionJob({ name }));
    },
    async inputFiles(source, limit = 1000) {
      const names = await listObjects(source.bucket, listPrefix(source), n => sourceMatches(source, n), limit);
      return names.map(n => `gs://${source.bucket}/${n}`);
    },
    async readOutput(outputDirectory, max, outputTable) {
      if (outputDirectory.startsWith('bq://')) return readBigQueryOutput(outputDirectory, max, outputTable);
      const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(outputDirectory);
      if (!m) throw new Error(`outputDirectory: "${outputDirectory}" is not a gs:// folder`);
      const prefix = m[2] ? m[2].replace(/\/*$/, '/') : '';
      const sizes = new Map<string, number>();
      const names = (await listObjects(m[1], prefix, n => outputFileKind(n) !== undefined, 10_000, sizes)).sort();
      const out: BatchOutput = { files: names.map(n => `gs://${m[1]}/${n}`), results: [], errors: [], unreadable: [] };
      for (const n of names) {
        const kind = outputFileKind(n)!;
        if (kind === 'results' ? out.results.length >= max.results : out.errors.length >= max.errors) continue;
        // An empty file (no errors) has no byte range to read: Cloud Storage answers 416.
        if (sizes.get(n) === 0) continue;
        const lines = await readLines(m[1], n);
        const base = fileNameOf(n);
        lines.forEach((line, i) => {
          try {
            if (kind === 'results' && out.results.length < max.results) out.results.push(parseResultLine(line, `${base}:${i + 1}`));
            else if (kind === 'errors' && out.errors.length < max.errors) out.errors.push(parseErrorLine(line, `${base}:${i + 1}`));
          } catch (e) {
            if (out.unreadable.length < 20) out.unreadable.push((e as Error).message);
          }
        });
      }
      return out;
    },
  };
}
