/**
 * A deploy plan: what will be deployed where and why, as the user confirms it. Pure: the deploy
 * command builds it from the inspection and the user's answers.
 */
import type { ModelInspection } from '../savedModel/inspection';
import type { ContainerKind } from '../routing/chooseContainer';
import { DEFAULT_DEPLOY, type DeployOptions } from './serviceSpec';
import { serviceNameProblem } from './names';
import { isKnownRegion } from '../regions';
import { cpuCores, isMemoryLimit, memoryMiB, PYTHON_MIN_MEMORY } from './quantities';

export interface DeployPlan extends DeployOptions {
  isPublic: boolean;
  /** Existing service → a new revision; else a new service. */
  update: boolean;
  reasons: string[];
  warnings: string[];
  /** Known to fail (e.g. custom ops in native TF Serving): the user must choose it explicitly. */
  willFail: string[];
  /** Whether the version folder has TF Serving warm-up data (undefined: not checked). */
  warmupData?: boolean;
}

/** The project's own Artifact Registry repository for the serving images (any region). */
export function isProjectImage(image: string, project: string): boolean {
  return new RegExp(`^[a-z0-9-]+-docker\\.pkg\\.dev/${project.replace(/[.]/g, '\\.')}/ml-serving/[^\\s]+$`).test(image);
}

/** Checks every field the user can change; each problem names the field. */
export function planProblems(p: DeployPlan): string[] {
  const out: string[] = [];
  const n = serviceNameProblem(p.serviceName);
  if (n) out.push(`serviceName: ${n}`);
  if (!isKnownRegion(p.region)) out.push(`region: "${p.region}" is not a Cloud Run region`);
  const cores = cpuCores(p.cpu);
  if (cores === undefined || cores <= 0) out.push(`cpu: "${p.cpu}" is not a CPU limit (e.g. 1, 2, 4 or 500m)`);
  else if (cores > 8) out.push('cpu: Cloud Run allows at most 8 CPUs');
  const mib = isMemoryLimit(p.memory) ? memoryMiB(p.memory)! : undefined;
  if (mib === undefined) out.push(`memory: "${p.memory}" is not a memory limit (e.g. 512Mi, 4Gi)`);
  else if (mib < 512 || mib > 32768) out.push('memory: Cloud Run allows 512Mi to 32Gi');
  if (!Number.isInteger(p.minInstances) || p.minInstances < 0 || p.minInstances > 1000) out.push('minInstances: a whole number from 0 to 1000');
  if (!Number.isInteger(p.maxInstances) || p.maxInstances < 1 || p.maxInstances > 1000) out.push('maxInstances: a whole number from 1 to 1000');
  else if (p.minInstances > p.maxInstances) out.push('minInstances: cannot exceed maxInstances');
  if (!Number.isInteger(p.concurrency) || p.concurrency < 1 || p.concurrency > 1000) out.push('concurrency: a whole number from 1 to 1000');
  if (!Number.isInteger(p.timeoutSeconds) || p.timeoutSeconds < 1 || p.timeoutSeconds > 3600) out.push('timeoutSeconds: 1 to 3600');
  if (!/^gs:\/\/[a-z0-9][a-z0-9._-]+[a-z0-9](\/.*)?$/.test(p.modelUri)) out.push(`modelUri: "${p.modelUri}" is not a gs:// folder`);
  if (p.container === 'python' && mib !== undefined && mib < memoryMiB(PYTHON_MIN_MEMORY)!) out.push(`memory: the Python server needs at least ${PYTHON_MIN_MEMORY}`);
  return out;
}

/** Defaults for a model: the container the routing picked (or the override), resources by kind. */
export function defaultPlan(args: {
  inspection: ModelInspection; serviceName: string; region: string; project: string; image: string; container: ContainerKind;
  modelName: string; links: DeployOptions['links']; update: boolean; serviceAccount?: string;
}): DeployPlan {
  const { inspection: ins } = args;
  const willFail = args.container === 'native' && ins.customOps.length
    ? [`native TF Serving cannot run ${ins.customOps.map(o => o.op).join(', ')}: the new revision will fail to start ("Op type not registered"). The Python server runs ${ins.customOps.length > 1 ? 'them' : 'it'}.`]
    : [];
  return {
    ...DEFAULT_DEPLOY,
    serviceName: args.serviceName, region: args.region, project: args.project, image: args.image, container: args.container,
    modelName: args.modelName, modelUri: ins.modelDir ?? ins.path, version: ins.version ?? numericFolder(ins.modelDir ?? ins.path), links: args.links,
    isPublic: false, update: args.update, reasons: ins.reasons, warnings: ins.warnings, willFail,
    ...(args.serviceAccount ? { serviceAccount: args.serviceAccount } : {}),
  };
}

/** Who the model runs as, in words: a dedicated account, or the default and what that means. */
export function identityLine(p: Pick<DeployPlan, 'serviceAccount'>): string {
  return p.serviceAccount
    ? `Runs as: ${p.serviceAccount}`
    : 'Runs as: the Compute Engine default service account (Cloud Run\'s default), which is often Editor on the whole project. A dedicated account with only what serving needs (read the model bucket, write logs) is safer: set mlServing.deploy.serviceAccount.';
}

/** The confirmation text, in full: where, what, which container and why, the image, the identity. */
export function planSummary(p: DeployPlan): string {
  return [
    `${p.update ? 'New revision of' : 'New service'} ${p.serviceName} in ${p.region} (${p.project})`,
    `Model: ${p.modelUri} as /models/${p.modelName}/${p.version ?? '1'}${p.version ? '' : ' (unversioned export, mounted as version 1)'}`,
    `Container: ${p.container === 'native' ? 'native TF Serving' : 'Python server'}`,
    ...p.reasons.map(r => `  • ${r}`),
    ...p.warnings.map(w => `  ⚠ ${w}`),
    ...p.willFail.map(w => `  ✖ WILL FAIL: ${w}`),
    ...(p.warmupData === undefined ? [] : [p.warmupData
      ? 'Warm-up: assets.extra/tf_serving_warmup_requests found; the server replays it before it reports ready'
      : 'Warm-up: none in the version folder; each new instance\'s first requests pay the model\'s lazy initialisation (Generate Warm-up Requests writes one)']),
    `Image: ${p.image}${isProjectImage(p.image, p.project) ? '' : '  (not from this project\'s ml-serving repository)'}`,
    `Resources: ${p.cpu} CPU, ${p.memory}, instances ${p.minInstances}–${p.maxInstances}, concurrency ${p.concurrency}`,
    `Access: ${p.isPublic ? 'PUBLIC — anyone on the internet can call it' : 'authenticated (roles/run.invoker required)'}`,
    identityLine(p),
    p.update ? 'The current revision serves until the new one is ready.' : '',
  ].filter(Boolean).join('\n');
}

/** A model URI that points at a version folder itself (TFX Pusher's `<timestamp>`) keeps that version. */
function numericFolder(uri: string): string | null {
  return /\/(\d+)\/?$/.exec(uri)?.[1] ?? null;
}
