import * as vscode from 'vscode';
import { CancelledError, isCancellation, UserError, ValidationError, type ErrorAction } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { CloudContext, Session } from '../../common/session';
import { classifyGcpError, roleFor } from '../../gcp/errors';
import { inspectGcsModel } from '../../gcp/modelInspector';
import { runDeployApi } from '../../gcp/runDeploy';
import { gcsObjectExists } from '../../gcp/storageWrite';
import { WARMUP_FILE } from '../../serving/warmup/file';
import { deriveModelName, deriveServiceName, serviceNameProblem } from '../../serving/deploy/names';
import { defaultPlan, planProblems, type DeployPlan } from '../../serving/deploy/plan';
import { buildService } from '../../serving/deploy/serviceSpec';
import { diffService, isDefaultComputeAccount, keptSummary, mergeService, servingContainerIndex, type UserChanges } from '../../serving/deploy/mergeService';
import { unattendedAllowed } from '../../common/unattended';
import { reportIgnoredWorkspaceValues } from '../../common/settings';
import type { CloudRunService } from '../../serving/domain';
import { imageFor } from '../../serving/images';
import { isKnownRegion } from '../../serving/regions';
import type { ModelInspection } from '../../serving/savedModel/inspection';
import type { Operations } from '../shared/operations';
import { trafficSummary } from '../../serving/deploy/trafficSummary';
import { deployFailure, forceNewRevision, reportUnchanged } from './deployOutcome';
import { confirmPlan, planDetail, type Review } from './confirmPlan';
import { chatDecision } from '../../common/chatConfirmation';
import type { DeployLock } from './deployLock';
import { applyAnswers, parseAnswers, type DeployAnswers } from './deployOptions';
import { isRedeployArgs, resolveSource, type DeploySource } from './deploySource';

export interface DeployResult {
  service: CloudRunService;
  plan: DeployPlan;
  /** A redeploy that changed nothing: Cloud Run made no revision. */
  unchanged?: boolean;
}

/**
 * Deploy to Cloud Run: read the model, pick the container and say why, confirm, create the
 * service (or a new revision of it), wait until ready, show the URL. Never deletes a service
 * and never moves traffic off a serving revision except as Cloud Run does once the new one is
 * ready (LATEST); a failed revision leaves the previous one serving.
 */
export function deploy(session: Session, ops: Operations, lock: DeployLock, logger: Logger, deployDir: string) {
  return async (target?: unknown, rawAnswers?: unknown): Promise<DeployResult> => {
    const answers = parseAnswers(rawAnswers);
    // Skipping the confirmation is for the test runner only; anyone else is asked.
    if (answers.yes && !unattendedAllowed()) {
      logger.warn('deploy: "yes" ignored outside the extension\'s tests; asking for confirmation');
      answers.yes = false;
    }
    // "Redeploy with more memory" from a recognised failure carries the memory with the target.
    if (isRedeployArgs(target) && target.memory !== undefined) {
      if (typeof target.memory !== 'string') throw new ValidationError('memory', 'expected a memory limit such as 8Gi');
      answers.memory ??= target.memory;
    }
    const cloud = await session.cloud();
    const source = await resolveSource(target, cloud);
    const { plan, proposal } = await preparePlan(session, cloud, source, answers);
    const name = `projects/${cloud.project}/locations/${plan.region}/services/${plan.serviceName}`;
    // Quota errors offer the same deploy again (through the confirmation unless it was skipped).
    const retry: ErrorAction = { title: 'Retry', command: 'mlServing.deploy', args: [target, rawAnswers] };
    const result = await lock.run(name, () => execute(cloud, ops, plan, proposal(plan), name, logger, retry, deployDir));
    if (result.unchanged) reportUnchanged(result.service, result.plan, () => forceNewRevision({ cloud, ops, lock, plan: result.plan, name, logger, deployDir }));
    return result;
  };
}

/** What is sent: the new service, or the existing one merged with what this product owns. */
interface Proposal {
  existing?: Record<string, any>;
  body: Record<string, any>;
  review?: Review;
}

