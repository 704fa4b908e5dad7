/**
 * Vertex AI endpoint operations, once, for the extension, the chat tools and the CLI: deploy a
 * model version (new or existing endpoint), change the traffic split, undeploy a deployed model.
 * Each reads the endpoint fresh, works out the change and its traffic diff, asks the caller to
 * confirm (a modal in VS Code, the printed diff and --yes or "y" in a terminal), then writes.
 * No vscode: the caller brings its UI through the hooks.
 */
import { CancelledError, UserError, ValidationError } from '../common/errors';
import { classifyGcpError } from '../gcp/errors';
import type { VertexEndpointsApi } from '../gcp/vertexEndpoints';
import type { UploadModelRequest } from '../gcp/types';
import type { ModelVersion } from '../serving/domain';
import { checkEndpointDeploy, endpointContainer, isPrebuiltTfImage, NEW_MODEL_KEY, type ContainerSpecChoice, type EndpointDeployInput } from '../serving/endpoints/deployPlan';
import { DEFAULT_MACHINE_TYPE, regionOffer, type RegionOffer } from '../serving/endpoints/machineTypes';
import { checkTrafficSplit, describeTrafficChange, splitAfterUndeploy, type TrafficSplit } from '../serving/endpoints/traffic';
import { ENDPOINT_LABELS, type DeployedModelInfo, type VertexEndpoint } from '../serving/endpoints/types';
import { ENDPOINT_NAME, idOf } from '../serving/resourceNames';
import type { ModelInspection } from '../serving/savedModel/inspection';
import type { InspectOptions } from '../serving/savedModel/inspect';

/** What the endpoint operations need of Google Cloud (CloudApis fits; so does a test's fake). */
export interface EndpointOperationApis {
  readonly project: string;
  readonly endpoints: Pick<VertexEndpointsApi, 'listEndpoints' | 'getEndpoint' | 'createEndpoint' | 'deployModel' | 'undeployModel' | 'setTrafficSplit'>;
  readonly vertex: {
    listModelVersions(modelName: string): Promise<ModelVersion[]>;
    uploadModel(region: string, req: UploadModelRequest, signal?: AbortSignal): Promise<ModelVersion>;
  };
  readonly models: { inspect(uri: string, opts?: InspectOptions): Promise<ModelInspection> };
}

export const deployedName = (d: DeployedModelInfo) => `${d.displayName || idOf(d.model)} v${d.modelVersionId}`;

/** Reads an endpoint by full name; a bad name is a ValidationError naming `field`. */
export async function readEndpoint(apis: EndpointOperationApis, name: unknown, field = 'endpoint'): Promise<VertexEndpoint> {
  if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) throw new ValidationError(field, 'expected projects/P/locations/R/endpoints/ID');
  return apis.endpoints.getEndpoint(name);
}

// ---------------------------------------------------------------------------------------------
// Deploy

/** Answers given up front (command args, a chat tool, CLI flags); missing ones are asked through the hooks or defaulted. */
export interface EndpointDeployAnswers {
  model?: string;
  version?: string;
  /** An existing endpoint (full name), or `newEndpoint` for a new one. */
  endpoint?: string;
  newEndpoint?: string;
  machineType?: string;
  acceleratorType?: string;
  acceleratorCount?: number;
  minReplicas?: number;
  maxReplicas?: number;
  trafficShare?: number;
  yes?: boolean;
}

/** The plan checks' problems ("field: message"): one names its field (a flag in the CLI); several are listed. */
function checkFailure(errors: string[]): UserError {
  const m = errors.length === 1 ? /^([A-Za-z]+): ([\s\S]*)$/.exec(errors[0]) : null;
  return m ? new ValidationError(m[1], m[2]) : new UserError(errors.join('; '));
}

const intOrUndefined = (v: unknown, field: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValidationError(field, `expected an integer, got ${JSON.stringify(v)}`);
  return v;
};

