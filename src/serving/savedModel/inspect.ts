/**
 * Inspects a model folder the way TF Serving will see it: finds the version it would serve,
 * decodes saved_model.pb, reads the `serve` signatures and ops, and picks the container.
 */
import { chooseContainer, type ContainerKind } from '../routing/chooseContainer';
import { findCustomOps, type CustomOpUse } from './customOps';
import { decodeSavedModel } from './decode';
import { SavedModelError } from './errors';
import { emptyInspection, isServable, type ModelInspection, type SignatureSummary, type TensorSummary } from './inspection';
import { DEFAULT_SIGNATURE, type MetaGraphSummary, type ModelFileSource, type SavedModelProto, type TensorSpec } from './types';

export interface InspectOptions {
  /** Model labels (hints for routing, e.g. retrieval_algorithm=scann). */
  labels?: Record<string, string>;
  /** Force a container; inspection warns when that will fail or cost more. */
  override?: ContainerKind;
}

const SAVED_MODEL = 'saved_model.pb';
const SERVE_TAG = 'serve';
/** The TF release inside tensorflow/serving:2.19.0. */
const SERVING_TF = [2, 19] as const;

export async function inspectModelFolder(src: ModelFileSource, dir: string, opts: InspectOptions = {}): Promise<ModelInspection> {
  const base = trimSlash(dir);
  const ins = emptyInspection(src.describe(base));
  let custom: CustomOpUse[] = [];
  try {
    const modelDir = await locateModel(src, base, ins);
    const pb = joinPath(modelDir, SAVED_MODEL);
    const model = decodeSavedModel(await src.read(pb), src.describe(pb));
    custom = describeModel(model, ins);
  } catch (e) {
    if (e instanceof SavedModelError) {
      ins.errors.push(e.message);
      ins.errorCode = e.code;
    } else {
      ins.errors.push(`${ins.path}: ${(e as Error)?.message ?? String(e)}`);
      ins.errorCode = 'io';
    }
  }
  const routing = chooseContainer(
    { customOps: custom, ops: ins.ops, errors: ins.errors },
    { labels: opts.labels, override: opts.override },
  );
  ins.container = routing.container;
  ins.reasons.push(...routing.reasons);
  ins.warnings.push(...routing.warnings);
  ins.pythonPackages = routing.pythonPackages;
  ins.pythonModules = routing.pythonModules;
  if (routing.willFail) {
    // The model itself is fine; the container the user forced is not. Still an error: serving it
    // that way fails, so the answer to "servable?" is no (the Python server would serve it).
    ins.errors.push(`the forced ${routing.container} container cannot serve this model: ${routing.willFail}; the Python server can (leave the container to the routing, or choose python)`);
    ins.errorCode ??= 'container-will-fail';
  }
  ins.servable = isServable(ins);
  return ins;
}

/** Fills versions/version/modelDir/format and returns the folder that must hold saved_model.pb. */
async function locateModel(src: ModelFileSource, base: string, ins: ModelInspection): Promise<string> {
  const entries = await src.list(base);
  if (entries.length === 0) throw new SavedModelError('not-found', `${ins.path}: folder is empty or does not exist`);
  const files = entries.filter(e => !e.endsWith('/'));
  const versionDirs = entries.filter(e => e.endsWith('/')).map(e => e.slice(0, -1)).filter(n => /^\d+$/.test(n));

  if (versionDirs.length === 0) {
    ins.modelDir = ins.path;
    checkModelFiles(files, ins.path, ins, entries);
    const last = base.split('/').pop() ?? '';
    // A version folder itself (a TFX Pusher's pushed_model/<timestamp>) is what a deploy mounts as
    // /models/NAME/<version>: nothing goes wrong, so no warning (one always shown teaches users to
    // ignore warnings).
    if (!/^\d+$/.test(last)) {
      ins.warnings.push(`${ins.path} holds ${SAVED_MODEL} directly, with no numeric version folder: TF Serving serves MODEL/VERSION/${SAVED_MODEL}, so it must be served from a version folder such as 1/`);
    }
    return base;
  }

  // TF Serving orders versions by their integer value (00000124 > 123); timestamps exceed 2^31.
  versionDirs.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  ins.versions = versionDirs;
  const version = versionDirs[versionDirs.length - 1];
  ins.version = version;
  const modelDir = joinPath(base, version);
  ins.modelDir = src.describe(modelDir);
  if (versionDirs.length > 1) {
    ins.warnings.push(`${versionDirs.length} versions (${versionDirs.join(', ')}): TF Serving serves only the highest, ${version}`);
  }
  if (files.includes(SAVED_MODEL)) {
    ins.warnings.push(`${ins.path}/${SAVED_MODEL} is ignored: TF Serving loads the version folders, here ${version}`);
  }
  const inside = await src.list(modelDir);
  checkModelFiles(inside.filter(e => !e.endsWith('/')), ins.modelDir, ins, inside);
  return modelDir;
}

