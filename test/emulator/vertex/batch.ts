/**
 * JobService batch prediction: create, get, list, cancel, delete BatchPredictionJobs. A job runs
 * asynchronously as Vertex AI's does: PENDING → RUNNING, reads JSONL instances from the emulator's
 * Cloud Storage (a folder on disk; `*` in the last segment of a `gs://` URI), predicts them with the
 * real TensorFlow server (pythonServer.ts) in batches, writes `prediction.results-*` and
 * `prediction.errors_stats-*` under `<prefix>/prediction-<model>-<time>/`, and ends SUCCEEDED,
 * PARTIALLY_SUCCEEDED or FAILED with completionStats, partialFailures and log entries.
 * A BigQuery input (`bq://PROJECT.DATASET.TABLE`) is read from the emulator's BigQuery; as in
 * Vertex AI each row is an array of its column values unless instance_config.instance_type is
 * `object` (keyed by column name), limited by included_fields / excluded_fields; a BigQuery output (`bq://PROJECT[.DATASET]`) gets, as Vertex AI
 * makes them, a dataset `prediction_<model>_<time>` (or the given one) with a `predictions` table
 * (input columns + `prediction`) and an `errors` table (input columns + `errors` {code, message}).
 * Without Python and TensorFlow the job fails with a message saying so (no stand-in batch).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { failedPrecondition, invalidArgument, notFound } from '../errors';
import { CallContext, unary } from '../grpcServer';
import type { OperationStore } from '../lro';
import type { LogStore } from '../logging/store';
import { paginate } from '../paging';
import { compileResourceFilter, ResourceSchema } from '../filter/resource';
import { nowTimestamp, timestampMs } from '../time';
import { startRealServer, type PythonServing, type RealServer } from '../serving/pythonServer';
import { isBatchMachineType, MAX_BATCH_REPLICAS } from '../../../src/serving/batch/machineTypes';
import { Proto, VertexStore, checkLabels, checkParent } from './store';
import { instanceOf, type BigQueryStore, type BqField } from '../bigquery/store';
import { predictionDatasetName } from '../../../src/serving/batch/bigqueryInput';

const V1 = 'google.cloud.aiplatform.v1.';
const M = V1 + 'JobService.';
const TERMINAL = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_PARTIALLY_SUCCEEDED', 'JOB_STATE_EXPIRED']);
const NAME = /^projects\/[^/]+\/locations\/[^/]+\/batchPredictionJobs\/[^/]+$/;
const BQ_TABLE = /^bq:\/\/([a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024})$/u;
const BQ_DESTINATION = /^bq:\/\/([a-z][a-z0-9-]{4,28}[a-z0-9])(?:\.([A-Za-z0-9_]{1,1024}))?$/;
/** Lines per results shard, so a large job writes several `-0000K-of-0000N` files as Vertex does. */
const SHARD_LINES = 500;

export interface BatchDeps {
  store: VertexStore;
  ops: OperationStore;
  logs: LogStore;
  /** Folder behind the emulator's Cloud Storage (bucket = first path segment). */
  gcsRoot: string;
  /** The emulator's BigQuery (bigquery_source input, bigquery_destination output). */
  bigquery?: BigQueryStore;
  serving?: PythonServing;
  /** Delay before a job starts running (default 200 ms). */
  operationMs?: number;
}

interface JobRun {
  proto: Proto;
  cancel: boolean;
  server?: RealServer;
}

const schema: ResourceSchema<Proto> = {
  fields: {
    display_name: { type: 'string', get: j => j.displayName },
    state: { type: 'string', get: j => j.state },
    model_display_name: { type: 'string', get: j => j.modelDisplayName },
    create_time: { type: 'time', get: j => timestampMs(j.createTime) || undefined },
  },
  labels: j => j.labels,
};

