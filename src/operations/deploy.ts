/**
 * The deploy, once, for the extension and the CLI: read the model and the service (once each),
 * assemble the plan, ask the caller to confirm it (a modal in VS Code, the printed diff and --yes
 * or "y" in a terminal), send exactly the confirmed body (with the etag read, so a change made since
 * is refused), wait for the revision, and say what happened. No vscode: the caller brings the UI
 * through `DeployHooks`.
 */
import { CancelledError, isCancellation, UserError, ValidationError, type ErrorAction } from '../common/errors';
import { classifyGcpError, roleFor } from '../gcp/errors';
import type { DeployAnswers } from '../serving/deploy/answers';
import { deriveServiceName, serviceNameProblem } from '../serving/deploy/names';
import { planProblems, type DeployPlan } from '../serving/deploy/plan';
import { planFor, proposalFor, switchedPlan, type PlanInputs, type Proposal, type Review } from '../serving/deploy/planFor';
import type { CloudRunService } from '../serving/domain';
import { isKnownRegion } from '../serving/regions';
import type { ContainerKind } from '../serving/routing/chooseContainer';
import type { ModelInspection } from '../serving/savedModel/inspection';
import { WARMUP_FILE } from '../serving/warmup/fromPayloads';
import type { ServingSpec } from '../serving/servingSpec';
import type { Json, OperationApis } from './ports';

/** What is being deployed, whatever it was invoked on (a tree node, a registry version, a CLI flag). */
export interface DeploySource {
  displayName: string;
  modelUri: string;
  region: string;
  labels: Record<string, string>;
  links: { model?: string; modelVersion?: string; run?: string; modelDisplayName?: string };
  /** Set when redeploying an existing service (e.g. "redeploy with the Python server"). */
  serviceName?: string;
  modelName?: string;
  container?: ContainerKind;
  /** The service as already read to find the model (a redeploy): the deploy does not read it again. */
  existing?: { name: string; raw: Json; spec: ServingSpec; service: CloudRunService };
}

export interface DeployContext {
  apis: OperationApis;
  /** The image for a container kind (settings or the project's own). */
  imageFor(container: 'native' | 'python', region: string): string;
  /** mlServing.deploy.serviceAccount (user settings) or --service-account. */
  serviceAccount?: string;
}

/** The confirmation's helpers: the review of a plan, and the same model in the other container. */
export interface ConfirmContext {
  review(p: DeployPlan): Review | undefined;
  switchContainer(p: DeployPlan): Promise<DeployPlan>;
}

export interface DeployHooks {
  /** No service name given: ask for one (undefined cancels). Without this hook the suggestion is used. */
  askServiceName?(suggested: string): Promise<string | undefined>;
  /** Wraps the model read (a progress notification, a stderr line). */
  inspecting?<T>(uri: string, work: () => Promise<T>): Promise<T>;
  /** Shows the plan and returns what the user confirmed; undefined refuses (nothing is changed). */
  confirm(plan: DeployPlan, ctx: ConfirmContext): Promise<DeployPlan | undefined>;
  /** Progress of the write (a notification's message, a stderr line). */
  progress?(message: string): void;
  signal?: AbortSignal;
  /** Offered with a quota error: the same deploy again. */
  retry?: ErrorAction;
}

/** A plan confirmed and ready to send. */
export interface PreparedDeploy {
  name: string;
  plan: DeployPlan;
  proposal: Proposal;
  /** allUsers could invoke the service before the deploy (its IAM policy, read once). */
  wasPublic: boolean;
}

export type DeployOutcome =
  | { kind: 'deployed'; service: CloudRunService; plan: DeployPlan; revision?: string }
  /** A redeploy of the same template: Cloud Run made no revision and nothing moved. */
  | { kind: 'unchanged'; service: CloudRunService; plan: DeployPlan }
  /** Cloud Run answered with a failure; `revision` only if this deploy created it. */
  | { kind: 'failed'; message: string; revision?: string; plan: DeployPlan };

export const serviceResource = (project: string, region: string, service: string) => `projects/${project}/locations/${region}/services/${service}`;

