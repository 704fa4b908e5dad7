/**
 * The demo project (`--demo`): Vertex AI pipeline runs of a TFX recommender (all states), custom
 * training jobs, registered models with versions, aliases and the labels ML teams set, and the
 * SavedModels themselves in the Cloud Storage folder:
 * gs://demo-project-models/<model>/pushed_model/<timestamp>/saved_model.pb (+ one unversioned).
 *
 * With a model zoo (`zooDir`, made by scripts/model-zoo.mjs: real exports by TensorFlow), every
 * SavedModel is a zoo export: recsys-retrieval (two-tower, 20,000 candidates), recsys-ranking,
 * recsys-retrieval-custom-op (its top-K is the custom op MlServingDemo>TopKDot, where ScaNN's would
 * be), recsys-multitask and recsys-tfx-example. Without one, the graphs the project's own encoder
 * writes stand in (only for the TypeScript stand-in and edge-case tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { encodeSavedModel } from '../../../src/serving/savedModel/encode';
import { DEMO_MODELS, DemoModel } from './models';
import type { LogStore } from '../logging/store';
import { toTimestamp } from '../time';
import type { VertexStore } from '../vertex/store';
import { RunState, tfxPipelineJob } from './tfxRun';

export const DEMO_PROJECT = 'demo-project';
export const DEMO_REGION = 'us-central1';
export const DEMO_PROJECT_NUMBER = '123456789012';
const MODELS_BUCKET = `${DEMO_PROJECT}-models`;
const PIPELINES_BUCKET = `${DEMO_PROJECT}-pipelines`;
const TRAINING_BUCKET = `${DEMO_PROJECT}-training`;
/** Model folder and display names by demo model kind. */
const FOLDER_NAMES: Record<string, string> = { retrieval_bruteforce: 'recsys-retrieval', retrieval_scann: 'recsys-retrieval-scann', ranking: 'recsys-ranking' };
/** The zoo export behind each demo kind, and the folder name where it differs from the encoder's. */
const ZOO_MODELS: Record<DemoModel['id'], { zoo: string; folder?: string; displayName: string; algorithm?: string }> = {
  retrieval_bruteforce: { zoo: 'retrieval', displayName: 'Two-tower retrieval (brute force over 20,000 products)', algorithm: 'brute_force' },
  retrieval_scann: { zoo: 'custom_op_retrieval', folder: 'recsys-retrieval-custom-op', displayName: 'Two-tower retrieval (custom op MlServingDemo>TopKDot)', algorithm: 'custom_op' },
  ranking: { zoo: 'ranking', displayName: 'Ranking (user, product, price, hour) -> score' },
};
/** Zoo exports the demo registers once each, besides the cycled kinds. */
const ZOO_EXTRA: ReadonlyArray<{ zoo: string; folder: string; displayName: string; modelType: string }> = [
  { zoo: 'multitask', folder: 'recsys-multitask', displayName: 'Multitask (retrieval + ranking heads: serving_default, rank)', modelType: 'multitask' },
  { zoo: 'tfx_example', folder: 'recsys-tfx-example', displayName: 'TFX trainer export (serialized tf.Example + serving_raw)', modelType: 'ranking' },
];

export interface ZooManifest {
  version: string;
  models: Array<{ name: string; version: string; path: string; signatures: Record<string, unknown>; custom_ops: string[]; samples: Array<{ signature_name: string; request: unknown; expected: unknown }> }>;
}

export function readZooManifest(zooDir: string): ZooManifest {
  const file = path.join(zooDir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as ZooManifest;
  if (!Array.isArray(m?.models)) throw new Error(`${file}: models: expected a list`);
  return m;
}

/** A copy of a folder tree: hard links where the file system allows, else copies. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) linkTree(a, b);
    else if (e.isFile()) {
      fs.rmSync(b, { force: true });
      try { fs.linkSync(a, b); } catch { fs.copyFileSync(a, b); }
    }
  }
}

export interface DemoOptions {
  dataDir: string;
  vertex: VertexStore;
  logs?: LogStore;
  predictors: Map<string, unknown>;
  runs: number;
  models: number;
  /** Fixed "now" for reproducible data (default: the current time). */
  nowMs?: number;
  /** The model zoo: the demo's SavedModels are its real exports (see the file comment). */
  zooDir?: string;
}

