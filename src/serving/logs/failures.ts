/**
 * Known serving failures, recognised from log text, each with the fix to offer. The patterns are
 * the texts TF Serving, the Python server and Cloud Run really print (see the unit tests).
 */
import type { LogLine } from './entry';
import { CommandIds } from '../commandIds';
import { mebibytes, memoryMiB, memoryText } from '../deploy/quantities';

export type ModelMissingProblem = 'noBasePath' | 'noVersion' | 'noSavedModel';

export type KnownFailure =
  | { kind: 'opNotRegistered'; op: string }
  | { kind: 'modelMissing'; problem: ModelMissingProblem; path: string }
  | { kind: 'servableNotFound'; requested: string }
  | { kind: 'portNotListening'; port?: number }
  | { kind: 'memoryLimit'; limitMiB?: number; usedMiB?: number };

export type FailureKind = KnownFailure['kind'];


/** The failure a log message shows, or undefined. */
export function recognizeFailure(message: string): KnownFailure | undefined {
  let m = /Op type not registered '([^']+)'/.exec(message);
  if (m) return { kind: 'opNotRegistered', op: m[1] };

  m = /Could not find base path (\S+) for servable/.exec(message);
  if (m) return { kind: 'modelMissing', problem: 'noBasePath', path: m[1] };
  m = /No versions of servable \S+ found under base path (\S+?)\.?(?:\s|$)/.exec(message) ?? /no numeric version folder under (\S+?):?(?:\s|$)/.exec(message);
  if (m) return { kind: 'modelMissing', problem: 'noVersion', path: m[1] };
  m = /Could not find SavedModel \.pb or \.pbtxt at supplied export directory path: (\S+?)\.?(?:\s|$)/.exec(message)
    ?? /SavedModel file does not exist at: (\S+?)\/?\{saved_model/.exec(message);
  if (m) return { kind: 'modelMissing', problem: 'noSavedModel', path: m[1] };

  m = /Servable not found for request: (?:Latest|Specific|Labeled)?\(?\s*([^,)\s]+)/.exec(message);
  if (m) return { kind: 'servableNotFound', requested: m[1] };

  m = /failed to start and listen on the port defined (?:provided )?by the PORT=(\d+)/.exec(message)
    ?? /STARTUP (?:TCP|HTTP) probe failed .*on port (\d+)/.exec(message);
  if (m) return { kind: 'portNotListening', port: Number(m[1]) };
  if (/failed to start and listen on the port/.test(message)) return { kind: 'portNotListening' };

  m = /Memory limit of (\d+(?:\.\d+)?) ?(MiB|GiB|Mi|Gi|M|G)? exceeded with (\d+(?:\.\d+)?) ?(MiB|GiB|Mi|Gi|M|G)? used/i.exec(message);
  if (m) return { kind: 'memoryLimit', limitMiB: mebibytes(m[1], m[2]), usedMiB: mebibytes(m[3], m[4] ?? m[2]) };
  if (/Memory limit of .* exceeded/i.test(message)) return { kind: 'memoryLimit' };
  return undefined;
}

/** What the product knows about the service, to make the advice concrete. */
export interface ServingFacts {
  /** Full resource name projects/P/locations/R/services/S (the deploy command's argument). */
  service: string;
  /** MODEL_NAME of the container (the name in /v1/models/NAME). */
  modelName?: string;
  /** MODEL_BASE_PATH (default /models). */
  modelBasePath?: string;
  /** gs:// folder mounted as the model, when known. */
  modelUri?: string;
  container?: 'native' | 'python';
  /** Current memory limit (`4Gi`), when known. */
  memory?: string;
}

export interface FailureAdvice {
  title: string;
  detail: string;
  action?: { title: string; command: string; args: unknown[] };
}

export const DEPLOY_COMMAND = CommandIds.deploy;

const MEMORY_STEPS_MIB = [512, 1024, 2048, 4096, 8192, 16384, 32768];


/** The next Cloud Run memory size with headroom over what was used (×1.5), at least one step up. */
export function nextMemory(limitMiB: number | undefined, usedMiB: number | undefined): string {
  const need = Math.max((usedMiB ?? 0) * 1.5, (limitMiB ?? 0) + 1);
  return memoryText(MEMORY_STEPS_MIB.find(s => s >= need) ?? MEMORY_STEPS_MIB[MEMORY_STEPS_MIB.length - 1]);
}