/** Checks the answers' types and, when the region is known, the machine: before any call. */
export function checkDeployAnswers(a: EndpointDeployAnswers, region: string | undefined): void {
  intOrUndefined(a.minReplicas, 'minReplicas');
  intOrUndefined(a.maxReplicas, 'maxReplicas');
  intOrUndefined(a.trafficShare, 'trafficShare');
  intOrUndefined(a.acceleratorCount, 'acceleratorCount');
  for (const k of ['model', 'version', 'endpoint', 'newEndpoint', 'machineType', 'acceleratorType'] as const) {
    if (a[k] !== undefined && typeof a[k] !== 'string') throw new ValidationError(k, 'expected a string');
  }
  if (region && a.machineType !== undefined) {
    const pre = checkEndpointDeploy({ region, machineType: a.machineType, acceleratorType: a.acceleratorType, acceleratorCount: a.acceleratorCount, minReplicas: a.minReplicas ?? 1, maxReplicas: a.maxReplicas ?? a.minReplicas ?? 1, trafficShare: a.trafficShare ?? 100, currentSplit: {} });
    if (pre.errors.length) throw checkFailure(pre.errors);
  }
}

/** The model version named by `model` + `version` (args, chat, CLI). */
export async function versionFromAnswers(apis: EndpointOperationApis, a: EndpointDeployAnswers): Promise<{ version: ModelVersion; region: string }> {
  const model = a.model;
  if (typeof model !== 'string' || !/^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@]+$/.test(model)) throw new ValidationError('model', 'expected projects/P/locations/R/models/ID (right-click a model version → Deploy to Vertex AI Endpoint)');
  if (typeof a.version !== 'string' || !/^\d+$/.test(a.version)) throw new ValidationError('version', 'expected a version id such as "1"');
  const v = (await apis.vertex.listModelVersions(model)).find(x => x.versionId === a.version);
  if (!v) throw new UserError(`${model} has no version ${a.version}.`);
  return { version: v, region: /\/locations\/([^/]+)/.exec(model)![1] };
}

export interface EndpointDeployHooks {
  /** Wraps the model read (a progress notification, a stderr line). */
  inspecting?<T>(uri: string, work: () => Promise<T>): Promise<T>;
  /** No endpoint given: pick one or name a new one (undefined cancels). Without it, --endpoint or --new-endpoint is required. */
  chooseEndpoint?(existing: VertexEndpoint[], version: ModelVersion, region: string): Promise<{ endpoint: VertexEndpoint } | { newEndpoint: string } | undefined>;
  /** No machine given: pick one. Without it, the CPU default. */
  chooseMachine?(offer: RegionOffer, region: string): Promise<{ machineType: string; acceleratorType?: string; acceleratorCount?: number } | undefined>;
  /** Replicas and share not given: ask. Without these: 1, min, and (an endpoint with traffic) the share is required. */
  askMinReplicas?(): Promise<number>;
  askMaxReplicas?(min: number): Promise<number>;
  askTrafficShare?(version: ModelVersion): Promise<number>;
  /** Shows the question and the detail (with the traffic diff); false refuses (nothing changes). */
  confirm(plan: EndpointDeployPlan): Promise<boolean>;
}

/** The checked input (deployPlan's fields, said once) and what the deploy will do with it. */
export interface EndpointDeployPlan extends Omit<EndpointDeployInput, 'currentSplit'> {
  version: ModelVersion;
  /** The existing endpoint, or undefined for a new one named `newEndpoint`. */
  endpoint?: VertexEndpoint;
  newEndpoint?: string;
  splitAfter: TrafficSplit;
  container: ContainerSpecChoice;
  /** The version's container does not fit: a new version with `container` is registered first. */
  newVersionNeeded: boolean;
  /** "endpoint X" or `a new endpoint "X"`. */
  target: string;
  /** The confirmation's question and detail (the same text in a modal, a chat, a terminal). */
  question: string;
  detail: string;
  /** The traffic diff lines ("m v1: 100% → 90%"). */
  diff: string[];
  nameOf(id: string): string;
  serviceAccount?: string;
}

export interface EndpointDeployContext {
  apis: EndpointOperationApis;
  /** The project's Python serving image in a region (settings or the default). */
  pythonImage(region: string): string;
  serviceAccount?: string;
}

