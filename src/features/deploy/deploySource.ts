import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../common/errors';
import type { CloudContext } from '../shared/session';
import { idOf } from '../../serving/domain';
import { servingContainerIndex } from '../../serving/deploy/mergeService';
import type { ContainerKind } from '../../serving/routing/chooseContainer';
import { pushedDestination, pushedModelOf } from '../../serving/vertex/artifacts';
import { targetOf } from '../shared/targets';
import type { DeploySource } from '../../operations/deploy';
import { SERVICE_NAME } from '../../serving/resourceNames';

/** What is being deployed, whatever it was invoked on (shared with the CLI). */
export type { DeploySource };

export interface RedeployArgs {
  service: string;
  container?: ContainerKind;
  memory?: string;
}

export function isRedeployArgs(a: unknown): a is RedeployArgs {
  return !!a && typeof a === 'object' && typeof (a as RedeployArgs).service === 'string';
}

export async function resolveSource(arg: unknown, cloud: CloudContext): Promise<DeploySource> {
  const node = targetOf(arg);
  if (node?.kind === 'modelVersion') {
    const v = node.version;
    if (!v.artifactUri) throw new UserError(`${v.displayName} v${v.versionId} has no artifact URI to deploy.`);
    return { displayName: v.displayName, modelUri: v.artifactUri, region: node.model.region, labels: v.labels,
      links: { model: idOf(v.modelName), modelVersion: v.versionId, run: v.labels.training_run_id, modelDisplayName: v.displayName } };
  }
  if (node?.kind === 'artifact' || node?.kind === 'run') {
    let run = node.run;
    if (run.state !== 'succeeded') throw new ValidationError('run', `"${run.displayName}" has not succeeded (${run.rawState})`);
    if (run.kind === 'pipeline' && !run.artifacts.length) run = await cloud.vertex.getPipelineRun(run.name);
    const a = node.kind === 'artifact' ? node.artifact : pushedModelOf(run.artifacts);
    if (!a) throw new UserError(`"${run.displayName}" has no pushed model to deploy.`);
    return { displayName: run.pipelineName || run.displayName, modelUri: pushedDestination(a), region: run.region, labels: run.labels, links: { run: run.id } };
  }
  if (node?.kind === 'service') return fromService(node.service.name, cloud, {});
  if (node) throw new ValidationError('target', `Deploy to Cloud Run runs on a model version, a finished run, its pushed model or a service, not a ${node.kind}`);
  if (isRedeployArgs(arg)) {
    if (arg.container !== undefined && arg.container !== 'native' && arg.container !== 'python') throw new ValidationError('container', 'expected "native" or "python"');
    return fromService(arg.service, cloud, arg);
  }
  if (isModelVersionArgs(arg)) return fromModelVersion(arg, cloud);
  if (arg !== undefined) throw new ValidationError('target', 'Deploy to Cloud Run runs on a model version, a finished run, its pushed model or a service');
  return pickModelVersion(cloud);
}

/** A registry version by name (a language model tool or automation): `{model: projects/P/locations/R/models/ID, version: '3'}`. */
export interface ModelVersionArgs {
  model: string;
  version: string;
}

function isModelVersionArgs(a: unknown): a is ModelVersionArgs {
  return !!a && typeof a === 'object' && 'model' in a && !('service' in a);
}

async function fromModelVersion(arg: ModelVersionArgs, cloud: CloudContext): Promise<DeploySource> {
  if (typeof arg.model !== 'string' || !/^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@]+$/.test(arg.model)) throw new ValidationError('model', 'expected projects/P/locations/R/models/ID');
  if (typeof arg.version !== 'string' || !/^\d+$/.test(arg.version)) throw new ValidationError('version', 'expected a version id such as "1"');
  const v = (await cloud.vertex.listModelVersions(arg.model)).find(x => x.versionId === arg.version);
  if (!v) throw new UserError(`${arg.model} has no version ${arg.version}.`);
  if (!v.artifactUri) throw new UserError(`${v.displayName} v${v.versionId} has no artifact URI to deploy.`);
  return { displayName: v.displayName, modelUri: v.artifactUri, region: /\/locations\/([^/]+)/.exec(arg.model)![1], labels: v.labels,
    links: { model: idOf(arg.model), modelVersion: v.versionId, run: v.labels.training_run_id, modelDisplayName: v.displayName } };
}

