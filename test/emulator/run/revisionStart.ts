/**
 * A new revision starts: the serving container reads its model from the Cloud Storage mount.
 * With Python and TensorFlow (`deps.serving`), the real deploy/tf_serving_python server runs on the
 * mounted folder for both images (pythonServer.ts): the Python image with its op packages, the
 * native image with none, so TensorFlow itself fails a custom-op model, and what it prints goes to
 * the revision's logs. Without them (a demo on a machine without TensorFlow), the TypeScript
 * stand-in serves and the failures are reproduced from the SavedModel's ops with TF's texts.
 * Either way Cloud Run's front (front.ts) stays in front: ID tokens, request logs, faults.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { decodeSavedModel } from '../../../src/serving/savedModel/decode';
import { isCustomOp, customOpSetFor, stockLibraryOps } from '../../../src/serving/savedModel/customOps';
import type { DemoPredictor, StandIn, startServingStandIn } from '../serving/standIn';
import { startFront } from '../serving/front';
import { hasModule, proxyTo, startRealServer, type PythonServing, type StartupProbe } from '../serving/pythonServer';
import type { Identity } from '../identity/identity';
import { loadingLines } from '../serving/startupLog';
import type { Faults } from '../faults';
import { startHelloContainer } from './helloContainer';
import { isNativeTfServing, locateModel, servesModel } from './modelMount';
import { RevisionLogger, glog, gunicorn } from './revisionLog';
import { ingressContainer } from './store';

export interface RevisionStartInput {
  serviceId: string;
  revisionId: string;
  template: any;
  gcsRoot: string;
  coldStartMs?: number;
  public: boolean;
  /** The service URL: the audience ID tokens must carry. */
  audience: string;
}

export interface RevisionStartDeps {
  startStandIn: typeof startServingStandIn;
  identity: Identity;
  /** IAM run.invoker check for a caller whose ID token verified. */
  isInvoker(email: string): boolean;
  /** Predictors of known models, by sha256 of their saved_model.pb. */
  predictors: Map<string, unknown>;
  faults: Faults;
  log: RevisionLogger;
  /** Python with TensorFlow: revisions run the real server. Absent: the stand-in. */
  serving?: PythonServing;
}

export type RevisionStartResult =
  | { ok: true; instance: StandIn; version?: string; real?: { pid: number; coldStartMs: number; image: 'python' | 'native' } }
  | { ok: false; reason: string };

const OP_NOT_REGISTERED = (op: string) =>
  `Op type not registered '${op}' in binary running on localhost. Make sure the Op and Kernel are registered in the binary running in this process. Note that if you are loading a saved graph which used ops from tf.contrib, accessing (e.g.) \`tf.contrib.resampler\` should be done before importing the graph, as contrib ops are lazily registered when the module is first accessed.`;

/** Op namespaces the Python server registers before loading (it imports scann). */
const PYTHON_SERVER_OP_SETS = new Set(['scann']);

/** Modules that register the extra op libraries the stock TF Serving binary links. */
const STOCK_LIBRARY_MODULES: Record<string, string> = { 'TF Text': 'tensorflow_text', 'TF Decision Forests': 'tensorflow_decision_forests' };

/** The container's startup probe as the product configures it; Cloud Run's default TCP probe otherwise. */
export function startupProbeOf(container: any): StartupProbe {
  const p = container.startupProbe;
  const n = (v: unknown, d: number) => (v === undefined || v === null || v === '' ? d : Number(v));
  if (!p) return { initialDelaySeconds: 0, periodSeconds: 240, timeoutSeconds: 240, failureThreshold: 1 };
  return {
    path: p.httpGet ? p.httpGet.path || '/' : undefined,
    initialDelaySeconds: n(p.initialDelaySeconds, 0), periodSeconds: n(p.periodSeconds, 10) || 10,
    timeoutSeconds: n(p.timeoutSeconds, 1) || 1, failureThreshold: n(p.failureThreshold, 3) || 3,
  };
}