/** Throws the right error when a folder has no saved_model.pb; sets ins.format. */
function checkModelFiles(files: string[], where: string, ins: ModelInspection, entries: string[]): void {
  if (files.includes(SAVED_MODEL)) {
    ins.format = 'saved_model';
    return;
  }
  if (files.includes('saved_model.pbtxt')) {
    ins.format = 'saved_model';
    throw new SavedModelError('pbtxt', `${where}: holds a text-format saved_model.pbtxt, which ml-serving cannot read; export the binary ${SAVED_MODEL} (tf.saved_model.save writes it)`);
  }
  const tflite = files.filter(f => f.endsWith('.tflite'));
  if (tflite.length > 0) {
    ins.format = 'tflite';
    throw new SavedModelError('tflite', `${where}: holds only a TensorFlow Lite model (${tflite.join(', ')}) and no ${SAVED_MODEL}; TF Serving serves SavedModels, so export one with tf.saved_model.save`);
  }
  const legacy = files.filter(f => f === 'export.meta' || f.startsWith('export.') || f === 'export' || f === 'checkpoint');
  if (legacy.length > 0) {
    ins.format = 'session_bundle';
    throw new SavedModelError('session-bundle', `${where}: a legacy TF1 SessionBundle export (${legacy.join(', ')}) and no ${SAVED_MODEL}; TF Serving no longer loads SessionBundles, re-export it as a SavedModel`);
  }
  const seen = entries.length > 8 ? `${entries.slice(0, 8).join(', ')}, ...` : entries.join(', ');
  throw new SavedModelError('no-saved-model', `${where}: no ${SAVED_MODEL} and no numeric version folder holding one (found: ${seen})`);
}

/** Fills the meta graph, signature and op fields; returns the served graph's custom ops. */
function describeModel(model: SavedModelProto, ins: ModelInspection): CustomOpUse[] {
  ins.metaGraphs = model.metaGraphs.map(m => ({ tags: m.tags, tensorflowVersion: m.tensorflowVersion ?? null }));
  const serve = pickServeGraph(model.metaGraphs, ins);
  ins.tensorflowVersion = serve.tensorflowVersion ?? null;
  ins.ops = serve.ops;
  const custom = findCustomOps(serve.ops, serve.opSources);
  ins.customOps = custom.map(u => ({
    op: u.op, where: u.where, library: u.set?.library ?? null, package: u.set?.pythonPackage ?? null,
  }));
  for (const [key, sig] of Object.entries(serve.signatures)) {
    const tensors = (m: Record<string, TensorSpec>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tensorSummary(t)]));
    ins.signatures[key] = { method: sig.methodName, inputs: tensors(sig.inputs), outputs: tensors(sig.outputs) } satisfies SignatureSummary;
  }
  const keys = Object.keys(ins.signatures);
  if (keys.length === 0) {
    throw new SavedModelError('no-signatures', `${ins.modelDir}: the meta graph tagged '${SERVE_TAG}' has no signatures, so TF Serving has nothing a client can call; export with signatures={'${DEFAULT_SIGNATURE}': ...}`);
  }
  if (!keys.includes(DEFAULT_SIGNATURE)) {
    ins.warnings.push(`no '${DEFAULT_SIGNATURE}' signature: every request must name one of ${keys.map(k => `'${k}'`).join(', ')} as signature_name`);
  }
  const newer = newerThanServing(ins.tensorflowVersion);
  if (newer) ins.warnings.push(`exported with TensorFlow ${ins.tensorflowVersion}, newer than the ${SERVING_TF.join('.')} in TF Serving; ops added since may not load`);
  return custom;
}

/** TF Serving loads the meta graph whose tag set is exactly {serve} (its --saved_model_tags default). */
function pickServeGraph(metaGraphs: MetaGraphSummary[], ins: ModelInspection): MetaGraphSummary {
  const exact = metaGraphs.find(m => m.tags.length > 0 && m.tags.every(t => t === SERVE_TAG));
  if (exact) return exact;
  const found = metaGraphs.map(m => (m.tags.length ? `[${m.tags.join(', ')}]` : '[] (untagged, as in a TF1 Hub module)')).join(', ');
  const partial = metaGraphs.some(m => m.tags.includes(SERVE_TAG));
  throw new SavedModelError(
    'no-serve-tag',
    `${ins.modelDir}: no meta graph tagged exactly '${SERVE_TAG}' (found ${found}); the SavedModel is valid, but TF Serving loads the '${SERVE_TAG}' meta graph` +
      (partial ? ` unless started with --saved_model_tags set to the other tags` : `, so re-export it with tags=['${SERVE_TAG}'] (tf.saved_model.save does)`),
  );
}

function tensorSummary(t: TensorSpec): TensorSummary {
  return { name: t.name, dtype: t.dtype, shape: t.shape ?? null };
}

function newerThanServing(version: string | null): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > SERVING_TF[0] || (major === SERVING_TF[0] && minor > SERVING_TF[1]);
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
