/**
 * Deploy to Vertex AI Endpoint (a model version's context menu): the pickers, the modal and the
 * notifications around the one endpoint deploy of src/operations/endpoints.ts (also the CLI's and
 * the chat tool's).
 */
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../../../common/errors';
import { chatDecision } from '../../../common/chatConfirmation';
import { unattendedAllowed } from '../../../common/unattended';
import { imageFor } from '../../../serving/images';
import { DEFAULT_MACHINE_TYPE } from '../../../serving/endpoints/machineTypes';
import { endpointConsoleUrl, endpointLogsUrl, type VertexEndpoint } from '../../../serving/endpoints/types';
import { checkDeployAnswers, describeSplit, executeEndpointDeploy, prepareEndpointDeploy, versionFromAnswers, type EndpointDeployAnswers, type EndpointDeployHooks } from '../../../operations/endpoints';
import { targetIn } from '../../shared/targets';
import { stageText, type EndpointDeps } from '../deps';
import { CommandIds } from '../../../serving/commandIds';

/** `chat`: a chat confirmation token (src/common/chatConfirmation); anything else means "ask". */
export type EndpointCommandAnswers = EndpointDeployAnswers & { chat?: unknown };

export interface EndpointDeployResult {
  endpoint: VertexEndpoint;
  deployedModelId: string;
}

async function askInt(title: string, value: number, check: (n: number) => string | undefined): Promise<number> {
  const got = await vscode.window.showInputBox({ title, value: String(value), validateInput: s => (/^\d+$/.test(s.trim()) ? check(Number(s)) : 'a whole number') });
  if (got === undefined) throw new CancelledError();
  return Number(got.trim());
}

/** The pickers and input boxes for what the answers leave open. */
const askers: Omit<EndpointDeployHooks, 'confirm'> = {
  inspecting: (uri, work) => Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the SavedModel at ${uri}…` }, work)),
  async chooseEndpoint(existing, version, region) {
    const NEW = '$(add) New endpoint…';
    const picked = await vscode.window.showQuickPick([
      { label: NEW, description: 'the model takes 100% of its traffic' },
      ...existing.map(e => ({ label: e.displayName, description: `${e.deployedModels.length} deployed · ${Object.entries(e.trafficSplit).map(([id, p]) => `${e.deployedModels.find(d => d.id === id)?.displayName ?? id} ${p}%`).join(', ')}`, endpoint: e })),
    ], { title: `Deploy ${version.displayName} v${version.versionId} to Vertex AI Endpoint (${region})`, placeHolder: 'New or existing endpoint' });
    if (!picked) return undefined;
    if ('endpoint' in picked) return { endpoint: picked.endpoint };
    const newName = await vscode.window.showInputBox({ title: 'New endpoint: display name', value: version.displayName, validateInput: v => (v.trim() && v.length <= 128 ? undefined : '1 to 128 characters') });
    return newName ? { newEndpoint: newName } : undefined;
  },
  async chooseMachine(offer, region) {
    const items = [
      ...offer.cpu.map(m => ({ label: m, description: m === DEFAULT_MACHINE_TYPE ? 'CPU · default' : 'CPU', machineType: m, acc: undefined as undefined | { type: string; count: number } })),
      ...offer.accelerators.flatMap(acc => acc.machineTypes.map(m => ({ label: `${m} + 1× ${acc.label}`, description: 'GPU', machineType: m, acc: { type: acc.type, count: 1 } }))),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Machine type (${region})`, placeHolder: `${DEFAULT_MACHINE_TYPE} (CPU) serves these models well` });
    return picked && { machineType: picked.machineType, acceleratorType: picked.acc?.type, acceleratorCount: picked.acc?.count };
  },
  askMinReplicas: () => askInt('Minimum replicas (always running, billed)', 1, n => (n >= 1 ? undefined : 'at least 1')),
  askMaxReplicas: min => askInt('Maximum replicas (autoscaling)', min, n => (n >= min ? undefined : `at least ${min}`)),
  askTrafficShare: version => askInt(`Traffic share for ${version.displayName} v${version.versionId} (%); the others keep their proportions`, 10, n => (n <= 100 ? undefined : '0 to 100')),
};

