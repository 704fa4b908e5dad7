/**
 * A model deployed to a Vertex AI endpoint, running: the same real server Cloud Run revisions use
 * (serving/pythonServer.ts), one per deployed model. The prebuilt TF serving container stands for
 * the stock binary (no op packages: a custom-op model fails with TensorFlow's own text), started on
 * the model's artifact folder. The project's Python image, registered as a custom container, is
 * started the way Vertex AI starts one: the AIP_* variables from the Model's containerSpec (ports,
 * routes, env) and AIP_STORAGE_URI = the model's artifactUri, a gs:// URI its TensorFlow reads
 * through its own GCS filesystem from the emulator's Cloud Storage (gcs/front.ts). Vertex AI copies
 * the artifacts to a bucket of its own first; the emulator points at artifactUri itself (same bytes).
 * Without Python and TensorFlow the TypeScript stand-in answers.
 * Its output goes to the endpoint's logs (resource aiplatform.googleapis.com/Endpoint).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { decodeSavedModel } from '../../../src/serving/savedModel/decode';
import { isCustomOp } from '../../../src/serving/savedModel/customOps';
import { isPrebuiltTfImage } from '../../../src/serving/endpoints/deployPlan';
import type { LogStore } from '../logging/store';
import { startRealServer, type PythonServing } from '../serving/pythonServer';
import { storageFront } from '../gcs/front';
import type { DemoPredictor, startServingStandIn } from '../serving/standIn';
import type { Proto } from './store';

export interface EndpointLogIdentity {
  project: string;
  location: string;
  endpointId: string;
  deployedModelId: string;
}

export type EndpointLogName = 'prediction_container' | 'prediction_access';

export type EndpointLogger = (logName: EndpointLogName, severity: string, payload: { textPayload?: string; jsonPayload?: Record<string, unknown>; httpRequest?: Record<string, unknown> }) => void;

/** Entries as Vertex AI writes them for an endpoint: the container's output and its access log. */
export function endpointLogger(logs: LogStore, id: EndpointLogIdentity, projectNumber: string): EndpointLogger {
  return (logName, severity, payload) => {
    logs.append({
      logName: `projects/${id.project}/logs/${encodeURIComponent(`aiplatform.googleapis.com/${logName}`)}`,
      resource: {
        type: 'aiplatform.googleapis.com/Endpoint',
        labels: { endpoint_id: id.endpointId, deployed_model_id: id.deployedModelId, location: id.location, resource_container: `projects/${projectNumber}` },
      },
      severity,
      ...payload,
    });
  };
}

export interface RunningModel {
  /** Base URL of the server (TF Serving REST API). */
  url: string;
  /** MODEL_NAME the server serves: `/v1/models/<modelName>:predict`. */
  modelName: string;
  /** Where Vertex forwards predict requests inside the container. */
  predictRoute: string;
  close(): Promise<void>;
}

export type StartResult = { ok: true; model: RunningModel } | { ok: false; reason: string };

export interface ModelRuntimeDeps {
  gcsRoot: string;
  serving?: PythonServing;
  startStandIn: typeof startServingStandIn;
  predictors: Map<string, unknown>;
}

const OP_NOT_REGISTERED = (op: string) => `Op type not registered '${op}' in binary running on localhost. Make sure the Op and Kernel are registered in the binary running in this process.`;

/** `gs://bucket/dir` → the emulator's folder behind it. */
export function localDirOf(gcsRoot: string, uri: string): string | undefined {
  const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri ?? '');
  if (!m) return undefined;
  return path.join(gcsRoot, m[1], ...m[2].split('/').filter(Boolean));
}

/** Where the deployed model runs: Vertex AI's defaults for the routes name them. */
export interface DeployedIds { endpointId: string; deployedModelId: string }

/** Vertex AI's container port: containerSpec.ports[0], else 8080. */
export function containerPortOf(spec: Proto): number {
  const p = Number(spec?.ports?.[0]?.containerPort);
  return Number.isInteger(p) && p > 0 ? p : 8080;
}

/**
 * The variables Vertex AI sets in a custom container, from the Model's containerSpec: its env
 * first, the AIP_* contract over it. Routes default as Vertex AI documents them
 * (/v1/endpoints/ENDPOINT/deployedModels/DEPLOYED_MODEL[:predict]).
 */
