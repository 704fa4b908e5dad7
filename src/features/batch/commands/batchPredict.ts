/**
 * Batch Predict on a model version (right-click, or the palette with a picker): input, output
 * prefix, machine type and replicas, checked before any call; a gs:// input must match at least
 * one object (listed first); a BigQuery input table must exist, have rows and have the columns
 * the model's signature needs (its output may be a bq:// destination); one modal confirmation;
 * then the job is created and shows under Serving → Batch Jobs. Options given as the second argument skip the input boxes, never the
 * confirmation (except `yes` under the extension's own test runner).
 */
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import type { Logger } from '../../../common/logger';
import type { CloudContext, Session } from '../../shared/session';
import { unattendedAllowed } from '../../../common/unattended';
import { idOf, regionOf, type ModelVersion } from '../../../serving/domain';
import { BatchInputError, defaultDisplayName, isBigQueryOutput, parseBatchSource, parseBigQueryDestination, validateBatchForm, type BatchFormInput, type BatchRequest, type BatchSource } from '../../../serving/batch/input';
import { checkInputTable, describeTable } from '../../../serving/batch/bigqueryInput';
import type { CloudApis } from '../../../gcp/apis';
import { BATCH_MACHINE_TYPES, DEFAULT_BATCH_MACHINE_TYPE } from '../../../serving/batch/machineTypes';
import type { BatchJob } from '../../../serving/batch/job';
import { BATCH_JOBS, type Operations } from '../../shared/operations';
import { targetIn } from '../../shared/targets';
import { fileNameOf } from '../../../serving/resourceNames';

export interface BatchPredictOptions {
  input?: unknown;
  outputPrefix?: unknown;
  machineType?: unknown;
  startingReplicaCount?: unknown;
  maxReplicaCount?: unknown;
  displayName?: unknown;
  /** Skip the confirmation: honoured only under the extension's own test runner. */
  yes?: unknown;
}

interface Target { version: ModelVersion; region: string }

async function resolveTarget(arg: unknown, cloud: CloudContext): Promise<Target> {
  const node = targetIn(arg, 'modelVersion');
  if (node) return { version: node.version, region: node.model.region };
  if (arg && typeof arg === 'object' && 'model' in arg) {
    const { model, version } = arg as { model: unknown; version: unknown };
    if (typeof model !== 'string' || !/^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@]+$/.test(model)) throw new ValidationError('model', 'expected projects/P/locations/R/models/ID');
    if (typeof version !== 'string' || !/^\d+$/.test(version)) throw new ValidationError('version', 'expected a version id such as "1"');
    const v = (await cloud.vertex.listModelVersions(model)).find(x => x.versionId === version);
    if (!v) throw new UserError(`${model} has no version ${version}.`);
    return { version: v, region: regionOf(model) };
  }
  if (arg !== undefined) throw new ValidationError('target', 'Batch Predict runs on a model version');
  const pages = await Promise.all(cloud.regions.map(r => cloud.vertex.listModels(r, { pageSize: 100 })));
  const models = pages.flatMap(p => p.items);
  if (!models.length) throw new UserError('No models in the Model Registry to batch-predict with.', 'Register a training run\'s model first.');
  const m = await vscode.window.showQuickPick(models.map(x => ({ label: x.displayName, description: `${x.region} · ${x.id}`, model: x })), { title: 'Batch Predict: pick a model' });
  if (!m) throw new CancelledError();
  const versions = await cloud.vertex.listModelVersions(m.model.name);
  const v = await vscode.window.showQuickPick(versions.map(x => ({ label: `v${x.versionId}`, description: x.aliases.map(a => `@${a}`).join(' '), version: x })), { title: `Batch Predict with ${m.model.displayName}: pick a version` });
  if (!v) throw new CancelledError();
  return { version: v.version, region: m.model.region };
}

const problemOf = (f: () => unknown) => { try { f(); return undefined; } catch (e) { return e instanceof BatchInputError ? e.message : String(e); } };

