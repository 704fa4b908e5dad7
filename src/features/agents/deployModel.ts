import * as vscode from 'vscode';
import { confirmedToken, previewToken } from '../../common/chatConfirmation';
import { idOf, type CloudRunService } from '../../serving/domain';
import { trafficLine } from '../../serving/inventory/listing';
import { isKnownRegion } from '../../serving/regions';
import { bool, inputObject, int, oneOf, SERVICE_HINT, Shown, str, text, ToolInputError } from './tool';
import { CommandIds } from '../../serving/commandIds';
import { SERVICE_NAME, SERVICE_ID, REGION, ENDPOINT_NAME } from '../../serving/resourceNames';
import { DEFAULT_MACHINE_TYPE } from '../../serving/endpoints/machineTypes';
import type { VertexEndpoint } from '../../serving/endpoints/types';

export const DEPLOY_TOOL = 'mlServing_deploy';

interface DeployCall {
  target: Record<string, unknown>;
  answers: Record<string, unknown>;
  /** A Vertex AI endpoint target (endpoint or newEndpoint given): the answers of Deploy to Vertex AI Endpoint. */
  endpoint?: Record<string, unknown>;
}

const CLOUD_RUN_FIELDS = ['service', 'serviceName', 'region', 'container', 'cpu', 'memory', 'minInstances', 'maxInstances', 'concurrency', 'isPublic'];
const ENDPOINT_FIELDS = ['endpoint', 'newEndpoint', 'machineType', 'minReplicas', 'maxReplicas', 'trafficShare'];

/** A deploy to a Vertex AI endpoint: the same operation as the menu's, its own fields. */
function parseEndpoint(o: Record<string, unknown>): DeployCall {
  const wrong = CLOUD_RUN_FIELDS.find(k => o[k] !== undefined);
  if (wrong) throw new ToolInputError(wrong, 'a Cloud Run field: not used with endpoint or newEndpoint');
  const model = str(o, 'model', /^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@\s]+$/, 'a registered model projects/P/locations/R/models/ID', true);
  const version = str(o, 'version', /^\d+$/, 'a version id such as "1"', true);
  const endpoint = str(o, 'endpoint', ENDPOINT_NAME, 'a Vertex AI endpoint projects/P/locations/R/endpoints/ID');
  const newEndpoint = str(o, 'newEndpoint', /^.{1,128}$/, 'a display name of 1 to 128 characters');
  if (endpoint !== undefined && newEndpoint !== undefined) throw new ToolInputError('newEndpoint', 'give endpoint (an existing one) or newEndpoint (a name), not both');
  if (endpoint && endpoint.split('/')[3] !== model.split('/')[3]) throw new ToolInputError('endpoint', `must be in the model's region (${model.split('/')[3]})`);
  const answers: Record<string, unknown> = {
    model, version, endpoint, newEndpoint,
    machineType: str(o, 'machineType', /^[a-z][a-z0-9-]+$/, 'a machine type such as n1-standard-2'),
    minReplicas: int(o, 'minReplicas', 1, 1000),
    maxReplicas: int(o, 'maxReplicas', 1, 1000),
    trafficShare: int(o, 'trafficShare', 0, 100),
  };
  // Unattended: the defaults the CLI uses instead of the pickers (CPU default, 1 replica).
  answers.machineType ??= DEFAULT_MACHINE_TYPE;
  answers.minReplicas ??= 1;
  answers.maxReplicas ??= answers.minReplicas;
  for (const k of Object.keys(answers)) if (answers[k] === undefined) delete answers[k];
  return { target: {}, answers: {}, endpoint: answers };
}