export function aipEnvironment(spec: Proto, artifactUri: string, ids: DeployedIds, port: number): Record<string, string> {
  const base = `/v1/endpoints/${ids.endpointId}/deployedModels/${ids.deployedModelId}`;
  const env: Record<string, string> = {};
  for (const e of spec?.env ?? []) if (e && typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
  return {
    ...env,
    AIP_MODE: 'PREDICTION', AIP_MODE_VERSION: '1.0.0',
    AIP_HTTP_PORT: String(port),
    AIP_HEALTH_ROUTE: typeof spec?.healthRoute === 'string' && spec.healthRoute ? spec.healthRoute : base,
    AIP_PREDICT_ROUTE: typeof spec?.predictRoute === 'string' && spec.predictRoute ? spec.predictRoute : `${base}:predict`,
    AIP_STORAGE_URI: artifactUri,
    AIP_ENDPOINT_ID: ids.endpointId, AIP_DEPLOYED_MODEL_ID: ids.deployedModelId,
  };
}

export async function startDeployedModel(version: Proto, deps: ModelRuntimeDeps, log: EndpointLogger, ids: DeployedIds = { endpointId: '0', deployedModelId: '0' }): Promise<StartResult> {
  const spec = version.containerSpec ?? {};
  const image: string = spec.imageUri ?? '';
  const prebuilt = isPrebuiltTfImage(image);
  if (deps.serving && !prebuilt) return startCustomContainer(version, deps.serving, deps.gcsRoot, log, ids);
  const envName = (spec.env ?? []).find((e: Proto) => e.name === 'MODEL_NAME')?.value;
  const modelName: string = prebuilt ? 'model' : envName ?? 'model';
  const predictRoute: string = prebuilt ? `/v1/models/${modelName}:predict` : spec.predictRoute || `/v1/models/${modelName}:predict`;
  const healthRoute: string = prebuilt ? `/v1/models/${modelName}` : spec.healthRoute || `/v1/models/${modelName}`;
  const stderr = (text: string) => log('prediction_container', 'ERROR', { textPayload: text });
  const dir = localDirOf(deps.gcsRoot, version.artifactUri);
  if (!dir || !fs.existsSync(path.join(dir, 'saved_model.pb'))) {
    const reason = `Failed to find a SavedModel in ${version.artifactUri || '(no artifact_uri)'}: expected saved_model.pb directly under the model's artifact_uri`;
    stderr(reason);
    return { ok: false, reason };
  }
  if (deps.serving) {
    const r = await startRealServer({
      serving: deps.serving, image: prebuilt ? 'native' : 'python', modelName, containerBasePath: `/models/${modelName}`,
      versionDirs: { '1': dir },
      env: Object.fromEntries((spec.env ?? []).filter((e: Proto) => typeof e.value === 'string').map((e: Proto) => [e.name, e.value])),
      probe: { path: healthRoute, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 120 },
      log: (line, stream) => log('prediction_container', stream === 'stderr' ? 'ERROR' : 'INFO', { textPayload: line }),
    });
    if (!r.ok) return { ok: false, reason: r.reason };
    return { ok: true, model: { url: r.server.url, modelName, predictRoute: `/v1/models/${modelName}:predict`, close: () => r.server.close() } };
  }
  // Stand-in: the prebuilt container fails a custom-op model as the stock binary would.
  const bytes = fs.readFileSync(path.join(dir, 'saved_model.pb'));
  let meta;
  try { meta = decodeSavedModel(bytes, `${version.artifactUri}/saved_model.pb`).metaGraphs.find(m => m.tags.includes('serve')); } catch { meta = undefined; }
  if (!meta) { const reason = `Could not load the SavedModel in ${version.artifactUri}`; stderr(reason); return { ok: false, reason }; }
  const missing = prebuilt ? meta.ops.filter(isCustomOp) : [];
  if (missing.length) { const reason = `tensorflow.python.framework.errors_impl.NotFoundError: ${OP_NOT_REGISTERED(missing[0])}`; stderr(reason); return { ok: false, reason }; }
  const digest = createHash('sha256').update(bytes).digest('hex');
  const instance = await deps.startStandIn({
    modelName, versions: [{ version: '1', signatures: meta.signatures }],
    auth: { public: true, verify: () => ({ email: 'vertex-ai' }) },
    predictor: deps.predictors.get(digest) as DemoPredictor | undefined,
    log: e => { if (e.logName !== 'requests') log('prediction_container', e.severity, { textPayload: e.textPayload, jsonPayload: e.jsonPayload }); },
  });
  return { ok: true, model: { url: instance.url, modelName, predictRoute, close: () => instance.close() } };
}

/**
 * The project's Python image as Vertex AI runs a custom container: server.py with the AIP_*
 * variables of the Model's containerSpec, loading the model itself from AIP_STORAGE_URI (gs://,
 * through TensorFlow's GCS filesystem and the emulator's storage proxy). Health and predict go to
 * the spec's routes; a route server.py refuses fails the deploy with server.py's own message.
 */
async function startCustomContainer(version: Proto, serving: PythonServing, gcsRoot: string, log: EndpointLogger, ids: DeployedIds): Promise<StartResult> {
  const spec = version.containerSpec ?? {};
  const artifactUri = String(version.artifactUri ?? '').replace(/\/+$/, '');
  if (!localDirOf(gcsRoot, artifactUri)) {
    const reason = `artifact_uri: expected a gs:// URI of the model's artifacts, got ${JSON.stringify(version.artifactUri ?? '')}`;
    log('prediction_container', 'ERROR', { textPayload: reason });
    return { ok: false, reason };
  }
  let front;
  try { front = await storageFront(gcsRoot); } catch (e) {
    const reason = `emulator: Cloud Storage is not reachable for the model server: ${e instanceof Error ? e.message : String(e)}`;
    log('prediction_container', 'ERROR', { textPayload: reason });
    return { ok: false, reason };
  }
  // The port is picked free by startRealServer and passed as AIP_HTTP_PORT (it overrides this one).
  const env = { ...aipEnvironment(spec, artifactUri, ids, containerPortOf(spec)), ...front.env };
  const modelName = env.MODEL_NAME || 'model';
  // A route no HTTP request can carry (server.py refuses it and exits, saying why): probe the port meanwhile.
  const probePath = /^\/[\x21-\x7e]*$/.test(env.AIP_HEALTH_ROUTE) ? env.AIP_HEALTH_ROUTE : undefined;
  const r = await startRealServer({
    serving, image: 'python', modelName, containerBasePath: `/models/${modelName}`, aip: true, env,
    probe: { path: probePath, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 120 },
    log: (line, stream) => log('prediction_container', stream === 'stderr' ? 'ERROR' : 'INFO', { textPayload: line }),
  });
  if (!r.ok) return { ok: false, reason: r.reason };
  return { ok: true, model: { url: r.server.url, modelName, predictRoute: env.AIP_PREDICT_ROUTE, close: () => r.server.close() } };
}