/** Read the model and the endpoints → plan → confirm. CancelledError when declined; ValidationError/UserError on bad answers. */
export async function prepareEndpointDeploy(ctx: EndpointDeployContext, source: { version: ModelVersion; region: string }, a: EndpointDeployAnswers, hooks: EndpointDeployHooks): Promise<EndpointDeployPlan> {
  const { apis } = ctx;
  const { version, region } = source;
  checkDeployAnswers(a, region);
  if (!version.artifactUri) throw new UserError(`${version.displayName} v${version.versionId} has no artifact URI to deploy.`);
  const offer = regionOffer(region);
  if (!offer) throw new ValidationError('region', `Vertex AI endpoints are not offered in "${region}" by this extension`);

  // The container comes from the same routing as Cloud Run: the graph's custom ops decide.
  const work = () => apis.models.inspect(version.artifactUri, { labels: version.labels });
  const inspection = await (hooks.inspecting ? hooks.inspecting(version.artifactUri, work) : work());
  if (inspection.container === 'none') throw new UserError(`${version.artifactUri} cannot be served: ${inspection.errors.join('; ')}`);
  const kind = inspection.container;

  const existing = await apis.endpoints.listEndpoints(region);
  let endpoint: VertexEndpoint | undefined;
  let newName: string | undefined;
  if (a.endpoint !== undefined) {
    endpoint = existing.find(e => e.name === a.endpoint);
    if (!endpoint) throw new ValidationError('endpoint', `no endpoint ${a.endpoint} in ${region}`);
  } else if (a.newEndpoint !== undefined) {
    if (typeof a.newEndpoint !== 'string' || !a.newEndpoint.trim() || a.newEndpoint.length > 128) throw new ValidationError('newEndpoint', 'expected a display name of 1 to 128 characters');
    newName = a.newEndpoint.trim();
  } else {
    if (!hooks.chooseEndpoint) throw new ValidationError('endpoint', 'required: an existing endpoint, or a new endpoint\'s name');
    const picked = await hooks.chooseEndpoint(existing, version, region);
    if (!picked) throw new CancelledError();
    if ('endpoint' in picked) endpoint = picked.endpoint;
    else newName = picked.newEndpoint.trim();
  }

  let machineType = a.machineType;
  let acceleratorType = a.acceleratorType;
  let acceleratorCount = a.acceleratorCount;
  if (machineType === undefined) {
    const picked = hooks.chooseMachine ? await hooks.chooseMachine(offer, region) : { machineType: DEFAULT_MACHINE_TYPE };
    if (!picked) throw new CancelledError();
    ({ machineType, acceleratorType, acceleratorCount } = picked);
  }
  const minReplicas = a.minReplicas ?? (hooks.askMinReplicas ? await hooks.askMinReplicas() : 1);
  const maxReplicas = a.maxReplicas ?? (hooks.askMaxReplicas ? await hooks.askMaxReplicas(minReplicas) : minReplicas);
  const currentSplit = endpoint?.trafficSplit ?? {};
  const hasTraffic = Object.values(currentSplit).some(p => p > 0);
  let trafficShare = a.trafficShare;
  if (trafficShare === undefined) {
    if (!hasTraffic) trafficShare = 100;
    else if (hooks.askTrafficShare) trafficShare = await hooks.askTrafficShare(version);
    else throw new ValidationError('trafficShare', `required: ${endpoint!.displayName} already takes traffic; give the new model's share (the others keep their proportions)`);
  }

  const check = checkEndpointDeploy({ region, machineType: machineType!, acceleratorType, acceleratorCount, minReplicas, maxReplicas, trafficShare, currentSplit });
  if (check.errors.length) throw checkFailure(check.errors);
  const container = endpointContainer(kind, ctx.pythonImage(region), { gpu: !!acceleratorType });
  // A plain model keeps its prebuilt container; a custom-op model needs the Python image registered as its container.
  const reuse = kind === 'native' ? !!version.containerImage && isPrebuiltTfImage(version.containerImage) || !version.containerImage : version.containerImage === container.imageUri;
  const newVersionNeeded = !reuse;

  const nameOf = (id: string) => (id === NEW_MODEL_KEY ? `${version.displayName} v${version.versionId}` : (() => { const d = endpoint?.deployedModels.find(x => x.id === id); return d ? `${d.displayName} v${d.modelVersionId}` : id; })());
  const diff = describeTrafficChange(currentSplit, check.splitAfter, nameOf);
  const target = endpoint ? `endpoint ${endpoint.displayName}` : `a new endpoint "${newName}"`;
  const detail = [
    `Container: ${container.imageUri} (${container.why}).`,
    newVersionNeeded ? `The version's container is ${version.containerImage || 'not set'}: a new version of ${version.displayName} is registered with the same artifact (${version.artifactUri}) and this container, and that version is deployed.` : '',
    `Machine: ${machineType}${acceleratorType ? ` + ${acceleratorCount ?? 1}× ${acceleratorType}` : ''}; replicas ${minReplicas}–${maxReplicas} (billed while deployed).`,
    `Traffic of ${target}:`, ...diff.map(l => `  ${l}`),
  ].filter(Boolean).join('\n');
  const plan: EndpointDeployPlan = {
    version, region, endpoint, newEndpoint: newName, machineType: machineType!, acceleratorType, acceleratorCount, minReplicas, maxReplicas, trafficShare,
    splitAfter: check.splitAfter, container, newVersionNeeded, target, question: `Deploy ${version.displayName} v${version.versionId} to ${target}?`, detail, diff, nameOf,
    serviceAccount: ctx.serviceAccount,
  };
  if (!(await hooks.confirm(plan))) throw new CancelledError();
  return plan;
}