/** `gs://bucket/a/b*.jsonl` → the local files it names (a `*` only in the last segment). */
export function matchGcs(gcsRoot: string, uri: string): string[] {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/(.+)$/.exec(uri);
  if (!m) return [];
  const segs = m[2].split('/');
  const last = segs.pop()!;
  if (segs.some(s => s.includes('*') || s === '..' || s === '.')) return [];
  const dir = path.join(gcsRoot, m[1], ...segs);
  if (!last.includes('*')) {
    const f = path.join(dir, last);
    return fs.statSync(f, { throwIfNoEntry: false })?.isFile() ? [f] : [];
  }
  const re = new RegExp('^' + last.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  let names: string[] = [];
  try { names = fs.readdirSync(dir).filter(n => re.test(n) && fs.statSync(path.join(dir, n)).isFile()); } catch { /* no folder: no match */ }
  return names.sort().map(n => path.join(dir, n));
}

function gcsToLocal(gcsRoot: string, uri: string): string | undefined {
  const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || m[2].split('/').some(s => s === '..')) return undefined;
  return path.join(gcsRoot, m[1], ...m[2].split('/').filter(Boolean));
}

/** Vertex's directory time: ISO 8601 made path-safe (`2026_11_30T14_48_42_123Z`). */
const dirTime = (ms: number) => new Date(ms).toISOString().replace(/[-:.]/g, '_');

function validate(req: any, store: VertexStore, parent: string): { model: Proto; modelName: string } {
  const job = req.batchPredictionJob;
  if (!job) throw invalidArgument('batch_prediction_job: required');
  if (!job.displayName) throw invalidArgument('batch_prediction_job.display_name: required');
  if (!job.model) throw invalidArgument('batch_prediction_job.model: required (a Model resource name, optionally with @VERSION)');
  const { model, version } = store.resolve(job.model);
  if (!model.name.startsWith(parent + '/')) throw invalidArgument(`batch_prediction_job.model: "${job.model}" is not in ${parent}`);
  const ic = job.inputConfig;
  if (!ic) throw invalidArgument('batch_prediction_job.input_config: required');
  if (ic.instancesFormat !== 'jsonl' && ic.instancesFormat !== 'bigquery') throw invalidArgument(`batch_prediction_job.input_config.instances_format: "${ic.instancesFormat ?? ''}" is not supported by this model (supported: jsonl, bigquery)`);
  if (ic.instancesFormat === 'bigquery') {
    const uri: string = ic.bigquerySource?.inputUri ?? '';
    if (!BQ_TABLE.test(uri)) throw invalidArgument(`batch_prediction_job.input_config.bigquery_source.input_uri: "${uri}" is not a bq://PROJECT.DATASET.TABLE table`);
    if (ic.gcsSource?.uris?.length) throw invalidArgument('batch_prediction_job.input_config.gcs_source: not allowed with instances_format "bigquery"');
  } else {
    if (ic.bigquerySource?.inputUri) throw invalidArgument('batch_prediction_job.input_config.bigquery_source: needs instances_format "bigquery"');
    const uris: string[] = ic.gcsSource?.uris ?? [];
    if (!uris.length) throw invalidArgument('batch_prediction_job.input_config.gcs_source.uris: at least one gs:// URI is required');
    for (const u of uris) if (!/^gs:\/\/[^/]+\/.+/.test(u)) throw invalidArgument(`batch_prediction_job.input_config.gcs_source.uris: "${u}" is not a gs://BUCKET/OBJECT URI`);
  }
  const inst = job.instanceConfig;
  if (inst) {
    if (inst.instanceType && !['object', 'array'].includes(inst.instanceType)) throw invalidArgument(`batch_prediction_job.instance_config.instance_type: "${inst.instanceType}" is not supported (object, array)`);
    if (inst.includedFields?.length && inst.excludedFields?.length) throw invalidArgument('batch_prediction_job.instance_config.excluded_fields: must be empty when included_fields is set');
    if (inst.keyField) throw invalidArgument('batch_prediction_job.instance_config.key_field: not supported by the emulator');
    if (ic.instancesFormat !== 'bigquery' && (inst.includedFields?.length || inst.excludedFields?.length)) throw invalidArgument('batch_prediction_job.instance_config.included_fields: the emulator applies fields to bigquery input only');
  }
  const oc = job.outputConfig;
  if (!oc) throw invalidArgument('batch_prediction_job.output_config: required');
  if (oc.predictionsFormat !== 'jsonl' && oc.predictionsFormat !== 'bigquery') throw invalidArgument(`batch_prediction_job.output_config.predictions_format: "${oc.predictionsFormat ?? ''}" is not supported (supported: jsonl, bigquery)`);
  if (oc.predictionsFormat === 'bigquery') {
    const uri: string = oc.bigqueryDestination?.outputUri ?? '';
    if (!BQ_DESTINATION.test(uri)) throw invalidArgument(`batch_prediction_job.output_config.bigquery_destination.output_uri: "${uri}" is not bq://PROJECT or bq://PROJECT.DATASET`);
    if (ic.instancesFormat !== 'bigquery') throw invalidArgument('batch_prediction_job.output_config.predictions_format: "bigquery" output needs a bigquery input in the emulator');
  } else {
    const prefix: string = oc.gcsDestination?.outputUriPrefix ?? '';
    if (!/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/.test(prefix)) throw invalidArgument(`batch_prediction_job.output_config.gcs_destination.output_uri_prefix: "${prefix}" is not a gs://BUCKET[/PATH] URI`);
  }
  const dr = job.dedicatedResources;
  if (!dr?.machineSpec?.machineType) throw invalidArgument('batch_prediction_job.dedicated_resources.machine_spec.machine_type: required for a custom-trained model');
  if (!isBatchMachineType(dr.machineSpec.machineType)) throw invalidArgument(`batch_prediction_job.dedicated_resources.machine_spec.machine_type: "${dr.machineSpec.machineType}" is not supported for batch prediction in ${parent.split('/')[3]}`);
  const start = Number(dr.startingReplicaCount ?? 0) || 1;
  const max = Number(dr.maxReplicaCount ?? 0) || start;
  if (start < 1 || start > MAX_BATCH_REPLICAS) throw invalidArgument(`batch_prediction_job.dedicated_resources.starting_replica_count: must be between 1 and ${MAX_BATCH_REPLICAS}, got ${start}`);
  if (max < start || max > MAX_BATCH_REPLICAS) throw invalidArgument(`batch_prediction_job.dedicated_resources.max_replica_count: must be between starting_replica_count (${start}) and ${MAX_BATCH_REPLICAS}, got ${max}`);
  const bs = job.manualBatchTuningParameters?.batchSize;
  if (bs !== undefined && (Number(bs) < 0 || Number(bs) > 1000)) throw invalidArgument(`batch_prediction_job.manual_batch_tuning_parameters.batch_size: must be between 1 and 1000, got ${bs}`);
  checkLabels(job.labels, 'batch_prediction_job.labels');
  return { model: version, modelName: model.name };
}

