/**
 * Deploy to Vertex AI Endpoint (a model version's context menu): new or existing endpoint, machine
 * type, replicas and traffic share, validated before any call; ONE confirmation with the endpoint's
 * traffic diff; progress through the long-running operation with cancel; failure reasons from the
 * operation and a link to the endpoint's logs.
 */
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import type { CloudContext } from '../../shared/session';
import { classifyGcpError } from '../../../gcp/errors';
import type { ModelVersion } from '../../../serving/domain';
import { imageFor } from '../../../serving/images';
import { checkEndpointDeploy, endpointContainer, isPrebuiltTfImage, NEW_MODEL_KEY } from '../../../serving/endpoints/deployPlan';
import { DEFAULT_MACHINE_TYPE, regionOffer } from '../../../serving/endpoints/machineTypes';
import { describeTrafficChange } from '../../../serving/endpoints/traffic';
import { ENDPOINT_LABELS, endpointConsoleUrl, endpointLogsUrl, type VertexEndpoint } from '../../../serving/endpoints/types';
import { targetIn } from '../../shared/targets';
import { stageText, type EndpointDeps } from '../deps';
import { CommandIds } from '../../../serving/commandIds';

/** Answers that skip the pickers (automation, tests); `yes` skips the confirmation under the test runner only. */
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

export interface EndpointDeployResult {
  endpoint: VertexEndpoint;
  deployedModelId: string;
}

async function resolveVersion(arg: unknown, a: EndpointDeployAnswers, cloud: CloudContext): Promise<{ version: ModelVersion; region: string }> {
  const node = targetIn(arg, 'modelVersion');
  if (node) return { version: node.version, region: node.model.region };
  const model = a.model;
  if (typeof model !== 'string' || !/^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@]+$/.test(model)) throw new ValidationError('model', 'expected projects/P/locations/R/models/ID (right-click a model version → Deploy to Vertex AI Endpoint)');
  if (typeof a.version !== 'string' || !/^\d+$/.test(a.version)) throw new ValidationError('version', 'expected a version id such as "1"');
  const v = (await cloud.vertex.listModelVersions(model)).find(x => x.versionId === a.version);
  if (!v) throw new UserError(`${model} has no version ${a.version}.`);
  return { version: v, region: /\/locations\/([^/]+)/.exec(model)![1] };
}

const intOrUndefined = (v: unknown, field: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValidationError(field, `expected an integer, got ${JSON.stringify(v)}`);
  return v;
};

async function askInt(title: string, value: number, check: (n: number) => string | undefined): Promise<number> {
  const got = await vscode.window.showInputBox({ title, value: String(value), validateInput: s => (/^\d+$/.test(s.trim()) ? check(Number(s)) : 'a whole number') });
  if (got === undefined) throw new CancelledError();
  return Number(got.trim());
}