/** Read → plan → confirm. Throws CancelledError when the user declines, ValidationError on bad answers. */
export async function prepareDeploy(ctx: DeployContext, source: DeploySource, a: DeployAnswers, hooks: DeployHooks): Promise<PreparedDeploy> {
  const { apis } = ctx;
  const region = a.region ?? source.region;
  if (!isKnownRegion(region)) throw new ValidationError('region', `"${region}" is not a Cloud Run region`);
  const inspect = async (override?: 'native' | 'python') => {
    const work = () => apis.models.inspect(source.modelUri, { labels: source.labels, override });
    return hooks.inspecting ? hooks.inspecting(source.modelUri, work) : work();
  };
  const inspection = await inspect(a.container ?? source.container);
  if (inspection.container === 'none') {
    throw new UserError(`${source.modelUri} cannot be served: ${inspection.errors.join('; ')}`, 'TF Serving needs <folder>/<version>/saved_model.pb with a meta graph tagged "serve".');
  }

  let serviceName = a.serviceName ?? source.serviceName;
  if (!serviceName) {
    const suggested = deriveServiceName(source.displayName, source.links.modelVersion);
    serviceName = hooks.askServiceName ? await hooks.askServiceName(suggested) : suggested;
    if (!serviceName) throw new CancelledError();
    serviceName = serviceName.trim();
  }
  const nameProblem = serviceNameProblem(serviceName);
  if (nameProblem) throw new ValidationError('serviceName', nameProblem);

  const name = serviceResource(apis.project, region, serviceName);
  // The one read of the service (none when finding the model already read it) and of its policy.
  const existing = source.existing?.name === name ? source.existing : await apis.runWrite.read(name);
  const wasPublic = existing ? await apis.runWrite.isPublic(name) : false;
  // One existence check: the confirmation says whether new instances will be warmed up.
  const warmupData = inspection.modelDir?.startsWith('gs://')
    ? await apis.storage.exists(`${inspection.modelDir.replace(/\/+$/, '')}/${WARMUP_FILE}`).catch(() => undefined) : undefined;
  const inputs = (ins: ModelInspection): PlanInputs => ({
    inspection: ins, serviceName: serviceName!, region, project: apis.project, imageFor: c => ctx.imageFor(c, region),
    source, existing, wasPublic, settingsServiceAccount: ctx.serviceAccount, answers: a, warmupData,
  });
  const plan = planFor(inputs(inspection));
  const review = (p: DeployPlan) => proposalFor(p, existing).review;
  const confirmed = await hooks.confirm(plan, {
    review,
    switchContainer: async p => switchedPlan(inputs(await inspect(p.container === 'native' ? 'python' : 'native')), p),
  });
  if (!confirmed) throw new CancelledError();
  return { name, plan: confirmed, proposal: proposalFor(confirmed, existing), wasPublic };
}

/** The problems that stop an unattended deploy, as a ValidationError naming the field. */
export function refuseProblems(plan: DeployPlan): void {
  const problems = planProblems(plan);
  if (problems.length) throw new ValidationError(problems[0].split(':')[0], problems[0].split(': ').slice(1).join(': '));
}

/** The permissions a redeploy needs, checked before anything is sent. */
async function preflight(apis: OperationApis, p: PreparedDeploy): Promise<void> {
  if (!p.plan.update) return;
  const perms = ['run.services.update', 'run.services.get'];
  if (p.plan.isPublic) perms.push('run.services.setIamPolicy');
  const missing = await apis.runWrite.missingPermissions(p.name, perms);
  if (missing.length) {
    throw new UserError(`You lack ${missing.join(', ')} on ${p.plan.serviceName}.`, `Ask for ${roleFor(missing[0])} on the project or the service; nothing was changed.`);
  }
}

/**
 * Sends the confirmed body and waits for the revision. A failed revision is an outcome (the
 * caller explains it with the log's cause); errors that changed nothing are UserErrors.
 */
export async function executeDeploy(apis: OperationApis, p: PreparedDeploy, hooks: Pick<DeployHooks, 'progress' | 'signal' | 'retry'> = {}): Promise<DeployOutcome> {
  const { plan, proposal, name } = p;
  await preflight(apis, p);
  const previousRevision: string | undefined = proposal.existing?.latestCreatedRevision;
  const newRevision = (s?: { latestCreatedRevision?: string }) => (s?.latestCreatedRevision !== previousRevision ? s?.latestCreatedRevision : undefined);
  let accessChanged = false;
  let service: CloudRunService;
  try {
    hooks.progress?.(`${plan.update ? 'new revision' : 'creating service'} (${plan.container === 'native' ? 'native TF Serving' : 'Python server'})…`);
    service = proposal.existing
      ? await apis.runWrite.update(proposal.body, hooks.signal)
      : await apis.runWrite.create(`projects/${apis.project}/locations/${plan.region}`, plan.serviceName, proposal.body, hooks.signal);
    if (plan.isPublic !== p.wasPublic) {
      hooks.progress?.(plan.isPublic ? 'allowing unauthenticated calls…' : 'requiring authentication…');
      await apis.runWrite.setPublic(name, plan.isPublic);
      accessChanged = true;
    }
  } catch (e) {
    if (isCancellation(e) || e instanceof UserError) throw e;
    const c = classifyGcpError(e);
    if (c.kind === 'permission') throw new UserError(`Permission denied deploying ${plan.serviceName}: ${c.message}`, c.permission ? `Ask for ${roleFor(c.permission)} (grants ${c.permission}); nothing was changed.` : 'Ask for roles/run.developer; nothing was changed.');
    if (c.kind === 'quota') throw new UserError(`Cloud Run quota exceeded deploying ${plan.serviceName}: ${c.message}`, 'Nothing was changed. Retry in a minute, or ask for more quota.', hooks.retry ? [hooks.retry] : []);
    // The etag read for the confirmation no longer matches: someone changed the service meanwhile.
    if (c.code === 10 && plan.update) throw new UserError(`${plan.serviceName} changed after you confirmed the deploy (another deploy, or a traffic change); nothing was changed.`, 'Deploy again to see the changes against the service as it is now.', hooks.retry ? [hooks.retry] : []);
    // Cloud Run fails the operation when the revision does not become ready: which one was it?
    const failed = await apis.runWrite.read(name).catch(() => undefined);
    return { kind: 'failed', message: c.message, revision: newRevision(failed?.raw), plan };
  }
  if (service.state === 'failed') return { kind: 'failed', message: service.message ?? 'the revision did not become ready', revision: newRevision(service), plan };
  // Same template as the running one: Cloud Run made no revision, so this deploy did nothing.
  if (plan.update && !accessChanged && service.latestCreatedRevision === previousRevision) return { kind: 'unchanged', service, plan };
  return { kind: 'deployed', service, plan, revision: newRevision(service) };
}
