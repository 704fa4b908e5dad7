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