/** Redeploy: the model the service mounts, read back from its spec. */
async function fromService(name: string, cloud: CloudContext, args: Partial<RedeployArgs>): Promise<DeploySource> {
  if (!SERVICE_NAME.test(name)) throw new ValidationError('service', `"${name}" is not a Cloud Run service name (projects/P/locations/R/services/S)`);
  // The deploy reuses this read of the service instead of reading it again.
  const existing = await cloud.apis.runWrite.read(name);
  if (!existing) throw new UserError(`Service ${idOf(name)} does not exist.`);
  const s = existing.raw;
  // The serving container (sidecars aside) and the Cloud Storage volume it mounts under /models/.
  const t = s.template ?? {};
  const c = (t.containers ?? [])[Math.max(0, servingContainerIndex(t))] ?? {};
  const mounted = new Set(((c.volumeMounts ?? []) as any[]).filter(m => String(m.mountPath ?? '').startsWith('/models/')).map(m => m.name));
  const gcsVolumes = ((t.volumes ?? []) as any[]).filter(v => v.gcs?.bucket);
  const vol = gcsVolumes.find(v => mounted.has(v.name)) ?? gcsVolumes[0];
  if (!vol) throw new UserError(`${idOf(name)} does not mount a model from Cloud Storage, so it was not deployed by ML Serving.`);
  const dir = ((vol.gcs.mountOptions ?? []) as string[]).find(o => o.startsWith('only-dir='))?.slice('only-dir='.length) ?? '';
  const env = Object.fromEntries(((c.env ?? []) as any[]).filter(e => e.value).map(e => [e.name, e.value]));
  const labels = (s.labels ?? {}) as Record<string, string>;
  return {
    displayName: labels['ml-serving-model'] ?? idOf(name), modelUri: `gs://${vol.gcs.bucket}/${dir}`, region: /\/locations\/([^/]+)/.exec(name)![1], labels,
    links: { model: labels['ml-serving-model'], modelVersion: labels['ml-serving-model-version'], run: labels['ml-serving-run'], modelDisplayName: labels['ml-serving-model-name'] },
    serviceName: idOf(name), modelName: env.MODEL_NAME, container: args.container, existing: { name, ...existing },
  };
}

async function pickModelVersion(cloud: CloudContext): Promise<DeploySource> {
  const pages = await Promise.all(cloud.regions.map(r => cloud.vertex.listModels(r, { pageSize: 100 })));
  const models = pages.flatMap(p => p.items);
  if (!models.length) throw new UserError('No models in the Model Registry to deploy.', 'Register a training run\'s model first (right-click a run → Register in Model Registry).');
  const m = await vscode.window.showQuickPick(models.map(x => ({ label: x.displayName, description: `${x.region} · ${x.id}`, model: x })), { title: 'Deploy to Cloud Run: pick a model' });
  if (!m) throw new CancelledError();
  const versions = await cloud.vertex.listModelVersions(m.model.name);
  const v = await vscode.window.showQuickPick(versions.map(x => ({ label: `v${x.versionId}`, description: [x.aliases.map(a => `@${a}`).join(' '), x.artifactUri].filter(Boolean).join(' · '), version: x })), { title: `Deploy ${m.model.displayName}: pick a version` });
  if (!v) throw new CancelledError();
  return { displayName: m.model.displayName, modelUri: v.version.artifactUri, region: m.model.region, labels: v.version.labels,
    links: { model: m.model.id, modelVersion: v.version.versionId, run: v.version.labels.training_run_id, modelDisplayName: m.model.displayName } };
}