export function adviceFor(f: KnownFailure, facts: ServingFacts): FailureAdvice {
  const model = facts.modelName ?? 'model';
  const base = `${(facts.modelBasePath ?? '/models').replace(/\/$/, '')}/${model}`;
  switch (f.kind) {
    case 'opNotRegistered':
      if (facts.container === 'python') {
        return { title: `The model uses the custom op ${f.op}, which the Python server does not load.`, detail: `Add the package that registers ${f.op} to the Python server's image and import it before the model is loaded.` };
      }
      return {
        title: `TF Serving cannot run this model: op ${f.op} is not in its binary.`,
        detail: 'Models with custom ops such as ScaNN need the Python server (TensorFlow with the op package imported before loading).',
        action: { title: 'Redeploy with the Python Server', command: DEPLOY_COMMAND, args: [{ service: facts.service, container: 'python' }] },
      };
    case 'modelMissing': {
      const where = facts.modelUri ? `The service mounts ${facts.modelUri} at ${base}/<version>.` : `The service reads its model from ${f.path}.`;
      const problem = f.problem === 'noBasePath' ? `${f.path} does not exist in the container`
        : f.problem === 'noVersion' ? `${f.path} has no numeric version folder`
          : `there is no saved_model.pb in ${f.path}`;
      return { title: `No servable model: ${problem}.`, detail: `${where} TF Serving expects ${base}/<numeric version>/saved_model.pb (e.g. ${base}/1/saved_model.pb) and serves the highest version. A TFX Pusher folder (pushed_model/<timestamp>/) is one version folder.` };
    }
    case 'servableNotFound':
      return {
        title: `A request asked for model "${f.requested}", but this service serves "${model}".`,
        detail: `Call /v1/models/${model}:predict (the MODEL_NAME of the service).`,
      };
    case 'portNotListening':
      return {
        title: `The container did not listen on port ${f.port ?? '$PORT'} in time.`,
        detail: `Cloud Run sends requests to the port in PORT${f.port ? ` (${f.port})` : ''}; the server must listen there on 0.0.0.0 (TF Serving: --rest_api_port). Large models may also need a longer startup probe.`,
      };
    case 'memoryLimit': {
      const next = nextMemory(f.limitMiB ?? memoryMiB(facts.memory), f.usedMiB);
      return {
        title: `The container ran out of memory${f.limitMiB ? ` (limit ${memoryText(f.limitMiB)}${f.usedMiB ? `, used ${f.usedMiB} MiB` : ''})` : ''}.`,
        detail: `Redeploy with more memory: ${next} is suggested.`,
        action: { title: `Redeploy with ${next}`, command: DEPLOY_COMMAND, args: [{ service: facts.service, memory: next }] },
      };
    }
  }
}

/**
 * Reports each kind of failure once per revision: a crash-looping revision prints the same error
 * on every start, and one notice is enough.
 */
export class FailureTracker {
  private readonly reported = new Set<string>();

  observe(line: LogLine): KnownFailure | undefined {
    const f = recognizeFailure(line.message);
    if (!f) return undefined;
    const key = `${line.revision ?? ''}|${f.kind}`;
    if (this.reported.has(key)) return undefined;
    this.reported.add(key);
    return f;
  }
}

// ---- Vertex AI endpoints

/**
 * Failures a Vertex AI endpoint's logs show. The texts: TensorFlow's own "Op type not registered"
 * (the prebuilt TF container is the stock binary), TF Serving's model-path errors, Vertex AI's
 * "Model server exited unexpectedly" and quota errors (RESOURCE_EXHAUSTED: "The following quota
 * metrics exceed quota limits: aiplatform.googleapis.com/…"), and the missing SavedModel under
 * artifact_uri as the emulator writes it and as Vertex AI's model upload words it.
 */
export type EndpointFailure =
  | { kind: 'opNotRegistered'; op: string }
  | { kind: 'modelMissing'; problem: ModelMissingProblem; path: string }
  | { kind: 'artifactMissing'; uri: string }
  | { kind: 'quotaExceeded'; metric: string; machineType?: string; region?: string }
  | { kind: 'modelStartFailed'; reason: string };

export type EndpointFailureKind = EndpointFailure['kind'];