export function deployToEndpoint({ session, ops, logger }: EndpointDeps) {
  return async (arg?: unknown, answers?: EndpointCommandAnswers): Promise<EndpointDeployResult | undefined> => {
    const node = targetIn(arg, 'modelVersion');
    const a: EndpointCommandAnswers = answers && typeof answers === 'object' ? answers : (arg && typeof arg === 'object' && !node ? arg as EndpointCommandAnswers : {});
    // Bad answers are rejected before any call, naming the field.
    checkDeployAnswers(a, node?.model.region ?? /\/locations\/([^/]+)\//.exec(String(a.model ?? ''))?.[1]);
    const cloud = await session.cloud();
    const source = node ? { version: node.version, region: node.model.region } : await versionFromAnswers(cloud.apis, a);
    const plan = await prepareEndpointDeploy(
      { apis: cloud.apis, pythonImage: region => imageFor('python', session.settings, cloud.project, region), serviceAccount: session.settings.deployServiceAccount || undefined },
      source, a,
      {
        // A chat tool's call never pops pickers: what it leaves open gets the defaults, or names the field.
        ...(a.chat !== undefined ? { inspecting: askers.inspecting } : askers),
        async confirm(p) {
          if (a.yes === true && unattendedAllowed()) return true;
          // A language model tool: previews the modal's text, or deploys what the user accepted in chat.
          const chat = chatDecision(a.chat, `${p.question}\n${p.detail}`);
          if (chat === 'preview') return false;
          if (chat === 'confirmed') return true;
          return (await vscode.window.showWarningMessage(p.question, { modal: true, detail: p.detail }, 'Deploy')) === 'Deploy';
        },
      },
    );
    const { version } = plan;
    let outcome;
    try {
      outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${version.displayName} v${version.versionId} to ${plan.target}`, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return executeEndpointDeploy(cloud.apis, plan, {
          signal: ac.signal, progress: message => progress.report({ message }), stage: s => progress.report({ message: stageText(s) }),
          busy: (key, m) => ops.start(key, m), idle: key => ops.done(key),
        });
      });
    } catch (e) {
      if (e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError')) void vscode.window.showInformationMessage(`Deploy to ${plan.target} cancelled; the endpoint's traffic is unchanged.`);
      throw e;
    }
    if (outcome.kind === 'failed') {
      logger.warn(`deploy to endpoint: ${outcome.message}`);
      const ep = outcome.endpoint;
      const actions = ep ? [{ title: 'Open Logs', command: CommandIds.openUrl, args: [endpointLogsUrl(ep, cloud.project)] }] : [];
      throw new UserError(`Deploying ${version.displayName} v${version.versionId} to ${plan.target} failed: ${outcome.message}`,
        ep ? 'The endpoint\'s traffic is unchanged. Its logs say why the model server stopped.' : undefined, actions);
    }
    const r: EndpointDeployResult = { endpoint: outcome.endpoint, deployedModelId: outcome.deployedModelId };
    void vscode.window.showInformationMessage(`Deployed ${version.displayName} v${version.versionId} to endpoint ${r.endpoint.displayName}: ${describeSplit(outcome)}.`, 'Open in Console', 'Open Logs').then(pick => {
      if (pick === 'Open in Console') void vscode.env.openExternal(vscode.Uri.parse(endpointConsoleUrl(r.endpoint, cloud.project)));
      if (pick === 'Open Logs') void vscode.env.openExternal(vscode.Uri.parse(endpointLogsUrl(r.endpoint, cloud.project, r.deployedModelId)));
    });
    return r;
  };
}