export function deployToEndpoint({ session, ops, logger }: EndpointDeps) {
  return async (arg?: unknown, answers?: EndpointDeployAnswers): Promise<EndpointDeployResult | undefined> => {
    const a: EndpointDeployAnswers = answers && typeof answers === 'object' ? answers : (arg && typeof arg === 'object' && !targetIn(arg, 'modelVersion') ? arg as EndpointDeployAnswers : {});
    // Bad answers are rejected before any call, naming the field.
    intOrUndefined(a.minReplicas, 'minReplicas');
    intOrUndefined(a.maxReplicas, 'maxReplicas');
    intOrUndefined(a.trafficShare, 'trafficShare');
    const earlyRegion = targetIn(arg, 'modelVersion')?.model.region ?? /\/locations\/([^/]+)\//.exec(String(a.model ?? ''))?.[1];
    if (earlyRegion && a.machineType !== undefined) {
      const pre = checkEndpointDeploy({ region: earlyRegion, machineType: a.machineType, acceleratorType: a.acceleratorType, acceleratorCount: a.acceleratorCount, minReplicas: a.minReplicas ?? 1, maxReplicas: a.maxReplicas ?? a.minReplicas ?? 1, trafficShare: a.trafficShare ?? 100, currentSplit: {} });
      if (pre.errors.length) throw new UserError(pre.errors.join('; '));
    }
    const cloud = await session.cloud();
    const api = cloud.apis.endpoints;
    const { version, region } = await resolveVersion(arg, a, cloud);
    if (!version.artifactUri) throw new UserError(`${version.displayName} v${version.versionId} has no artifact URI to deploy.`);
    const offer = regionOffer(region);
    if (!offer) throw new ValidationError('region', `Vertex AI endpoints are not offered in "${region}" by this extension`);

    // The container comes from the same routing as Cloud Run: the graph's custom ops decide.
    const inspection = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the SavedModel at ${version.artifactUri}…` },
      () => cloud.apis.models.inspect(version.artifactUri, { labels: version.labels }));
    if (inspection.container === 'none') throw new UserError(`${version.artifactUri} cannot be served: ${inspection.errors.join('; ')}`);
    const kind = inspection.container;
    const pythonImage = imageFor('python', session.settings, cloud.project, region);

    // Endpoint: existing or new.
    const existing = await api.listEndpoints(region);
    let endpoint: VertexEndpoint | undefined;
    let newName: string | undefined;
    if (a.endpoint !== undefined) {
      endpoint = existing.find(e => e.name === a.endpoint);
      if (!endpoint) throw new ValidationError('endpoint', `no endpoint ${a.endpoint} in ${region}`);
    } else if (a.newEndpoint !== undefined) {
      if (typeof a.newEndpoint !== 'string' || !a.newEndpoint.trim() || a.newEndpoint.length > 128) throw new ValidationError('newEndpoint', 'expected a display name of 1 to 128 characters');
      newName = a.newEndpoint.trim();
    } else {
      const NEW = '$(add) New endpoint…';
      const picked = await vscode.window.showQuickPick([
        { label: NEW, description: 'the model takes 100% of its traffic' },
        ...existing.map(e => ({ label: e.displayName, description: `${e.deployedModels.length} deployed · ${Object.entries(e.trafficSplit).map(([id, p]) => `${e.deployedModels.find(d => d.id === id)?.displayName ?? id} ${p}%`).join(', ')}`, endpoint: e })),
      ], { title: `Deploy ${version.displayName} v${version.versionId} to Vertex AI Endpoint (${region})`, placeHolder: 'New or existing endpoint' });
      if (!picked) throw new CancelledError();
      if ('endpoint' in picked) endpoint = picked.endpoint;
      else {
        newName = await vscode.window.showInputBox({ title: 'New endpoint: display name', value: version.displayName, validateInput: v => (v.trim() && v.length <= 128 ? undefined : '1 to 128 characters') });
        if (!newName) throw new CancelledError();
        newName = newName.trim();
      }
    }

    // Machine: a CPU default, the region's GPUs offered.
    let machineType = a.machineType;
    let acceleratorType = a.acceleratorType;
    let acceleratorCount = a.acceleratorCount;
    if (machineType === undefined) {
      const items = [
        ...offer.cpu.map(m => ({ label: m, description: m === DEFAULT_MACHINE_TYPE ? 'CPU · default' : 'CPU', machineType: m, acc: undefined as undefined | { type: string; count: number } })),
        ...offer.accelerators.flatMap(acc => acc.machineTypes.map(m => ({ label: `${m} + 1× ${acc.label}`, description: 'GPU', machineType: m, acc: { type: acc.type, count: 1 } }))),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: `Machine type (${region})`, placeHolder: `${DEFAULT_MACHINE_TYPE} (CPU) serves these models well` });
      if (!picked) throw new CancelledError();
      machineType = picked.machineType;
      acceleratorType = picked.acc?.type;
      acceleratorCount = picked.acc?.count;
    }
    const minReplicas = a.minReplicas ?? await askInt('Minimum replicas (always running, billed)', 1, n => (n >= 1 ? undefined : 'at least 1'));
    const maxReplicas = a.maxReplicas ?? await askInt('Maximum replicas (autoscaling)', minReplicas, n => (n >= minReplicas ? undefined : `at least ${minReplicas}`));
    const currentSplit = endpoint?.trafficSplit ?? {};
    const hasTraffic = Object.values(currentSplit).some(p => p > 0);
    const trafficShare = a.trafficShare ?? (hasTraffic ? await askInt(`Traffic share for ${version.displayName} v${version.versionId} (%); the others keep their proportions`, 10, n => (n <= 100 ? undefined : '0 to 100')) : 100);

    const check = checkEndpointDeploy({ region, machineType, acceleratorType, acceleratorCount, minReplicas, maxReplicas, trafficShare, currentSplit });
    if (check.errors.length) throw new UserError(check.errors.join('; '));
    const container = endpointContainer(kind, pythonImage, { gpu: !!acceleratorType });
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
    if (!(a.yes === true && unattendedAllowed())) {
      const ok = await vscode.window.showWarningMessage(`Deploy ${version.displayName} v${version.versionId} to ${target}?`, { modal: true, detail }, 'Deploy');
      if (ok !== 'Deploy') throw new CancelledError();
    }

    const busyKey = endpoint?.name ?? `new:${newName}`;
    let result: EndpointDeployResult | undefined;
    let endpointForLogs: VertexEndpoint | undefined = endpoint;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${version.displayName} v${version.versionId} to ${target}`, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        ops.start(busyKey, 'Deploying…');
        try {
          if (!endpoint) {
            progress.report({ message: 'creating the endpoint' });
            endpoint = await api.createEndpoint(region, newName!, { [ENDPOINT_LABELS.managedBy]: ENDPOINT_LABELS.managedByValue }, { signal: ac.signal });
            endpointForLogs = endpoint;
            ops.done(busyKey);
            ops.start(endpoint.name, 'Deploying…');
          }
          let modelRef = `${version.modelName}@${version.versionId}`;
          if (newVersionNeeded) {
            progress.report({ message: `registering ${version.displayName} with ${container.imageUri}` });
            const made = await cloud.vertex.uploadModel(region, { displayName: version.displayName, artifactUri: version.artifactUri, labels: version.labels, containerImage: container.imageUri, parentModel: version.modelName, description: `v${version.versionId} with the Python serving image (custom ops)` }, ac.signal);
            modelRef = `${made.modelName}@${made.versionId}`;
          }
          progress.report({ message: 'deploying (Vertex AI takes minutes)' });
          const deployed = await api.deployModel(endpoint.name, {
            model: modelRef, displayName: version.displayName, machineType: machineType!, acceleratorType, acceleratorCount, minReplicas, maxReplicas,
            trafficSplit: check.splitAfter, serviceAccount: session.settings.deployServiceAccount || undefined,
          }, { signal: ac.signal, onStage: s => progress.report({ message: stageText(s) }) });
          const fresh = await api.getEndpoint(endpoint.name);
          result = { endpoint: fresh, deployedModelId: deployed.id };
        } finally {
          ops.done(busyKey);
          if (endpoint) ops.done(endpoint.name);
        }
      });
    } catch (e) {
            if (e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError')) {
        void vscode.window.showInformationMessage(`Deploy to ${target} cancelled; the endpoint's traffic is unchanged.`);
        throw e;
      }
      const c = classifyGcpError(e);
      logger.warn(`deploy to endpoint: ${c.message}`);
      const actions = endpointForLogs ? [{ title: 'Open Logs', command: CommandIds.openUrl, args: [endpointLogsUrl(endpointForLogs, cloud.project)] }] : [];
      const why = c.kind === 'quota' ? `Quota: ${c.message}` : c.message;
      throw new UserError(`Deploying ${version.displayName} v${version.versionId} to ${target} failed: ${why}`,
        endpointForLogs ? 'The endpoint\'s traffic is unchanged. Its logs say why the model server stopped.' : undefined, actions);
    }
            const r = result!;
    const split = Object.entries(r.endpoint.trafficSplit).map(([id, p]) => `${nameOf(id === r.deployedModelId ? NEW_MODEL_KEY : id)} ${p}%`).join(', ');
    void vscode.window.showInformationMessage(`Deployed ${version.displayName} v${version.versionId} to endpoint ${r.endpoint.displayName}: ${split}.`, 'Open in Console', 'Open Logs').then(pick => {
      if (pick === 'Open in Console') void vscode.env.openExternal(vscode.Uri.parse(endpointConsoleUrl(r.endpoint, cloud.project)));
      if (pick === 'Open Logs') void vscode.env.openExternal(vscode.Uri.parse(endpointLogsUrl(r.endpoint, cloud.project, r.deployedModelId)));
    });
    return r;
  };
}