/** The failure an endpoint's log message shows, or undefined. */
export function recognizeEndpointFailure(message: string): EndpointFailure | undefined {
  const known = recognizeFailure(message);
  if (known?.kind === 'opNotRegistered' || known?.kind === 'modelMissing') return known;

  // The emulator (the deploy's own check), and Vertex AI's model upload for a prebuilt container
  // ("Model directory gs://… is expected to contain exactly one of: [saved_model.pb, saved_model.pbtxt]").
  let m = /Failed to find a SavedModel in (gs:\/\/[^\s:]+|\(no artifact_uri\))/.exec(message)
    ?? /Model directory (gs:\/\/\S+?) is expected to contain exactly one of/.exec(message);
  if (m) return { kind: 'artifactMissing', uri: m[1] };

  m = /The following quota metrics exceed quota limits: ([\w./-]+)(?: \(machine type ([\w-]+)\))?(?: in region ([a-z0-9-]+))?/.exec(message);
  if (m) return { kind: 'quotaExceeded', metric: m[1], ...(m[2] ? { machineType: m[2] } : {}), ...(m[3] ? { region: m[3] } : {}) };

  if (/model server (?:failed to start|exited unexpectedly|never became ready)/i.test(message)) {
    return { kind: 'modelStartFailed', reason: message.trim().slice(0, 300) };
  }
  return undefined;
}

/** What the product knows about the endpoint and the deployed model, to make the advice concrete. */
export interface EndpointFacts {
  /** projects/P/locations/R/endpoints/E */
  endpoint: string;
  deployedModelId?: string;
  /** The deployed model's registry model (projects/P/locations/R/models/M) and version, when known. */
  model?: string;
  modelVersionId?: string;
  /** Which container serves it: Vertex AI's prebuilt TF image, or a custom one (the Python image). */
  container?: 'prebuilt' | 'custom';
}

export const DEPLOY_TO_ENDPOINT_COMMAND = CommandIds.deployToEndpoint;

export function endpointAdviceFor(f: EndpointFailure, facts: EndpointFacts): FailureAdvice {
  const who = facts.deployedModelId ? `deployed model ${facts.deployedModelId}` : 'the deployed model';
  switch (f.kind) {
    case 'opNotRegistered': {
      if (facts.container === 'custom') {
        return { title: `The model uses the custom op ${f.op}, which its custom container does not load.`, detail: `Add the package that registers ${f.op} to the Python image and import it before the model is loaded.` };
      }
      const redeploy = facts.model && facts.modelVersionId
        ? { title: 'Deploy to Vertex AI Endpoint…', command: DEPLOY_TO_ENDPOINT_COMMAND, args: [{ model: facts.model, version: facts.modelVersionId, endpoint: facts.endpoint }] }
        : undefined;
      return {
        title: `Vertex AI's prebuilt TensorFlow container cannot run this model: op ${f.op} is not in its binary.`,
        detail: `This model needs the Python image; redeploy with Deploy to Vertex AI Endpoint (right-click the model version), which routes custom-op models to it and registers it as the model's custom container.`,
        ...(redeploy ? { action: redeploy } : {}),
      };
    }
    case 'modelMissing':
    case 'artifactMissing': {
      const where = f.kind === 'artifactMissing' ? f.uri : f.path;
      return {
        title: `No SavedModel for ${who}: nothing to load at ${where}.`,
        detail: 'Vertex AI\'s TensorFlow container loads saved_model.pb directly under the model version\'s artifact_uri (not a numbered folder below it). Register a version whose artifact_uri is the folder that holds saved_model.pb (a TFX Pusher\'s pushed_model/<timestamp>/), then deploy that version.',
      };
    }
    case 'quotaExceeded':
      return {
        title: `Vertex AI quota exceeded: ${f.metric}${f.machineType ? ` (machine type ${f.machineType})` : ''}${f.region ? ` in ${f.region}` : ''}.`,
        detail: 'The deploy started no replica and the endpoint\'s traffic is unchanged. Ask for more of this quota in IAM & Admin → Quotas, or deploy with another machine type or fewer replicas.',
      };
    case 'modelStartFailed':
      return {
        title: `The model server of ${who} exited while starting.`,
        detail: `Vertex AI gives up the deploy and the endpoint keeps its traffic. The prediction container's lines just before this one say why (${f.reason}).`,
      };
  }
}

/** Reports each kind of endpoint failure once per deployed model (a crash loop repeats itself). */
export class EndpointFailureTracker {
  private readonly reported = new Set<string>();

  observe(line: LogLine): EndpointFailure | undefined {
    const f = recognizeEndpointFailure(line.message);
    if (!f) return undefined;
    const key = `${line.deployedModelId ?? ''}|${f.kind}`;
    if (this.reported.has(key)) return undefined;
    this.reported.add(key);
    return f;
  }
}