export function batchPredictionService(ctx: CallContext, deps: BatchDeps): Record<string, grpc.handleUnaryCall<any, any>> {
  const { store } = deps;
  const jobs = new Map<string, JobRun>();
  let opSeq = 0;

  const log = (job: Proto, severity: string, text: string) => {
    const [, project, , location, , id] = job.name.split('/');
    deps.logs.append({
      logName: `projects/${project}/logs/aiplatform.googleapis.com%2Fbatch_prediction_job`,
      resource: { type: 'aiplatform.googleapis.com/BatchPredictionJob', labels: { resource_container: project, location, job_id: id } },
      severity, textPayload: text, labels: { 'ml.googleapis.com/display_name': job.displayName },
    });
  };
  const touch = (job: Proto, state?: string) => { if (state) job.state = state; job.updateTime = nowTimestamp(); };
  const stats = (ok: number, failed: number, incomplete: number) => ({ successfulCount: String(ok), failedCount: String(failed), incompleteCount: String(incomplete) });

  async function predictBatch(server: RealServer, instances: unknown[]): Promise<{ ok: true; predictions: unknown[] } | { ok: false; status: number; message: string }> {
    const res = await fetch(`${server.url}/v1/models/model:predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances }) });
    const text = await res.text();
    let body: any;
    try { body = JSON.parse(text); } catch { body = { error: text.slice(0, 500) }; }
    if (res.ok && Array.isArray(body?.predictions) && body.predictions.length === instances.length) return { ok: true, predictions: body.predictions };
    return { ok: false, status: res.status, message: String(body?.error ?? `HTTP ${res.status}`) };
  }

  async function execute(run: JobRun, version: Proto): Promise<void> {
    const job = run.proto;
    const fail = (code: number, message: string) => {
      job.error = { code, message, details: [] };
      job.endTime = nowTimestamp();
      touch(job, 'JOB_STATE_FAILED');
      log(job, 'ERROR', `Batch prediction job ${job.displayName} failed: ${message}`);
    };
    const fromBq = job.inputConfig.instancesFormat === 'bigquery';
    const files: string[] = [];
    let inputSchema: BqField[] = [];
    let inputRows: Array<Record<string, unknown>> = [];
    if (fromBq) {
      const uri: string = job.inputConfig.bigquerySource.inputUri;
      const [, p, d, t] = BQ_TABLE.exec(uri)!;
      const table = deps.bigquery?.table(p, d, t);
      if (!table) return fail(grpc.status.INVALID_ARGUMENT, `BigQuery table ${p}.${d}.${t} not found (input_config.bigquery_source.input_uri).`);
      inputSchema = table.schema;
      inputRows = table.rows.slice();
      const included: string[] = job.instanceConfig?.includedFields ?? [];
      const missing = included.find(f => !table.schema.some(c => c.name === f));
      if (missing) return fail(grpc.status.INVALID_ARGUMENT, `Field ${missing} of instance_config.included_fields is not a column of ${p}.${d}.${t}.`);
    } else {
      for (const u of job.inputConfig.gcsSource.uris as string[]) {
        const matched = matchGcs(deps.gcsRoot, u);
        if (!matched.length) return fail(grpc.status.INVALID_ARGUMENT, `No files match the input URI ${u} (input_config.gcs_source.uris).`);
        files.push(...matched);
      }
    }
    if (!deps.serving) return fail(grpc.status.FAILED_PRECONDITION, 'The emulator has no Python with TensorFlow (start it with --python): batch prediction runs the real model server only.');
    const artifactDir = version.artifactUri ? gcsToLocal(deps.gcsRoot, version.artifactUri) : undefined;
    if (!artifactDir || !fs.existsSync(path.join(artifactDir, 'saved_model.pb'))) {
      return fail(grpc.status.FAILED_PRECONDITION, `The model's artifact_uri ${version.artifactUri ?? '(none)'} has no saved_model.pb.`);
    }
    job.startTime = nowTimestamp();
    touch(job, 'JOB_STATE_RUNNING');
    log(job, 'INFO', `Batch prediction job ${job.displayName} is running on ${job.dedicatedResources.machineSpec.machineType} (${fromBq ? `${inputRows.length} BigQuery row(s)` : `${files.length} input file(s)`}).`);

    // Every line (or row) is an instance; a blank line is skipped, a line that is not JSON fails alone.
    const lines: Array<{ raw: string; instance?: unknown; parseError?: string; row?: Record<string, unknown> }> = [];
    if (fromBq) {
      const ic: Proto = job.instanceConfig ?? {};
      const excluded = new Set<string>(ic.excludedFields ?? []);
      const fields: string[] = ic.includedFields?.length ? ic.includedFields : inputSchema.map(f => f.name).filter(n => !excluded.has(n));
      for (const row of inputRows) {
        const all = instanceOf(row, inputSchema);
        const instance = ic.instanceType === 'object' ? Object.fromEntries(fields.map(f => [f, all[f]])) : fields.map(f => all[f]);
        lines.push({ raw: JSON.stringify(row), instance, row });
      }
    }
    for (const f of files) {
      for (const raw of fs.readFileSync(f, 'utf8').split('\n')) {
        if (!raw.trim()) continue;
        try { lines.push({ raw, instance: JSON.parse(raw) }); } catch (e) { lines.push({ raw, parseError: `Invalid JSON instance: ${(e as Error).message}` }); }
      }
    }
    const started = await startRealServer({
      serving: deps.serving, image: 'python', modelName: 'model', containerBasePath: '/models/model',
      versionDirs: { '1': artifactDir },
      probe: { path: '/v1/models/model', initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 150 },
      log: (line, stream) => log(job, stream === 'stderr' ? 'ERROR' : 'INFO', line),
    });
    if (!started.ok) return fail(grpc.status.INTERNAL, `The model server did not start: ${started.reason}`);
    run.server = started.server;
    type Line = (typeof lines)[number];
    const results: Array<{ line: Line; prediction: unknown }> = [];
    const errors: Array<{ line: Line; message: string }> = [];
    const partial: Array<{ code: number; message: string }> = [];
    const addError = (line: Line, message: string) => {
      errors.push({ line, message });
      if (partial.length < 20 && !partial.some(p => p.message === message)) partial.push({ code: grpc.status.INVALID_ARGUMENT, message });
    };
    const batchSize = Number(job.manualBatchTuningParameters?.batchSize ?? 0) || 64;
    try {
      for (let i = 0; i < lines.length && !run.cancel; i += batchSize) {
        const chunk = lines.slice(i, i + batchSize);
        for (const l of chunk) if (l.parseError) addError(l, l.parseError);
        const good = chunk.filter(l => !l.parseError);
        if (good.length) {
          const r = await predictBatch(started.server, good.map(l => l.instance));
          if (r.ok) good.forEach((l, k) => results.push({ line: l, prediction: r.predictions[k] }));
          else {
            // One bad instance fails TF Serving's whole batch: retry one by one to name it.
            for (const l of good) {
              const one = await predictBatch(started.server, [l.instance]);
              if (one.ok) results.push({ line: l, prediction: one.predictions[0] });
              else addError(l, one.message);
            }
          }
        }
        job.completionStats = stats(results.length, errors.length, lines.length - results.length - errors.length);
        touch(job);
      }
    } finally {
      await started.server.close();
      run.server = undefined;
    }
    const shardName = (kind: string, k: number, n: number) => `prediction.${kind}-${String(k).padStart(5, '0')}-of-${String(n).padStart(5, '0')}`;
    let outDir: string;
    let errorsAt: string;
    if (job.outputConfig.predictionsFormat === 'bigquery') {
      const out = writeBigQueryOutput(job, inputSchema, results.map(r => ({ row: r.line.row!, prediction: r.prediction })), errors.map(e => ({ row: e.line.row!, message: e.message })));
      if (typeof out === 'string') return fail(grpc.status.INVALID_ARGUMENT, out);
      outDir = job.outputInfo.bigqueryOutputDataset;
      errorsAt = `${outDir}.${out.errors}`;
    } else {
      outDir = job.outputInfo.gcsOutputDirectory as string;
      const local = gcsToLocal(deps.gcsRoot, outDir)!;
      fs.mkdirSync(local, { recursive: true });
      const resultLines = results.map(r => JSON.stringify({ instance: r.line.instance, prediction: r.prediction }));
      const errorLines = errors.map(e => JSON.stringify({ instance: e.line.parseError ? e.line.raw : e.line.instance, error: { code: grpc.status.INVALID_ARGUMENT, message: e.message } }));
      const shards = Math.max(1, Math.ceil(resultLines.length / SHARD_LINES));
      for (let k = 0; k < shards; k++) {
        const part = resultLines.slice(k * SHARD_LINES, (k + 1) * SHARD_LINES);
        fs.writeFileSync(path.join(local, shardName('results', k, shards)), part.length ? part.join('\n') + '\n' : '');
      }
      fs.writeFileSync(path.join(local, shardName('errors_stats', 0, 1)), errorLines.length ? errorLines.join('\n') + '\n' : '');
      errorsAt = `${outDir}/${shardName('errors_stats', 0, 1)}`;
    }
    job.completionStats = stats(results.length, errors.length, lines.length - results.length - errors.length);
    if (partial.length) job.partialFailures = partial;
    job.endTime = nowTimestamp();
    if (run.cancel) {
      touch(job, 'JOB_STATE_CANCELLED');
      job.error = { code: grpc.status.CANCELLED, message: 'CANCELED', details: [] };
      log(job, 'WARNING', `Batch prediction job ${job.displayName} was cancelled after ${results.length + errors.length} of ${lines.length} instances.`);
    } else if (!results.length && errors.length) {
      fail(grpc.status.INVALID_ARGUMENT, `All ${errors.length} instances failed; see ${errorsAt}. First error: ${partial[0]?.message ?? ''}`);
    } else {
      touch(job, errors.length ? 'JOB_STATE_PARTIALLY_SUCCEEDED' : 'JOB_STATE_SUCCEEDED');
      log(job, errors.length ? 'WARNING' : 'INFO', `Batch prediction job ${job.displayName} finished: ${results.length} predicted, ${errors.length} failed. Output: ${outDir}`);
    }
  }

  /**
   * The predictions and errors tables, as Vertex AI writes them: input columns plus `prediction`
   * (JSON) or `errors` (a google.rpc.Status STRUCT of code and message). A string is a failure.
   */
  function writeBigQueryOutput(job: Proto, schema: BqField[], ok: Array<{ row: Record<string, unknown>; prediction: unknown }>, bad: Array<{ row: Record<string, unknown>; message: string }>): { predictions: string; errors: string } | string {
    const store = deps.bigquery;
    if (!store) return 'The emulator has no BigQuery (output_config.bigquery_destination).';
    const [, project, dataset] = /^bq:\/\/([^.]+)\.(.+)$/.exec(job.outputInfo.bigqueryOutputDataset)!;
    const predictions: string = job.outputInfo.bigqueryOutputTable;
    const errors = predictions.replace(/^predictions/, 'errors');
    let d = store.dataset(project, dataset);
    const given = Boolean(BQ_DESTINATION.exec(job.outputConfig.bigqueryDestination.outputUri)![2]);
    if (!d && given) return `BigQuery dataset ${project}.${dataset} not found (output_config.bigquery_destination.output_uri).`;
    d ??= store.createDataset(project, dataset);
    store.createTable(d, predictions, [...schema, { name: 'prediction', type: 'JSON', mode: 'NULLABLE' }], ok.map(r => ({ ...r.row, prediction: JSON.stringify(r.prediction) })));
    store.createTable(d, errors, [...schema, { name: 'errors', type: 'RECORD', mode: 'NULLABLE', fields: [{ name: 'code', type: 'INTEGER', mode: 'NULLABLE' }, { name: 'message', type: 'STRING', mode: 'NULLABLE' }] }],
      bad.map(r => ({ ...r.row, errors: { code: grpc.status.INVALID_ARGUMENT, message: r.message } })));
    return { predictions, errors };
  }

  const mustGet = (name: string): JobRun => {
    if (!NAME.test(name ?? '')) throw invalidArgument(`name: expected "projects/PROJECT/locations/LOCATION/batchPredictionJobs/ID", got "${name ?? ''}"`);
    const run = jobs.get(name);
    if (!run) throw notFound(`The BatchPredictionJob "${name}" does not exist.`);
    return run;
  };

  return {
    createBatchPredictionJob: unary<any, object>(ctx, M + 'CreateBatchPredictionJob', req => {
      const parent = checkParent(req.parent);
      const { model, modelName } = validate(req, store, parent);
      const j = req.batchPredictionJob;
      const created = Date.now();
      const name = `${parent}/batchPredictionJobs/${store.newId()}`;
      const displayOf = String(model.displayName ?? modelName.split('/').pop());
      let outputInfo: Proto;
      if (j.outputConfig.predictionsFormat === 'bigquery') {
        const [, p, d] = BQ_DESTINATION.exec(j.outputConfig.bigqueryDestination.outputUri)!;
        // A project gets a new dataset with fixed table names; a given dataset gets timestamped tables.
        outputInfo = d
          ? { bigqueryOutputDataset: `bq://${p}.${d}`, bigqueryOutputTable: `predictions_${dirTime(created)}` }
          : { bigqueryOutputDataset: `bq://${p}.${predictionDatasetName(displayOf, created)}`, bigqueryOutputTable: 'predictions' };
      } else {
        const prefix = String(j.outputConfig.gcsDestination.outputUriPrefix).replace(/\/+$/, '');
        outputInfo = { gcsOutputDirectory: `${prefix}/prediction-${displayOf}-${dirTime(created)}` };
      }
      const proto: Proto = {
        name, displayName: j.displayName, model: j.model, modelVersionId: model.versionId,
        inputConfig: j.inputConfig, outputConfig: j.outputConfig,
        dedicatedResources: { machineSpec: j.dedicatedResources.machineSpec, startingReplicaCount: Number(j.dedicatedResources.startingReplicaCount) || 1, maxReplicaCount: Number(j.dedicatedResources.maxReplicaCount) || Number(j.dedicatedResources.startingReplicaCount) || 1 },
        ...(j.manualBatchTuningParameters ? { manualBatchTuningParameters: j.manualBatchTuningParameters } : {}),
        ...(j.instanceConfig ? { instanceConfig: j.instanceConfig } : {}),
        outputInfo,
        state: 'JOB_STATE_PENDING', completionStats: stats(0, 0, 0),
        createTime: nowTimestamp(), updateTime: nowTimestamp(), labels: j.labels ?? {},
      };
      const run: JobRun = { proto, cancel: false };
      jobs.set(name, run);
      log(proto, 'INFO', `Batch prediction job ${proto.displayName} created for model ${j.model}.`);
      setTimeout(() => {
        if (run.cancel) { proto.endTime = nowTimestamp(); touch(proto, 'JOB_STATE_CANCELLED'); return; }
        execute(run, model).catch(e => {
          proto.error = { code: grpc.status.INTERNAL, message: `Internal error: ${(e as Error).message}`, details: [] };
          proto.endTime = nowTimestamp();
          touch(proto, 'JOB_STATE_FAILED');
        });
      }, deps.operationMs ?? 200);
      return proto;
    }),
    getBatchPredictionJob: unary<any, object>(ctx, M + 'GetBatchPredictionJob', req => mustGet(req.name).proto),
    listBatchPredictionJobs: unary<any, object>(ctx, M + 'ListBatchPredictionJobs', req => {
      const parent = checkParent(req.parent);
      const match = compileResourceFilter(req.filter, schema);
      const all = [...jobs.values()].map(r => r.proto).filter(j => j.name.startsWith(parent + '/') && match(j))
        .sort((a, b) => timestampMs(b.createTime) - timestampMs(a.createTime) || (b.name < a.name ? -1 : 1));
      const { page, nextPageToken } = paginate(all, req, `${parent}|${req.filter ?? ''}`);
      return { batchPredictionJobs: page, nextPageToken };
    }),
    cancelBatchPredictionJob: unary<any, object>(ctx, M + 'CancelBatchPredictionJob', req => {
      const run = mustGet(req.name);
      if (TERMINAL.has(run.proto.state)) throw failedPrecondition(`The BatchPredictionJob "${req.name}" has already finished (${run.proto.state}) and cannot be cancelled.`);
      run.cancel = true;
      touch(run.proto, 'JOB_STATE_CANCELLING');
      return {};
    }),
    deleteBatchPredictionJob: unary<any, object>(ctx, M + 'DeleteBatchPredictionJob', req => {
      const run = mustGet(req.name);
      if (!TERMINAL.has(run.proto.state)) throw failedPrecondition(`The BatchPredictionJob "${req.name}" is ${run.proto.state}; cancel it first (only finished jobs can be deleted).`);
      const created = nowTimestamp();
      const meta = { genericMetadata: { createTime: created, updateTime: created } };
      const op = deps.ops.create(`${req.name}/operations/${store.newId().slice(-10)}${++opSeq}`, [V1 + 'DeleteOperationMetadata', meta]);
      jobs.delete(req.name);
      op.succeed(['google.protobuf.Empty', {}], [V1 + 'DeleteOperationMetadata', meta]);
      return op.initial;
    }),
  };
}
