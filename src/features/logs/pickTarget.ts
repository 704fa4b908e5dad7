import { ValidationError } from '../../common/errors';
import type { Session } from '../shared/session';
import { pickService } from '../shared/pickService';
import { targetIn } from '../shared/targets';
import type { CloudRunService } from '../../serving/domain';
import { idOf, ENDPOINT_NAME, REVISION_ID, SERVICE_NAME } from '../../serving/resourceNames';
import { endpointTargetName, LogFilterError, parseLogTarget } from '../../serving/logs/filter';

/**
 * Which logs a command shows: a service (full resource name), optionally one revision; or a
 * Vertex AI endpoint, optionally one deployed model (`service` is then the tail's name for it,
 * projects/P/locations/R/endpoints/E[/deployedModels/D]).
 */
export interface LogTarget {
  service: string;
  /** What the channel is called after: the service id, or `endpoint NAME[ / DEPLOYED MODEL]`. */
  serviceId: string;
  revision?: string;
  /** The service as last read, when the caller had it (tree node, picker). */
  info?: CloudRunService;
}


function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null;
}

/**
 * The target from what invoked the command: a service or revision row of the Serving view (its
 * `target`), `{service, revision?}` or a resource name from another command, or a quick pick.
 */
export async function resolveTarget(arg: unknown, session: Session, title: string): Promise<LogTarget> {
  if (typeof arg === 'string') return fromName(arg, undefined);
  if (isObj(arg)) {
    const row = targetIn(arg, 'service', 'revision');
    if (row) return { ...fromName(row.service.name, row.kind === 'revision' ? row.revision.id : undefined), info: row.service };
    if ('target' in arg) throw new ValidationError('service', 'run this on a service or revision in the Serving view');
    // A service as another command read it: {service: CloudRunService}
    if (isObj(arg.service) && typeof arg.service.name === 'string') return { ...fromName(arg.service.name, undefined), info: arg.service as CloudRunService };
    if (typeof arg.service === 'string') return fromName(arg.service, arg.revision);
    throw new ValidationError('service', 'expected a service from the Serving view or {service: "projects/P/locations/R/services/NAME"}');
  }
  if (arg !== undefined) throw new ValidationError('service', 'expected a service from the Serving view');
  return pick(session, title);
}

function fromName(name: string, revision: unknown): LogTarget {
  if (!SERVICE_NAME.test(name)) throw new ValidationError('service', `expected projects/P/locations/R/services/NAME, got "${name}"`);
  if (revision !== undefined && (typeof revision !== 'string' || !REVISION_ID.test(revision))) throw new ValidationError('revision', `expected a revision id such as my-service-00002-abc, got ${JSON.stringify(revision)}`);
  return { service: name, serviceId: idOf(name), ...(revision ? { revision: revision as string } : {}) };
}

async function pick(session: Session, title: string): Promise<LogTarget> {
  const s = await pickService(session, title);
  return { service: s.name, serviceId: s.id, info: s };
}

/**
 * The endpoint (or one deployed model) whose logs to tail: an endpoint or deployed-model row of
 * the Serving view, or `{endpoint: "projects/P/locations/R/endpoints/E", deployedModelId?}`.
 * Node data and arguments are untrusted: a bad name or id is a ValidationError naming the field.
 */
export function resolveEndpointTarget(arg: unknown): LogTarget {
  const node = targetIn(arg, 'endpoint', 'deployedModel');
  let name: unknown;
  let deployedModelId: unknown;
  let label: string | undefined;
  if (node) {
    name = node.endpoint.name;
    label = node.endpoint.displayName;
    if (node.kind === 'deployedModel') {
      deployedModelId = node.deployedModelId;
      const d = node.endpoint.deployedModels?.find(m => m.id === node.deployedModelId);
      label = `${label || idOf(node.endpoint.name)} / ${d ? `${d.displayName || idOf(d.model)} v${d.modelVersionId}` : `deployed model ${node.deployedModelId}`}`;
    }
  } else if (isObj(arg) && !('target' in arg)) {
    name = arg.endpoint;
    deployedModelId = arg.deployedModelId;
  } else if (typeof arg === 'string') {
    // A tail name as a command returned it: the endpoint, or …/endpoints/E/deployedModels/D.
    const m = /^(.*\/endpoints\/[^/]+)\/deployedModels\/([^/]*)$/.exec(arg);
    name = m ? m[1] : arg;
    if (m) deployedModelId = m[2];
  } else {
    throw new ValidationError('endpoint', 'run this on an endpoint or deployed model in the Serving view');
  }
  if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) throw new ValidationError('endpoint', `expected projects/P/locations/R/endpoints/ID, got ${JSON.stringify(name) ?? 'undefined'}`);
  if (deployedModelId !== undefined && (typeof deployedModelId !== 'string' || !deployedModelId)) throw new ValidationError('deployedModelId', `expected the id of a model deployed to the endpoint, got ${JSON.stringify(deployedModelId)}`);
  const service = endpointTargetName(name, deployedModelId as string | undefined);
  try {
    parseLogTarget(service);
  } catch (e) {
    if (e instanceof LogFilterError) throw new ValidationError(e.field, e.message.slice(e.field.length + 2));
    throw e;
  }
  const what = label ?? (deployedModelId ? `${idOf(name)} / deployed model ${deployedModelId}` : idOf(name));
  return { service, serviceId: `endpoint ${what}` };
}

/** Whether a command argument names an endpoint or deployed model (a row, `{endpoint}`, or a name). */
export function isEndpointArg(arg: unknown): boolean {
  if (targetIn(arg, 'endpoint', 'deployedModel')) return true;
  if (isObj(arg) && !('target' in arg) && 'endpoint' in arg) return true;
  return typeof arg === 'string' && /^projects\/[^/]+\/locations\/[^/]+\/endpoints\//.test(arg);
}

/**
 * The target of a tail name already validated (a restored panel's state): a service's resource
 * name with an optional revision, or an endpoint's tail name; `label` is the title it had.
 */
export function targetFromName(name: string, revision?: string, label?: string): LogTarget {
  const t = parseLogTarget(name);
  if (t.kind === 'service') return { service: name, serviceId: idOf(name), ...(revision ? { revision } : {}) };
  const what = label ?? `endpoint ${t.deployedModelId ? `${t.endpointId} / deployed model ${t.deployedModelId}` : t.endpointId}`;
  return { service: name, serviceId: what };
}