/** Cloud Run's values when a template leaves them unset: the baseline a redeploy keeps. */
const RUN_DEFAULTS = { cpu: '1', memory: '512Mi', minInstances: 0, maxInstances: 100, concurrency: 80 };

async function preparePlan(session: Session, cloud: CloudContext, source: DeploySource, a: DeployAnswers): Promise<{ plan: DeployPlan; proposal: (p: DeployPlan) => Proposal }> {
  const region = a.region ?? source.region;
  if (!isKnownRegion(region)) throw new ValidationError('region', `"${region}" is not a Cloud Run region`);
  // A workspace cannot choose the image or identity; say so if it tried.
  await reportIgnoredWorkspaceValues();
  const inspect = (override?: 'native' | 'python') => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading the SavedModel at ${source.modelUri}…` },
    () => inspectGcsModel(cloud.clients, source.modelUri, { labels: source.labels, override }),
  );
  const override = a.container ?? source.container;
  let inspection = await inspect(override);
  if (inspection.container === 'none') {
    throw new UserError(`${source.modelUri} cannot be served: ${inspection.errors.join('; ')}`, 'TF Serving needs <folder>/<version>/saved_model.pb with a meta graph tagged "serve".');
  }

  let serviceName = a.serviceName ?? source.serviceName;
  if (!serviceName) {
    const suggested = deriveServiceName(source.displayName, source.links.modelVersion);
    serviceName = a.yes || a.chat !== undefined ? suggested : await vscode.window.showInputBox({
      title: 'Deploy to Cloud Run: service name', value: suggested,
      prompt: 'An existing service gets a new revision; its current revision keeps serving until the new one is ready.',
      validateInput: v => serviceNameProblem(v.trim()),
    });
    if (!serviceName) throw new CancelledError();
    serviceName = serviceName.trim();
  }
  const nameProblem = serviceNameProblem(serviceName);
  if (nameProblem) throw new ValidationError('serviceName', nameProblem);

  const name = `projects/${cloud.project}/locations/${region}/services/${serviceName}`;
  const existing = await runDeployApi(cloud.clients).getRaw(name);
  const t = existing?.template ?? {};
  const c = (t.containers ?? [])[Math.max(0, servingContainerIndex(t))];
  const env = Object.fromEntries(((c?.env ?? []) as Array<{ name: string; value?: string }>).filter(e => e.value).map(e => [e.name, e.value]));
  const modelName = source.modelName ?? env.MODEL_NAME ?? deriveModelName(source.displayName);
  // The identity: the user's setting, else the service's own (a redeploy keeps it), else Cloud Run's default.
  const ownAccount = isDefaultComputeAccount(t.serviceAccount) ? undefined : (t.serviceAccount as string);
  const serviceAccount = session.settings.deployServiceAccount || ownAccount;
  // One existence check: the confirmation says whether new instances will be warmed up.
  const warmupData = inspection.modelDir?.startsWith('gs://')
    ? await gcsObjectExists(cloud.clients, `${inspection.modelDir.replace(/\/+$/, '')}/${WARMUP_FILE}`).catch(() => undefined) : undefined;
  const make = (ins: ModelInspection) => ({ ...defaultPlan({
    inspection: ins, serviceName: serviceName!, region, project: cloud.project, container: ins.container as 'native' | 'python',
    image: imageFor(ins.container as 'native' | 'python', session.settings, cloud.project, region), modelName, links: source.links, update: Boolean(existing),
    serviceAccount,
  }), warmupData });
  let plan = applyAnswers(make(inspection), a);
  // A redeploy keeps the service's resources and scaling unless the user changes them.
  const baseline = existing ? {
    cpu: c?.resources?.limits?.cpu || RUN_DEFAULTS.cpu, memory: c?.resources?.limits?.memory || RUN_DEFAULTS.memory,
    minInstances: t.scaling?.minInstanceCount ?? RUN_DEFAULTS.minInstances, maxInstances: t.scaling?.maxInstanceCount || RUN_DEFAULTS.maxInstances,
    concurrency: t.maxInstanceRequestConcurrency || RUN_DEFAULTS.concurrency,
  } : undefined;
  if (existing && baseline) {
    plan = applyAnswers({ ...plan, ...baseline,
      memory: a.memory ?? (plan.container === 'python' && source.container ? maxMemory(baseline.memory, '4Gi') : baseline.memory),
    }, { ...a, memory: undefined });
    if (a.memory) plan.memory = a.memory;
    plan.isPublic = a.isPublic ?? await runDeployApi(cloud.clients).isPublic(name);
  }
  const proposal = (p: DeployPlan): Proposal => {
    const desired = buildService(p);
    if (!existing || !baseline) return { body: desired };
    const changes: UserChanges = {};
    for (const k of ['cpu', 'memory', 'minInstances', 'maxInstances', 'concurrency'] as const) if (p[k] !== baseline[k]) (changes as Record<string, unknown>)[k] = p[k];
    if (p.serviceAccount && p.serviceAccount !== t.serviceAccount) changes.serviceAccount = p.serviceAccount;
    const body = mergeService(existing, desired, changes);
    return { existing, body, review: { changes: diffService(existing, body), kept: keptSummary(body.template) } };
  };
  if (a.yes) {
    const problems = planProblems(plan);
    if (problems.length) throw new ValidationError(problems[0].split(':')[0], problems[0].split(': ').slice(1).join(': '));
    return { plan, proposal };
  }
  // A language model tool: previews the modal's text, or deploys what the user accepted in chat.
  if (a.chat !== undefined) {
    const problems = planProblems(plan);
    const text = [`${plan.willFail.length ? `This deploy of ${plan.serviceName} will fail: ${plan.willFail[0]}` : `Deploy ${plan.serviceName} to Cloud Run?`}`, planDetail(plan, proposal(plan).review), ...problems.map(p => `Problem: ${p}`)].join('\n');
    const chat = chatDecision(a.chat, text);
    if (chat === 'preview') throw new CancelledError();
    if (chat === 'confirmed' && !problems.length) return { plan, proposal };
  }
  const confirmed = await confirmPlan(plan, {
    review: p => proposal(p).review,
    switchContainer: async p => {
      inspection = await inspect(p.container === 'native' ? 'python' : 'native');
      return { ...make(inspection), cpu: p.cpu, memory: inspection.container === 'python' ? maxMemory(p.memory, '4Gi') : p.memory, minInstances: p.minInstances, maxInstances: p.maxInstances, concurrency: p.concurrency, isPublic: p.isPublic, serviceAccount: p.serviceAccount };
    },
  });
  return { plan: confirmed, proposal };
}

function maxMemory(a: string | undefined, b: string): string {
  const mib = (m?: string) => (!m ? 0 : m.endsWith('Gi') ? parseInt(m, 10) * 1024 : parseInt(m, 10));
  return mib(a) >= mib(b) ? a! : b;
}

async function preflight(cloud: CloudContext, plan: DeployPlan, name: string): Promise<void> {
  const api = runDeployApi(cloud.clients);
  if (!plan.update) return;
  const perms = ['run.services.update', 'run.services.get'];
  if (plan.isPublic) perms.push('run.services.setIamPolicy');
  const missing = await api.missingPermissions(name, perms);
  if (missing.length) {
    throw new UserError(`You lack ${missing.join(', ')} on ${plan.serviceName}.`, `Ask for ${roleFor(missing[0])} on the project or the service; nothing was changed.`);
  }
}

async function execute(cloud: CloudContext, ops: Operations, plan: DeployPlan, proposal: Proposal, name: string, logger: Logger, retry: ErrorAction, deployDir: string): Promise<DeployResult> {
  const failure = (message: string, revision?: string) => deployFailure(cloud, plan, message, revision, logger, deployDir);
  const api = runDeployApi(cloud.clients);
  await preflight(cloud, plan, name);
  logger.info(`deploy ${name}: ${plan.container} ${plan.image}, model ${plan.modelUri} → /models/${plan.modelName}/${plan.version ?? '1'}`);
  ops.start(name, plan.update ? 'Deploying new revision…' : 'Deploying…');
  // A failure names a revision only if this deploy created it (an LRO can fail before one exists).
  let previousRevision: string | undefined;
  let accessChanged = false;
  const newRevision = (s?: { latestCreatedRevision?: string }) => (s?.latestCreatedRevision !== previousRevision ? s?.latestCreatedRevision : undefined);
  try {
    const service = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploying ${plan.serviceName} to Cloud Run`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        progress.report({ message: `${plan.update ? 'new revision' : 'creating service'} (${plan.container === 'native' ? 'native TF Serving' : 'Python server'})…` });
        // Exactly what the confirmation showed: the existing service merged with what this product
        // owns, with the etag read then (a change made since is refused, not overwritten).
        const existing = proposal.existing;
        previousRevision = existing?.latestCreatedRevision;
        const s = existing
          ? await api.update(proposal.body, ac.signal)
          : await api.create(`projects/${cloud.project}/locations/${plan.region}`, plan.serviceName, proposal.body, ac.signal);
        if (plan.isPublic !== (await api.isPublic(name))) {
          progress.report({ message: plan.isPublic ? 'allowing unauthenticated calls…' : 'requiring authentication…' });
          await api.setPublic(name, plan.isPublic);
          accessChanged = true;
        }
        return s;
      },
    );
    if (service.state === 'failed') throw await failure(service.message ?? 'the revision did not become ready', newRevision(service));
    // Same template as the running one: Cloud Run made no revision, so this deploy did nothing.
    if (plan.update && !accessChanged && service.latestCreatedRevision === previousRevision) return { service, plan, unchanged: true };
    void vscode.window.showInformationMessage(`${plan.serviceName} is serving at ${service.uri}`, 'Test Prediction', 'Tail Logs', 'Copy URL').then(async pick => {
      if (pick === 'Test Prediction') await vscode.commands.executeCommand('mlServing.testPrediction', { service: name });
      if (pick === 'Tail Logs') await vscode.commands.executeCommand('mlServing.logs.tail', { service: name });
      if (pick === 'Copy URL' && service.uri) await vscode.env.clipboard.writeText(service.uri);
    });
    return { service, plan };
  } catch (e) {
    if (isCancellation(e)) {
      const now = await cloud.run.getService(name).catch(() => undefined);
      const state = now ? `${now.reconciling ? 'still deploying' : 'not changing'}; traffic: ${trafficSummary(now)}` : 'not created';
      void vscode.window.showWarningMessage(`Stopped waiting for ${plan.serviceName}. Cloud Run carries on with the operation: the service is ${state}. The Serving view shows its real state.`);
      throw new CancelledError();
    }
    if (e instanceof UserError) throw e;
    const c = classifyGcpError(e);
    if (c.kind === 'permission') throw new UserError(`Permission denied deploying ${plan.serviceName}: ${c.message}`, c.permission ? `Ask for ${roleFor(c.permission)} (grants ${c.permission}); nothing was changed.` : 'Ask for roles/run.developer; nothing was changed.');
    if (c.kind === 'quota') throw new UserError(`Cloud Run quota exceeded deploying ${plan.serviceName}: ${c.message}`, 'Nothing was changed. Retry in a minute, or ask for more quota.', [retry]);
    // The etag read for the confirmation no longer matches: someone changed the service meanwhile.
    if (c.code === 10 && plan.update) throw new UserError(`${plan.serviceName} changed after you confirmed the deploy (another deploy, or a traffic change); nothing was changed.`, 'Deploy again to see the changes against the service as it is now.', [retry]);
    const failed = await api.getRaw(name).catch(() => undefined);
    throw await failure(c.message, newRevision(failed));
  } finally {
    ops.done(name);
  }
}