function parse(input: unknown): DeployCall {
  const o = inputObject(input, ['model', 'version', ...CLOUD_RUN_FIELDS, ...ENDPOINT_FIELDS]);
  if (o.endpoint !== undefined || o.newEndpoint !== undefined) return parseEndpoint(o);
  const notRun = ENDPOINT_FIELDS.find(k => o[k] !== undefined);
  if (notRun) throw new ToolInputError(notRun, 'only with endpoint or newEndpoint (a Vertex AI endpoint target)');
  const model = str(o, 'model', /^projects\/[^/]+\/locations\/[a-z0-9-]+\/models\/[^/@\s]+$/, 'a registered model projects/P/locations/R/models/ID');
  const service = str(o, 'service', SERVICE_NAME, SERVICE_HINT);
  if (!model === !service) throw new ToolInputError(model ? 'service' : 'model', 'give either model (with version) to deploy a registry version, or service to redeploy what it serves');
  const version = str(o, 'version', /^\d+$/, 'a version id such as "1"', Boolean(model));
  if (service && version !== undefined) throw new ToolInputError('version', 'only with model');
  const region = str(o, 'region', REGION, 'a Cloud Run region such as us-central1');
  if (region && !isKnownRegion(region)) throw new ToolInputError('region', `"${region}" is not a Cloud Run region`);
  const answers: Record<string, unknown> = {
    serviceName: str(o, 'serviceName', SERVICE_ID, 'a Cloud Run service id (lowercase letters, digits, hyphens)'),
    region,
    container: oneOf(o, 'container', ['native', 'python'] as const),
    cpu: str(o, 'cpu', /^(\d+|\d+m)$/, 'a CPU limit such as 1, 2 or 500m'),
    memory: str(o, 'memory', /^\d+(Mi|Gi)$/, 'a memory limit such as 2Gi or 512Mi'),
    minInstances: int(o, 'minInstances', 0, 1000),
    maxInstances: int(o, 'maxInstances', 1, 1000),
    concurrency: int(o, 'concurrency', 1, 1000),
    isPublic: bool(o, 'isPublic'),
  };
  for (const k of Object.keys(answers)) if (answers[k] === undefined) delete answers[k];
  return { target: model ? { model, version } : { service }, answers };
}

interface DeployResult {
  service: CloudRunService;
  plan: { container: string; image: string };
  unchanged?: boolean;
}

interface EndpointResult {
  endpoint: VertexEndpoint;
  deployedModelId: string;
}

function run(c: DeployCall, chat: unknown): Thenable<DeployResult | EndpointResult | undefined> {
  if (c.endpoint) return vscode.commands.executeCommand<EndpointResult | undefined>(CommandIds.deployToEndpoint, undefined, { ...c.endpoint, chat });
  return vscode.commands.executeCommand<DeployResult | undefined>(CommandIds.deploy, c.target, { ...c.answers, chat });
}

/**
 * Deploys a registry version (or redeploys a service) through the Deploy to Cloud Run command.
 * prepareInvocation runs it in preview: it reads the model, picks the container, merges with the
 * existing service and reports the text of its final modal (plan, every changed field, what is
 * kept), which the user confirms in chat. invoke runs it again with a token for that text.
 */
export function deployTool(shown = new Shown()): vscode.LanguageModelTool<unknown> {
  return {
    async prepareInvocation(options) {
      const c = parse(options.input);
      const preview = previewToken();
      await run(c, preview.token);
      const t = preview.text();
      if (t === undefined) {
        shown.remember(options.input, 'refused');
        return { invocationMessage: 'ML Serving refused this deploy before planning it' };
      }
      shown.remember(options.input, t);
      const [title, ...plan] = t.split('\n');
      return {
        invocationMessage: title.replace(/\?$/, ''),
        confirmationMessages: { title, message: new vscode.MarkdownString().appendCodeblock(plan.join('\n'), 'text') },
      };
    },
    async invoke(options) {
      const c = parse(options.input);
      const t = shown.take(options.input);
      if (t === 'refused') return text('ML Serving refused this deploy before planning it (the notification in VS Code says why, e.g. the model version does not exist or has no servable SavedModel); nothing was changed.');
      // Without a confirmation shown for this input, `{}` is no token: the command's own pick and modal ask.
      const r = await run(c, t === undefined ? {} : confirmedToken(t));
      if (!r) return text(`Nothing was deployed (declined, or it failed: the notification in VS Code says why; ${c.endpoint ? 'the endpoint\'s traffic is unchanged' : 'a failed revision leaves the previous one serving'}).`);
      if ('deployedModelId' in r) {
        const e = r.endpoint;
        const split = e.deployedModels.map(d => `${d.displayName} v${d.modelVersionId} (deployed model ${d.id}) ${e.trafficSplit[d.id] ?? 0}%`).join(', ');
        return text(`Deployed to Vertex AI endpoint ${e.displayName} (${e.name}) as deployed model ${r.deployedModelId}. Traffic: ${split}.`);
      }
      const s = r.service;
      if (r.unchanged) return text(`${s.id}: nothing changed (same template as the serving revision ${idOf(s.latestReadyRevision ?? '')}).`);
      return text(`${s.id} is ${s.state} at ${s.uri ?? '(no URL)'}: revision ${s.latestReadyRevision ? idOf(s.latestReadyRevision) : '?'}, ${r.plan.container === 'native' ? 'native TF Serving' : 'Python server'} (${r.plan.image}). Traffic: ${trafficLine(s)}.`);
    },
  };
}