export interface EndpointRunHooks {
  progress?(message: string): void;
  /** Vertex AI's deployment stage (STARTING_MODEL_SERVER, …). */
  stage?(stage: string): void;
  /** The row that is busy (an endpoint's name, or "new:NAME" until it exists) and when it is free again. */
  busy?(key: string, message: string): void;
  idle?(key: string): void;
  signal?: AbortSignal;
}

export type EndpointDeployOutcome =
  | { kind: 'deployed'; endpoint: VertexEndpoint; deployedModelId: string; plan: EndpointDeployPlan }
  /** Vertex AI answered with a failure; the endpoint's traffic is unchanged. `endpoint` once it exists (for its logs). */
  | { kind: 'failed'; message: string; quota: boolean; endpoint?: VertexEndpoint; plan: EndpointDeployPlan };

/** Sends the confirmed plan: create the endpoint if new, register a version if needed, deploy. Cancellation rethrows. */
export async function executeEndpointDeploy(apis: EndpointOperationApis, plan: EndpointDeployPlan, hooks: EndpointRunHooks = {}): Promise<EndpointDeployOutcome> {
  const { version } = plan;
  let endpoint = plan.endpoint;
  const busyKey = endpoint?.name ?? `new:${plan.newEndpoint}`;
  hooks.busy?.(busyKey, 'Deploying…');
  try {
    if (!endpoint) {
      hooks.progress?.('creating the endpoint');
      endpoint = await apis.endpoints.createEndpoint(plan.region, plan.newEndpoint!, { [ENDPOINT_LABELS.managedBy]: ENDPOINT_LABELS.managedByValue }, { signal: hooks.signal });
      hooks.idle?.(busyKey);
      hooks.busy?.(endpoint.name, 'Deploying…');
    }
    let modelRef = `${version.modelName}@${version.versionId}`;
    if (plan.newVersionNeeded) {
      hooks.progress?.(`registering ${version.displayName} with ${plan.container.imageUri}`);
      const made = await apis.vertex.uploadModel(plan.region, { displayName: version.displayName, artifactUri: version.artifactUri, labels: version.labels, containerImage: plan.container.imageUri, parentModel: version.modelName, description: `v${version.versionId} with the Python serving image (custom ops)` }, hooks.signal);
      modelRef = `${made.modelName}@${made.versionId}`;
    }
    hooks.progress?.('deploying (Vertex AI takes minutes)');
    const deployed = await apis.endpoints.deployModel(endpoint.name, {
      model: modelRef, displayName: version.displayName, machineType: plan.machineType, acceleratorType: plan.acceleratorType, acceleratorCount: plan.acceleratorCount,
      minReplicas: plan.minReplicas, maxReplicas: plan.maxReplicas, trafficSplit: plan.splitAfter, serviceAccount: plan.serviceAccount || undefined,
    }, { signal: hooks.signal, onStage: s => hooks.stage?.(s) });
    const fresh = await apis.endpoints.getEndpoint(endpoint.name);
    return { kind: 'deployed', endpoint: fresh, deployedModelId: deployed.id, plan };
  } catch (e) {
    if (e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError')) throw e;
    const c = classifyGcpError(e);
    return { kind: 'failed', message: c.kind === 'quota' ? `Quota: ${c.message}` : c.message, quota: c.kind === 'quota', endpoint, plan };
  } finally {
    hooks.idle?.(busyKey);
    if (endpoint) hooks.idle?.(endpoint.name);
  }
}

/** The split after a deploy, in words with names ("m v1 90%, m v2 10%"). */
export function describeSplit(o: Extract<EndpointDeployOutcome, { kind: 'deployed' }>): string {
  return Object.entries(o.endpoint.trafficSplit).map(([id, p]) => `${o.plan.nameOf(id === o.deployedModelId ? NEW_MODEL_KEY : id)} ${p}%`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Traffic

export interface EndpointTrafficChange {
  endpoint: VertexEndpoint;
  /** Every deployed model's share (missing ones 0). */
  split: TrafficSplit;
  diff: string[];
  question: string;
  detail: string;
}

/** The change a split makes to `endpoint` (read fresh); bad splits name the field. */
export function planEndpointTraffic(endpoint: VertexEndpoint, split: unknown, field = 'trafficSplit'): EndpointTrafficChange {
  if (typeof split !== 'object' || split === null || Array.isArray(split)) throw new ValidationError(field, 'expected {deployedModelId: percent}');
  const errors = checkTrafficSplit(split as TrafficSplit, endpoint.deployedModels.map(d => d.id), field);
  if (errors.length) throw new UserError(errors.join('; '));
  const given = split as TrafficSplit;
  const full: TrafficSplit = Object.fromEntries(endpoint.deployedModels.map(d => [d.id, given[d.id] ?? 0]));
  const before: TrafficSplit = Object.fromEntries(endpoint.deployedModels.map(d => [d.id, endpoint.trafficSplit[d.id] ?? 0]));
  const nameOf = (id: string) => { const d = endpoint.deployedModels.find(x => x.id === id); return d ? deployedName(d) : id; };
  const diff = describeTrafficChange(before, full, nameOf);
  return { endpoint, split: full, diff, question: `Change the traffic split of endpoint ${endpoint.displayName}?`, detail: diff.join('\n') };
}

export interface EndpointTrafficHooks {
  /** No split given: ask for one (the current one as the start). */
  askSplit?(endpoint: VertexEndpoint): Promise<TrafficSplit>;
  confirm(change: EndpointTrafficChange): Promise<boolean>;
  busy?(key: string, message: string): void;
  idle?(key: string): void;
}

export type EndpointTrafficOutcome = { changed: true; endpoint: VertexEndpoint; change: EndpointTrafficChange } | { changed: false; endpoint: VertexEndpoint };

/** Read fresh → plan → confirm → write (with the etag read, so a change made since is refused). */
export async function changeEndpointTraffic(apis: EndpointOperationApis, name: unknown, split: unknown, hooks: EndpointTrafficHooks): Promise<EndpointTrafficOutcome> {
  if (split !== undefined && (typeof split !== 'object' || split === null || Array.isArray(split))) throw new ValidationError('trafficSplit', 'expected {deployedModelId: percent}');
  const endpoint = await readEndpoint(apis, name);
  if (!endpoint.deployedModels.length) throw new UserError(`Endpoint ${endpoint.displayName} has no deployed models.`);
  let given = split;
  if (given === undefined) {
    if (!hooks.askSplit) throw new ValidationError('trafficSplit', 'required');
    given = await hooks.askSplit(endpoint);
  }
  const change = planEndpointTraffic(endpoint, given);
  if (!change.diff.length) return { changed: false, endpoint };
  if (!(await hooks.confirm(change))) throw new CancelledError();
  hooks.busy?.(endpoint.name, 'Moving traffic…');
  try {
    return { changed: true, endpoint: await apis.endpoints.setTrafficSplit(endpoint.name, change.split, endpoint.etag), change };
  } finally {
    hooks.idle?.(endpoint.name);
  }
}

// ---------------------------------------------------------------------------------------------
// Undeploy

export interface EndpointUndeployPlan {
  endpoint: VertexEndpoint;
  deployed: DeployedModelInfo;
  /** The split of the others afterwards (the undeployed share given back in proportion). */
  after: TrafficSplit;
  diff: string[];
  /** The last model taking traffic: the confirmation must be modal. */
  lastWithTraffic: boolean;
  question: string;
  detail: string;
}

export function planUndeploy(endpoint: VertexEndpoint, deployedModelId: unknown): EndpointUndeployPlan {
  if (typeof deployedModelId !== 'string' || !deployedModelId) throw new ValidationError('deployedModelId', 'expected the id of a model deployed to the endpoint');
  const deployed = endpoint.deployedModels.find(d => d.id === deployedModelId);
  if (!deployed) throw new ValidationError('deployedModelId', `no deployed model ${deployedModelId} on endpoint ${endpoint.displayName}`);
  const percent = endpoint.trafficSplit[deployed.id] ?? 0;
  const others = endpoint.deployedModels.filter(d => d.id !== deployed.id);
  const lastWithTraffic = percent > 0 && !others.some(d => (endpoint.trafficSplit[d.id] ?? 0) > 0);
  const after = splitAfterUndeploy(endpoint.trafficSplit, deployed.id);
  const nameOf = (id: string) => { const d = endpoint.deployedModels.find(x => x.id === id); return d ? deployedName(d) : id; };
  const diff = describeTrafficChange(endpoint.trafficSplit, after, nameOf);
  const detail = lastWithTraffic
    ? (others.length ? `It is the only deployed model taking traffic (${percent}%). ${diff.join(', ')}.` : 'It is the only deployed model: the endpoint stops answering predictions. The endpoint itself stays (delete it once empty).')
    : (diff.length ? `Traffic: ${diff.join(', ')}.` : 'It takes no traffic.');
  return { endpoint, deployed, after, diff, lastWithTraffic, question: `Undeploy ${deployedName(deployed)} from endpoint ${endpoint.displayName}?`, detail };
}

export interface EndpointUndeployHooks {
  confirm(plan: EndpointUndeployPlan): Promise<boolean>;
  busy?(key: string, message: string): void;
  idle?(key: string): void;
  /** Wraps the long-running write (a cancellable notification). */
  running?<T>(plan: EndpointUndeployPlan, work: (signal?: AbortSignal) => Promise<T>): Promise<T>;
  signal?: AbortSignal;
}

/** Read fresh → plan → confirm → undeploy (the share goes to the others in proportion). */
export async function undeployFromEndpoint(apis: EndpointOperationApis, name: unknown, deployedModelId: unknown, hooks: EndpointUndeployHooks): Promise<EndpointUndeployPlan> {
  const endpoint = await readEndpoint(apis, name);
  const plan = planUndeploy(endpoint, deployedModelId);
  if (!(await hooks.confirm(plan))) throw new CancelledError();
  const hasOthers = endpoint.deployedModels.length > 1;
  const work = (signal?: AbortSignal) => apis.endpoints.undeployModel(endpoint.name, plan.deployed.id, hasOthers ? plan.after : undefined, { signal: signal ?? hooks.signal });
  hooks.busy?.(endpoint.name, 'Undeploying…');
  try {
    await (hooks.running ? hooks.running(plan, work) : work());
  } finally {
    hooks.idle?.(endpoint.name);
  }
  return plan;
}