export async function startRevision(input: RevisionStartInput, deps: RevisionStartDeps): Promise<RevisionStartResult> {
  const { log } = deps;
  const container = ingressContainer(input.template);
  const image: string = container.image ?? '';
  const port: number = container.ports?.[0]?.containerPort ?? 8080;
  log('varlog/system', 'INFO', { textPayload: 'Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started due to traffic shifting between revisions due to deployment, traffic split adjustment, or deployment health check.' });

  if (!servesModel(input.template)) {
    const instance = await startHelloContainer(log);
    log('varlog/system', 'INFO', { textPayload: `Default STARTUP TCP probe succeeded after 1 attempt for container "${container.name || 'app-1'}" on port ${port}.` });
    return { ok: true, instance };
  }

  const native = isNativeTfServing(image);
  const loc = locateModel(input.template, input.gcsRoot);
  const name = loc.modelName;
  // The real Python server checks the folder and prints its own errors.
  if (deps.serving && !native) return startReal(input, deps, loc, 'python', []);
  // Plain text on stderr has no severity in Cloud Run (DEFAULT), as real entries show.
  const pending: string[] = [];
  const stderr = (level: 'I' | 'W' | 'E', where: string, text: string) =>
    log('stderr', 'DEFAULT', { textPayload: native ? glog(level, where, text) : gunicorn(level === 'E' ? 'ERROR' : 'INFO', text, 2) });
  const fail = (level: 'W' | 'E', where: string, text: string): RevisionStartResult => {
    // The stand-in prints TF Serving's loading lines when it starts; a failed load prints them here.
    pending.forEach(t => log('stderr', 'DEFAULT', { textPayload: t }));
    stderr(level, where, text);
    return { ok: false, reason: text };
  };

  if (native) {
    pending.push(...loadingLines(new Date(), name, loc.containerPath));
  } else {
    log('stderr', 'INFO', { textPayload: gunicorn('INFO', 'Starting gunicorn 23.0.0') });
    log('stderr', 'INFO', { textPayload: gunicorn('INFO', `Listening at: http://0.0.0.0:${port} (1)`) });
    log('stderr', 'INFO', { textPayload: gunicorn('INFO', 'Using worker: gthread') });
    log('stderr', 'INFO', { textPayload: gunicorn('INFO', 'Booting worker with pid: 2') });
  }

  // Version folders either live inside one mounted base folder or are mount points themselves.
  const versionDir = (v: string) => loc.versionMounts?.[v]?.localDir ?? path.join(loc.localDir ?? '', v);
  const mountedVersions = Object.keys(loc.versionMounts ?? {}).filter(v => isDir(versionDir(v)));
  if (!mountedVersions.length && (!loc.localDir || !isDir(loc.localDir))) {
    return native
      ? fail('E', 'tensorflow_serving/sources/storage_path/file_system_storage_path_source.cc:353', `FileSystemStoragePathSource encountered a filesystem access error: Could not find base path ${loc.containerPath} for servable ${name} with error NOT_FOUND: ${loc.containerPath} not found`)
      : fail('E', '', `OSError: SavedModel file does not exist at: ${loc.containerPath}/{saved_model.pbtxt|saved_model.pb}`);
  }
  const versions = (mountedVersions.length ? mountedVersions : fs.readdirSync(loc.localDir!, { withFileTypes: true })
    .filter(d => d.isDirectory() && /^\d+$/.test(d.name)).map(d => d.name))
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  if (!versions.length) {
    return native
      ? fail('W', 'tensorflow_serving/sources/storage_path/file_system_storage_path_source.cc:267', `No versions of servable ${name} found under base path ${loc.containerPath}. Did you forget to name your leaf directory as a number (eg. '/1/')?`)
      : fail('E', '', `ValueError: no numeric version folder under ${loc.containerPath}: expected ${loc.containerPath}/<version>/saved_model.pb`);
  }
  // TF Serving's default version policy serves the latest (highest) version only.
  const version = versions[versions.length - 1];
  const exportDir = `${loc.containerPath}/${version}`;
  const servable = `{name: ${name} version: ${version}}`;
  const loadFailed = (status: string, text: string) => native
    ? fail('E', 'tensorflow_serving/util/retrier.cc:40', `Loading servable: ${servable} failed: ${status}: ${text}`)
    : fail('E', '', text);
  if (native) {
    const g = (where: string, text: string) => glog('I', where, text);
    pending.push(
      g('tensorflow_serving/core/basic_manager.cc:740', `Successfully reserved resources to load servable ${servable}`),
      g('tensorflow_serving/core/loader_harness.cc:74', `Loading servable version ${servable}`),
      g('external/org_tensorflow/tensorflow/cc/saved_model/reader.cc:83', `Reading SavedModel from: ${exportDir}`),
    );
  } else {
    log('stderr', 'INFO', { textPayload: gunicorn('INFO', `Loading SavedModel from ${exportDir}`, 2) });
  }
  const pb = path.join(versionDir(version), 'saved_model.pb');
  if (!fs.existsSync(pb)) {
    return loadFailed('NOT_FOUND', `Could not find SavedModel .pb or .pbtxt at supplied export directory path: ${exportDir}. Check that the directory exists and that you have the right permissions for accessing it.`);
  }
  const bytes = fs.readFileSync(pb);
  let meta;
  try {
    meta = decodeSavedModel(bytes, `${exportDir}/saved_model.pb`).metaGraphs.find(m => m.tags.includes('serve'));
  } catch {
    return loadFailed('DATA_LOSS', `Can't parse ${exportDir}/saved_model.pb as binary proto`);
  }
  if (!meta) {
    return loadFailed('NOT_FOUND', 'Could not find meta graph def matching supplied tags: { serve }. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: `saved_model_cli`');
  }
  if (deps.serving) {
    // The stock binary links TF Text and Decision Forests ops; TensorFlow here has them only when
    // their packages are installed. Where not, say so and serve with the stand-in rather than fail
    // a model real TF Serving would serve.
    const extra: string[] = [];
    const lacking: string[] = [];
    for (const g of stockLibraryOps(meta.ops)) {
      const mod = STOCK_LIBRARY_MODULES[g.library];
      if (mod && await hasModule(deps.serving.python, mod)) extra.push(mod);
      else lacking.push(`${g.library} (${g.ops.slice(0, 3).join(', ')}${g.ops.length > 3 ? ', ...' : ''}; Python package ${mod ?? '?'})`);
    }
    if (!lacking.length) return startReal(input, deps, loc, 'native', extra);
    log('stderr', 'WARNING', { textPayload: `emulator: the stock TF Serving binary links the ops of ${lacking.join(' and ')}, which this emulator's TensorFlow cannot load; it cannot reproduce serving this model, so a stand-in with emulated outputs answers instead.` });
  }
  const missing = meta.ops.filter(op => isCustomOp(op) && (native || !PYTHON_SERVER_OP_SETS.has(customOpSetFor(op)?.id ?? '')));
  if (missing.length) {
    // The Scann op is the one TF reports first for a TFRS ScaNN index (the search op of the serving signature).
    const op = missing.find(o => o === 'Scann>ScannSearchBatched') ?? missing[0];
    return native ? loadFailed('NOT_FOUND', OP_NOT_REGISTERED(op)) : fail('E', '', `tensorflow.python.framework.errors_impl.NotFoundError: ${OP_NOT_REGISTERED(op)}`);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  const instance = await deps.startStandIn({
    modelName: name,
    versions: [{ version, signatures: meta.signatures }],
    coldStartMs: input.coldStartMs,
    modelBasePath: loc.containerPath,
    auth: {
      public: input.public,
      audience: input.audience,
      verify: (token, audience) => deps.identity.verify(token, audience),
      isInvoker: email => deps.isInvoker(email),
    },
    predictor: deps.predictors.get(digest) as DemoPredictor | undefined,
    log: e => log(e.logName, e.severity, { textPayload: e.textPayload, jsonPayload: e.jsonPayload, httpRequest: e.httpRequest as unknown as Record<string, unknown>, timestamp: e.timestamp }),
    faults: { takePredictFailure: () => deps.faults.takePredictFailure(input.serviceId), addedLatencyMs: () => deps.faults.latencyMs('predict') },
  });
  log('varlog/system', 'INFO', { textPayload: `Default STARTUP TCP probe succeeded after 1 attempt for container "${container.name || 'serving-1'}" on port ${port}.` });
  return { ok: true, instance, version };
}

/** The real server on the mounted folder, with Cloud Run's front in front of it. */
async function startReal(input: RevisionStartInput, deps: RevisionStartDeps, loc: ReturnType<typeof locateModel>, image: 'python' | 'native', extraModules: string[]): Promise<RevisionStartResult> {
  const { log } = deps;
  const container = input.template.containers?.[0] ?? {};
  const port: number = container.ports?.[0]?.containerPort ?? 8080;
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (typeof e.value === 'string' && !['MODEL_NAME', 'MODEL_BASE_PATH', 'PORT', 'PYTHONPATH', 'EXTRA_OP_MODULES'].includes(e.name)) env[e.name] = e.value;
  const probe = startupProbeOf(container);
  const versionDirs = loc.versionMounts ? Object.fromEntries(Object.entries(loc.versionMounts).map(([v, m]) => [v, m.localDir])) : undefined;
  const r = await startRealServer({
    serving: deps.serving!, image, modelName: loc.modelName, containerBasePath: loc.containerPath,
    baseDir: versionDirs ? undefined : loc.localDir, versionDirs, extraModules, env, probe,
    log: (line, stream) => log(stream, 'DEFAULT', { textPayload: line }),
  });
  const cname = container.name || 'serving-1';
  if (!r.ok) {
    // Cloud Run's system lines: the container exited, or its startup probe never passed.
    const system = r.probeFailed
      ? (probe.path === undefined
        ? `STARTUP TCP probe failed ${probe.failureThreshold} times consecutively for container "${cname}" on port ${port}. The instance was not started.`
        : `STARTUP HTTP probe failed ${probe.failureThreshold} times consecutively for container "${cname}" on port ${port} path "${probe.path}". The instance was not started.`)
      : `Container called exit(${r.exitCode ?? 1}).`;
    log('varlog/system', r.probeFailed ? 'ERROR' : 'WARNING', { textPayload: system });
    return { ok: false, reason: r.reason };
  }
  const proxy = proxyTo(r.server.port);
  let front;
  try {
    front = await startFront({
      auth: {
        public: input.public, audience: input.audience,
        verify: (token, audience) => deps.identity.verify(token, audience),
        isInvoker: email => deps.isInvoker(email),
      },
      log: e => log(e.logName, e.severity, { textPayload: e.textPayload, jsonPayload: e.jsonPayload, httpRequest: e.httpRequest as unknown as Record<string, unknown>, timestamp: e.timestamp }),
      faults: { takePredictFailure: () => deps.faults.takePredictFailure(input.serviceId), addedLatencyMs: () => deps.faults.latencyMs('predict') },
      container: proxy.call,
    });
  } catch (e) {
    proxy.close();
    await r.server.close();
    throw e;
  }
  const attempts = `${r.server.probeAttempts} attempt${r.server.probeAttempts === 1 ? '' : 's'}`;
  log('varlog/system', 'INFO', { textPayload: probe.path === undefined
    ? `Default STARTUP TCP probe succeeded after ${attempts} for container "${cname}" on port ${port}.`
    : `STARTUP HTTP probe succeeded after ${attempts} for container "${cname}" on port ${port} path "${probe.path}".` });
  const instance: StandIn = {
    ...front,
    close: async () => { await front.close(); proxy.close(); await r.server.close(); },
  };
  return { ok: true, instance, real: { pid: r.server.pid, coldStartMs: r.server.coldStartMs, image } };
}

function isDir(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}