export interface DemoSummary {
  project: string;
  region: string;
  buckets: string[];
  pipelineJobs: number;
  customJobs: number;
  models: number;
  /** Model id → gs:// folder holding its version folders (what a deploy mounts). */
  modelFolders: Record<string, string>;
  /** The model whose pushed_model folder has saved_model.pb without a version folder. */
  unversionedModel?: string;
}

/** Deterministic pseudo-random numbers, so the demo is the same on every start. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function writeFile(root: string, gsPath: string, data: Uint8Array | string): void {
  const file = path.join(root, ...gsPath.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function generateDemo(o: DemoOptions): DemoSummary {
  const runs = Math.max(0, Math.min(500, o.runs));
  const modelCount = Math.max(0, Math.min(200, o.models));
  const now = o.nowMs ?? Date.now();
  const rand = rng(20240611);
  const parent = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}`;
  let idSeq = 4_000_000;
  const nextId = () => ++idSeq;
  const kinds: readonly DemoModel[] = DEMO_MODELS;
  const zoo = o.zooDir ? readZooManifest(o.zooDir) : undefined;
  const zooDir = (name: string) => {
    const entry = zoo!.models.find(m => m.name === name);
    if (!entry) throw new Error(`${o.zooDir}/manifest.json: no model ${name}`);
    return path.join(o.zooDir!, ...entry.path.split('/'));
  };
  const folderBase = (k: DemoModel) => (zoo ? ZOO_MODELS[k.id].folder : undefined) ?? FOLDER_NAMES[k.id] ?? k.id.replace(/_/g, '-');
  const displayNameOf = (k: DemoModel) => (zoo ? ZOO_MODELS[k.id].displayName : k.displayName);
  const pbByKind = new Map<string, Uint8Array>();
  for (const k of zoo ? [] : kinds) {
    const bytes = encodeSavedModel(k.spec);
    pbByKind.set(k.id, bytes);
    if (k.predictor) o.predictors.set(createHash('sha256').update(bytes).digest('hex'), k.predictor);
  }
  for (const b of [MODELS_BUCKET, PIPELINES_BUCKET, TRAINING_BUCKET]) fs.mkdirSync(path.join(o.dataDir, b), { recursive: true });
  const writeSavedModel = (gsDir: string, kind: DemoModel['id'] | string) => {
    if (zoo) {
      const z = kind in ZOO_MODELS ? ZOO_MODELS[kind as DemoModel['id']].zoo : kind;
      linkTree(zooDir(z), path.join(o.dataDir, ...gsDir.split('/')));
      return;
    }
    writeFile(o.dataDir, `${gsDir}/saved_model.pb`, pbByKind.get(kind)!);
    writeFile(o.dataDir, `${gsDir}/fingerprint.pb`, createHash('sha256').update(gsDir).digest());
    writeFile(o.dataDir, `${gsDir}/variables/variables.index`, Buffer.from(`demo variables index for ${kind}\n`));
    writeFile(o.dataDir, `${gsDir}/variables/variables.data-00000-of-00001`, Buffer.alloc(256, kind.length));
  };

  // Models first: each version comes from one successful run.
  interface Version { model: string; folder: string; kind: DemoModel; version: number; ts: string; createMs: number; blessed: boolean; recall: number; runId?: string }
  const versions: Version[] = [];
  const modelFolders: Record<string, string> = {};
  const used = new Map<string, number>();
  const regularModels = modelCount >= 4 ? modelCount - 1 : modelCount;
  for (let i = 0; i < regularModels; i++) {
    const kind = kinds[i % kinds.length];
    const n = (used.get(kind.id) ?? 0) + 1;
    used.set(kind.id, n);
    const folder = n === 1 ? folderBase(kind) : `${folderBase(kind)}-${n}`;
    modelFolders[folder] = `gs://${MODELS_BUCKET}/${folder}/pushed_model`;
    const count = 1 + (i % 3);
    for (let v = 1; v <= count; v++) {
      const createMs = now - (regularModels - i) * 86_400_000 / 2 - (count - v) * 3 * 3_600_000;
      const ts = String(Math.floor(createMs / 1000));
      versions.push({ model: folder, folder, kind, version: v, ts, createMs, blessed: v === count || rand() < 0.6, recall: 0.3 + rand() * 0.25 });
      writeSavedModel(`${MODELS_BUCKET}/${folder}/pushed_model/${ts}`, kind.id);
    }
  }

  // Pipeline runs, oldest first; the newest are still running or pending.
  const pipelineName = 'recsys-tfx';
  const pipelineRoot = `gs://${PIPELINES_BUCKET}/root`;
  const succeededSlots: number[] = [];
  const states: RunState[] = [];
  for (let j = 0; j < runs; j++) {
    const fromEnd = runs - 1 - j;
    let st: RunState;
    if (fromEnd === 0 && runs > 3) st = 'PENDING';
    else if (fromEnd <= 2 && runs > 3) st = 'RUNNING';
    else {
      const x = rand();
      st = x < 0.15 ? 'FAILED' : x < 0.2 ? 'CANCELLED' : 'SUCCEEDED';
    }
    if (j < 2 && runs > 5) st = j === 0 ? 'FAILED' : 'CANCELLED'; // every demo shows both
    states.push(st);
    if (st === 'SUCCEEDED') succeededSlots.push(j);
  }
  // Registered versions take the latest successful runs, in order.
  const linked = new Map<number, Version>();
  const byTime = [...versions].sort((a, b) => a.createMs - b.createMs);
  const slots = succeededSlots.slice(-byTime.length);
  byTime.slice(-slots.length).forEach((v, k) => linked.set(slots[k], v));
  for (let j = 0; j < runs; j++) {
    const v = linked.get(j);
    const createMs = v ? v.createMs - 3_600_000 : now - (runs - j) * 6 * 3_600_000;
    const runId = `${pipelineName}-${stamp(createMs)}${String(j % 100).padStart(2, '0')}`;
    const kind = v?.kind ?? kinds[j % kinds.length];
    const modelType = kind.id === 'ranking' ? 'ranking' : 'retrieval';
    const pushBase = v ? modelFolders[v.folder] : `gs://${MODELS_BUCKET}/unregistered/${modelType}/pushed_model`;
    const pushVersion = v?.ts ?? String(Math.floor((createMs + 50 * 60_000) / 1000));
    const blessed = v ? v.blessed : rand() < 0.7;
    const recall = v?.recall ?? 0.3 + rand() * 0.25;
    if (v) v.runId = runId;
    else if (states[j] === 'SUCCEEDED' && blessed) writeSavedModel(`${pushBase.slice(5)}/${pushVersion}`, kind.id);
    const metrics: Record<string, number> = modelType === 'ranking'
      ? { root_mean_squared_error: Number((0.85 + rand() * 0.2).toFixed(4)), loss: Number((0.75 + rand() * 0.2).toFixed(4)) }
      : { 'factorized_top_k/top_100_categorical_accuracy': Number(recall.toFixed(4)), 'factorized_top_k/top_10_categorical_accuracy': Number((recall / 3).toFixed(4)), recall_at_100: Number(recall.toFixed(4)) };
    const job = tfxPipelineJob({ parent, projectNumber: DEMO_PROJECT_NUMBER, pipelineName, runId, state: states[j], createMs, modelType, pushBase, pushVersion, blessed, metrics, pipelineRoot, nextId });
    o.vertex.pipelineJobs.set(job.name, job);
  }

  // Registered models and versions.
  const byModel = new Map<string, Version[]>();
  for (const v of versions) byModel.set(v.model, [...(byModel.get(v.model) ?? []), v]);
  for (const [folder, vs] of byModel) {
    const name = `${parent}/models/${o.vertex.newId()}`;
    const kind = vs[0].kind;
    const modelType = kind.id === 'ranking' ? 'ranking' : 'retrieval';
    const protoVersions = vs.map((v, k) => {
      const aliases: string[] = [];
      // Three versions: default stays on v2 while v3 is the challenger (default is not always the newest).
      if (vs.length === 3) { if (k === 1) aliases.push('default'); if (k === 2) aliases.push('challenger'); }
      else if (k === vs.length - 1) aliases.push('default');
      const labels: Record<string, string> = {
        training_run_id: (v.runId ?? `${pipelineName}-manual`).slice(0, 63), model_type: modelType, is_blessed: String(v.blessed),
        framework: 'tensorflow',
      };
      if (modelType === 'retrieval') {
        labels.retrieval_algorithm = zoo ? ZOO_MODELS[kind.id].algorithm ?? 'brute_force' : kind.id === 'retrieval_scann' ? 'scann' : 'brute_force';
        labels.recall_at_100 = v.recall.toFixed(4).replace('.', '_');
      }
      return {
        name, displayName: folder, description: `${displayNameOf(kind)} (${zoo ? ZOO_MODELS[kind.id].zoo : kind.id}) trained by the ${pipelineName} TFX pipeline`,
        versionId: String(v.version), versionAliases: aliases, versionDescription: `pushed_model/${v.ts}`,
        versionCreateTime: toTimestamp(v.createMs), versionUpdateTime: toTimestamp(v.createMs),
        createTime: toTimestamp(vs[0].createMs), updateTime: toTimestamp(vs[vs.length - 1].createMs),
        artifactUri: `${modelFolders[folder]}/${v.ts}`, labels,
        containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest' },
        supportedDeploymentResourcesTypes: ['DEDICATED_RESOURCES'], supportedExportFormats: [{ id: 'tf-saved-model', exportableContents: ['ARTIFACT'] }],
        modelSourceInfo: { sourceType: 'CUSTOM' }, etag: `AMEw9yN${createHash('sha1').update(name + v.version).digest('base64url').slice(0, 16)}=`,
        ...(v.runId ? { pipelineJob: `${parent}/pipelineJobs/${v.runId}` } : {}),
      };
    });
    o.vertex.models.set(name, { name, versions: protoVersions });
  }

  // One model pushed without a version folder: TF Serving finds no servable version in it.
  let unversionedModel: string | undefined;
  if (modelCount >= 4) {
    const folder = 'recsys-ranking-unversioned';
    const kind = kinds.find(k => k.id === 'ranking') ?? kinds[0];
    const ms = now - 3 * 3_600_000;
    writeSavedModel(`${MODELS_BUCKET}/${folder}/pushed_model`, kind.id);
    modelFolders[folder] = `gs://${MODELS_BUCKET}/${folder}/pushed_model`;
    const name = `${parent}/models/${o.vertex.newId()}`;
    unversionedModel = name;
    o.vertex.models.set(name, { name, versions: [{
      name, displayName: folder, description: 'Exported without a version folder (saved_model.pb directly under pushed_model/)',
      versionId: '1', versionAliases: ['default'], versionCreateTime: toTimestamp(ms), versionUpdateTime: toTimestamp(ms),
      createTime: toTimestamp(ms), updateTime: toTimestamp(ms), artifactUri: modelFolders[folder],
      labels: { training_run_id: 'manual-export', model_type: 'ranking', is_blessed: 'false', framework: 'tensorflow' },
      containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest' }, modelSourceInfo: { sourceType: 'CUSTOM' },
    }] });
  }

  // The zoo's other exports, one registered version each.
  for (const [k, x] of (zoo ? ZOO_EXTRA : []).entries()) {
    const ms = now - (k + 1) * 5 * 3_600_000;
    const ts = String(Math.floor(ms / 1000));
    modelFolders[x.folder] = `gs://${MODELS_BUCKET}/${x.folder}/pushed_model`;
    writeSavedModel(`${MODELS_BUCKET}/${x.folder}/pushed_model/${ts}`, x.zoo);
    const name = `${parent}/models/${o.vertex.newId()}`;
    o.vertex.models.set(name, { name, versions: [{
      name, displayName: x.folder, description: `${x.displayName} (${x.zoo}) trained by the ${pipelineName} TFX pipeline`,
      versionId: '1', versionAliases: ['default'], versionDescription: `pushed_model/${ts}`,
      versionCreateTime: toTimestamp(ms), versionUpdateTime: toTimestamp(ms), createTime: toTimestamp(ms), updateTime: toTimestamp(ms),
      artifactUri: `${modelFolders[x.folder]}/${ts}`,
      labels: { training_run_id: `${pipelineName}-manual`, model_type: x.modelType, is_blessed: 'true', framework: 'tensorflow' },
      containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest' }, modelSourceInfo: { sourceType: 'CUSTOM' },
    }] });
  }

  // Custom training jobs: the model lands in <baseOutputDirectory>/model/ (AIP_MODEL_DIR).
  const customCount = Math.max(3, Math.ceil(runs / 4));
  for (let c = 0; c < customCount; c++) {
    const id = String(7_000_000_000_000_000_000n + BigInt(c * 7919 + 11));
    const createMs = now - (customCount - c) * 9 * 3_600_000;
    const state = c === 0 ? 'JOB_STATE_FAILED' : c === customCount - 1 ? 'JOB_STATE_RUNNING' : c % 7 === 3 ? 'JOB_STATE_CANCELLED' : 'JOB_STATE_SUCCEEDED';
    const kind = kinds[c % kinds.length];
    const out = `gs://${TRAINING_BUCKET}/custom/${folderBase(kind)}/${stamp(createMs)}`;
    if (state === 'JOB_STATE_SUCCEEDED') writeSavedModel(`${out.slice(5)}/model`, kind.id);
    const job: Record<string, any> = {
      name: `${parent}/customJobs/${id}`, displayName: `${folderBase(kind)}-trainer-${stamp(createMs)}`,
      jobSpec: {
        workerPoolSpecs: [{
          machineSpec: { machineType: 'n1-standard-8', ...(c % 2 ? { acceleratorType: 'NVIDIA_TESLA_T4', acceleratorCount: 1 } : {}) }, replicaCount: '1',
          diskSpec: { bootDiskType: 'pd-ssd', bootDiskSizeGb: 100 },
          containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/training/tf-cpu.2-15.py310:latest', args: ['--epochs=5', `--model_type=${kind.id}`] },
        }],
        baseOutputDirectory: { outputUriPrefix: out },
        serviceAccount: `${DEMO_PROJECT_NUMBER}-compute@developer.gserviceaccount.com`,
      },
      state, createTime: toTimestamp(createMs), updateTime: toTimestamp(createMs + 40 * 60_000),
      labels: { model_type: kind.id === 'ranking' ? 'ranking' : 'retrieval', team: 'recsys' },
    };
    job.startTime = toTimestamp(createMs + 60_000);
    if (state !== 'JOB_STATE_RUNNING') job.endTime = toTimestamp(createMs + 40 * 60_000);
    if (state === 'JOB_STATE_FAILED') job.error = { code: 3, message: 'The replica workerpool0-0 exited with a non-zero status of 1. Termination reason: Error.' };
    o.vertex.customJobs.set(job.name, job);
  }

  return {
    project: DEMO_PROJECT, region: DEMO_REGION, buckets: [MODELS_BUCKET, PIPELINES_BUCKET, TRAINING_BUCKET],
    pipelineJobs: runs, customJobs: customCount, models: o.vertex.models.size, modelFolders, unversionedModel,
  };
}