/** The form, asked step by step (each box checks its field as the user types). */
async function askForm(t: Target, project: string): Promise<BatchFormInput> {
  const ask = async (o: vscode.InputBoxOptions) => { const v = await vscode.window.showInputBox({ ignoreFocusOut: true, ...o }); if (v === undefined) throw new CancelledError(); return v; };
  const bucket = /^gs:\/\/([^/]+)/.exec(t.version.artifactUri)?.[1];
  const input = await ask({
    title: `Batch Predict with ${t.version.displayName} v${t.version.versionId} (1/4)`, prompt: 'Input: JSONL files in Cloud Storage (a * in the last segment) or a BigQuery table',
    placeHolder: 'gs://BUCKET/PATH/*.jsonl or bq://PROJECT.DATASET.TABLE', value: bucket ? `gs://${bucket}/` : 'gs://',
    validateInput: v => problemOf(() => parseBatchSource(v)),
  });
  const bq = input.trim().startsWith('bq://');
  const outputPrefix = await ask({
    title: 'Batch Predict (2/4)',
    prompt: bq ? 'Output: bq://PROJECT (a new dataset prediction_<model>_<time>), bq://PROJECT.DATASET, or a gs:// folder' : 'Output prefix: the job writes prediction-<model>-<time>/ under it',
    value: bq ? `bq://${project}` : `${/^gs:\/\/[^/]+/.exec(input)?.[0] ?? (bucket ? `gs://${bucket}` : 'gs://BUCKET')}/batch-predictions/${t.version.displayName}`,
    validateInput: v => problemOf(() => validateBatchForm({ input, outputPrefix: v, machineType: DEFAULT_BATCH_MACHINE_TYPE })),
  });
  const picked = await vscode.window.showQuickPick(
    [DEFAULT_BATCH_MACHINE_TYPE, ...BATCH_MACHINE_TYPES.filter(m => m !== DEFAULT_BATCH_MACHINE_TYPE)].map(m => ({ label: m, description: m === DEFAULT_BATCH_MACHINE_TYPE ? 'default: 4 vCPUs, 15 GB' : '' })),
    { title: 'Batch Predict (3/4): machine type', ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  const replicas = await ask({
    title: 'Batch Predict (4/4)', prompt: 'Replicas: starting count, or starting-max (e.g. 1 or 1-4)', value: '1',
    validateInput: v => problemOf(() => validateBatchForm({ input, outputPrefix, machineType: picked.label, ...splitReplicas(v) })),
  });
  return { input, outputPrefix, machineType: picked.label, ...splitReplicas(replicas) };
}

function outputLine(prefix: string, model: string): string {
  const dest = isBigQueryOutput(prefix) ? parseBigQueryDestination(prefix) : undefined;
  if (!dest) return `${prefix}/prediction-${model}-<time>/`;
  return dest.dataset
    ? `BigQuery dataset ${dest.project}.${dest.dataset}: new tables predictions_<time> and errors_<time>`
    : `BigQuery: a new dataset ${dest.project}.prediction_${model.replace(/[^A-Za-z0-9_]/g, '_')}_<time> with tables predictions and errors`;
}

/**
 * The table exists, has rows and has a column for every input of the signature Vertex AI serves
 * (serving_default, else the only one); returns the confirmation's line and the columns each
 * instance carries. When the model cannot be read, only the table is checked, and the line says so.
 */
async function checkBigQueryInput(apis: CloudApis, version: ModelVersion, src: Extract<BatchSource, { kind: 'bigquery' }>): Promise<{ line: string; inputs?: string[] }> {
  const table = await apis.bigquery.table({ project: src.project, dataset: src.dataset, table: src.table });
  const id = `${src.project}.${src.dataset}.${src.table}`;
  let signature = 'serving_default';
  let inputs: Parameters<typeof checkInputTable>[3];
  let note = '';
  try {
    const inspection = await apis.models.inspect(version.artifactUri);
    const names = Object.keys(inspection.signatures);
    signature = names.includes('serving_default') ? 'serving_default' : names.length === 1 ? names[0] : signature;
    inputs = inspection.signatures[signature]?.inputs;
    if (!inputs) note = `; columns not checked: the model has no signature ${signature}`;
  } catch (e) {
    note = `; columns not checked: the model could not be read (${(e as Error).message})`;
  }
  try {
    checkInputTable(table, id, signature, inputs);
  } catch (e) {
    if (e instanceof BatchInputError) throw new ValidationError(e.field, e.message.slice(e.field.length + 2));
    throw e;
  }
  if (!inputs) return { line: `${describeTable(table!)}${note}` };
  const names = Object.keys(inputs);
  const rest = table!.columns.map(c => c.name).filter(c => !names.includes(c));
  return {
    line: `${describeTable(table!)}; each row sends ${names.join(', ')} to ${signature}${rest.length ? ` (${rest.join(', ')} kept in the output only)` : ''}`,
    inputs: names,
  };
}

function splitReplicas(v: string): { startingReplicaCount: string; maxReplicaCount?: string } {
  const [a, b] = v.split('-').map(s => s.trim());
  return b === undefined ? { startingReplicaCount: a } : { startingReplicaCount: a, maxReplicaCount: b };
}

export function batchPredict(session: Session, ops: Operations, logger: Logger) {
  return async (arg?: unknown, options?: BatchPredictOptions): Promise<BatchJob | undefined> => {
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new ValidationError('options', 'expected an object');
    const cloud = await session.cloud();
    const api = cloud.apis.batch;
    const t = await resolveTarget(arg, cloud);
    const form: BatchFormInput = options && options.input !== undefined ? {
      input: options.input, outputPrefix: options.outputPrefix, machineType: options.machineType ?? DEFAULT_BATCH_MACHINE_TYPE,
      startingReplicaCount: options.startingReplicaCount, maxReplicaCount: options.maxReplicaCount, displayName: options.displayName,
    } : await askForm(t, cloud.apis.project);
    let req: BatchRequest;
    try {
      req = validateBatchForm(form);
    } catch (e) {
      if (e instanceof BatchInputError) throw new ValidationError(e.field, e.message.slice(e.field.length + 2));
      throw e;
    }
    req.displayName ||= defaultDisplayName(t.version.displayName);

    // A job over no files would fail only after it started: list first.
    let inputLine: string;
    if (req.source.kind === 'gcs') {
      const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing ${req.source.uri}…` }, () => api.inputFiles(req.source as Extract<BatchRequest['source'], { kind: 'gcs' }>, 1000));
      if (!files.length) throw new ValidationError('input', `no object matches ${req.source.uri}`);
      inputLine = `${req.source.uri} (${files.length === 1000 ? '1000 or more' : files.length} file${files.length === 1 ? '' : 's'}: ${files.slice(0, 3).map(fileNameOf).join(', ')}${files.length > 3 ? ', …' : ''})`;
    } else {
      const src = req.source;
      const checked = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking ${src.uri}…` }, () => checkBigQueryInput(cloud.apis, t.version, src));
      req.includedFields = checked.inputs;
      inputLine = `${src.uri} (BigQuery table: ${checked.line})`;
      const dest = isBigQueryOutput(req.outputPrefix) ? parseBigQueryDestination(req.outputPrefix) : undefined;
      if (dest?.dataset && !(await cloud.apis.bigquery.datasetExists(dest.project, dest.dataset))) {
        throw new ValidationError('outputPrefix', `dataset ${dest.project}.${dest.dataset} does not exist (give bq://${dest.project} to let Vertex AI create one)`);
      }
    }
    const model = `${t.version.modelName}@${t.version.versionId}`;
    const detail = [
      `Model: ${t.version.displayName} v${t.version.versionId} (${idOf(t.version.modelName)}, ${t.region})`,
      `Input: ${inputLine}`,
      `Output: ${outputLine(req.outputPrefix, t.version.displayName)}`,
      `Machine: ${req.machineType}, replicas ${req.startingReplicaCount}${req.maxReplicaCount !== req.startingReplicaCount ? `–${req.maxReplicaCount}` : ''}`,
      'The job is billed for its machines while it runs. Nothing that serves changes.',
    ].join('\n');
    const unattended = options?.yes === true && unattendedAllowed();
    if (!unattended) {
      const go = await vscode.window.showInformationMessage(`Start batch prediction job "${req.displayName}"?`, { modal: true, detail }, 'Start');
      if (go !== 'Start') throw new CancelledError();
    }
    // The Batch Jobs node re-lists when the operation is done.
    const job = await ops.run(BATCH_JOBS, 'Creating a job…', () => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating batch prediction job ${req.displayName}…` },
      () => api.createJob(t.region, { model, request: req, labels: { 'ml-serving-model-version': t.version.versionId } })));
    logger.info(`created ${job.name} (${model}, input ${req.source.uri}, output ${req.outputPrefix})`);
    void vscode.window.showInformationMessage(`Batch prediction job "${job.displayName}" started. It shows under Serving → Batch Jobs.`);
    return job;
  };
}
