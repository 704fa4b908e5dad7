import * as vscode from 'vscode';
import { CancelledError, isCancellation, UserError, ValidationError, type ErrorAction } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { CloudContext, Session } from '../../common/session';
import { classifyGcpError, roleFor } from '../../gcp/errors';
import { inspectGcsModel } from '../../gcp/modelInspector';
import { runDeployApi } from '../../gcp/runDeploy';
import { deriveModelName, deriveServiceName, serviceNameProblem } from '../../serving/deploy/names';
import { defaultPlan, planProblems, type DeployPlan } from '../../serving/deploy/plan';
import { buildImageCommand } from '../../serving/deploy/buildCommand';
import { failureSummary, missingImage } from '../../serving/deploy/failureMessage';
import { buildService } from '../../serving/deploy/serviceSpec';
import type { CloudRunService } from '../../serving/domain';
import { defaultImage, imageFor } from '../../serving/images';
import { isKnownRegion } from '../../serving/regions';
import type { ModelInspection } from '../../serving/savedModel/inspection';
import type { ExplorerTrees } from '../explorer/register';
import { trafficSummary } from '../explorer/present/serviceView';
import { confirmPlan } from './confirmPlan';
import type { DeployLock } from './deployLock';
import { applyAnswers, parseAnswers, type DeployAnswers } from './deployOptions';
import { isRedeployArgs, resolveSource, type DeploySource } from './deploySource';

export interface DeployResult {
  service: CloudRunService;
  plan: DeployPlan;
}

/**
 * Deploy to Cloud Run: read the model, pick the container and say why, confirm, create the
 * service (or a new revision of it), wait until ready, show the URL. Never deletes a service
 * and never moves traffic off a serving revision except as Cloud Run does once the new one is
 * ready (LATEST); a failed revision leaves the previous one serving.
 */
export function deploy(session: Session, trees: ExplorerTrees, lock: DeployLock, logger: Logger, deployDir: string) {
  return async (target?: unknown, rawAnswers?: unknown): Promise<DeployResult> => {
    const answers = parseAnswers(rawAnswers);
    // "Redeploy with more memory" from a recognised failure carries the memory with the target.
    if (isRedeployArgs(target) && target.memory !== undefined) {
      if (typeof target.memory !== 'string') throw new ValidationError('memory', 'expected a memory limit such as 8Gi');
      answers.memory ??= target.memory;
    }
    const cloud = await session.cloud();
    const source = await resolveSource(target, cloud);
    const plan = await preparePlan(session, cloud, source, answers);
    const name = `projects/${cloud.project}/locations/${plan.region}/services/${plan.serviceName}`;
    // Quota errors offer the same deploy again (through the confirmation unless it was skipped).
    const retry: ErrorAction = { title: 'Retry', command: 'mlServing.deploy', args: [target, rawAnswers] };
    return lock.run(name, () => execute(cloud, trees, plan, name, logger, retry, deployDir));
  };
}

async function preparePlan(session: Session, cloud: CloudContext, source: DeploySource, a: DeployAnswers): Promise<DeployPlan> {
  const region = a.region ?? source.region;
  if (!isKnownRegion(region)) throw new ValidationError('region', `"${region}" is not a Cloud Run region`);
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
    serviceName = a.yes ? suggested : await vscode.window.showInputBox({
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
  const env = Object.fromEntries(((existing?.template?.containers?.[0]?.env ?? []) as Array<{ name: string; value: string }>).map(e => [e.name, e.value]));
  const modelName = source.modelName ?? env.MODEL_NAME ?? deriveModelName(source.displayName);
  const make = (ins: ModelInspection) => defaultPlan({
    inspection: ins, serviceName: serviceName!, region, project: cloud.project, container: ins.container as 'native' | 'python',
    image: imageFor(ins.container as 'native' | 'python', session.settings, cloud.project, region), modelName, links: source.links, update: Boolean(existing),
  });
  let plan = applyAnswers(make(inspection), a);
  if (existing) {
    // A redeploy keeps the service's resources unless asked otherwise.
    const c = existing.template?.containers?.[0];
    plan = applyAnswers({ ...plan,
      cpu: c?.resources?.limits?.cpu ?? plan.cpu, memory: a.memory ?? (plan.container === 'python' && source.container ? maxMemory(c?.resources?.limits?.memory, '4Gi') : c?.resources?.limits?.memory ?? plan.memory),
      minInstances: existing.template?.scaling?.minInstanceCount ?? plan.minInstances, maxInstances: existing.template?.scaling?.maxInstanceCount || plan.maxInstances,
      concurrency: existing.template?.maxInstanceRequestConcurrency || plan.concurrency,
    }, { ...a, memory: undefined });
    if (a.memory) plan.memory = a.memory;
    plan.isPublic = a.isPublic ?? await runDeployApi(cloud.clients).isPublic(name);
  }
  if (a.yes) {
    const problems = planProblems(plan);
    if (problems.length) throw new ValidationError(problems[0].split(':')[0], problems[0].split(': ').slice(1).join(': '));
    return plan;
  }
  return confirmPlan(plan, async p => {
    inspection = await inspect(p.container === 'native' ? 'python' : 'native');
    return { ...make(inspection), cpu: p.cpu, memory: inspection.container === 'python' ? maxMemory(p.memory, '4Gi') : p.memory, minInstances: p.minInstances, maxInstances: p.maxInstances, concurrency: p.concurrency, isPublic: p.isPublic };
  });
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

async function execute(cloud: CloudContext, trees: ExplorerTrees, plan: DeployPlan, name: string, logger: Logger, retry: ErrorAction, deployDir: string): Promise<DeployResult> {
  const failure = (message: string, revision?: string) => deployFailure(plan, message, revision, logger, deployDir);
  const api = runDeployApi(cloud.clients);
  await preflight(cloud, plan, name);
  const spec = buildService(plan);
  logger.info(`deploy ${name}: ${plan.container} ${plan.image}, model ${plan.modelUri} → /models/${plan.modelName}/${plan.version ?? '1'}`);
  trees.services.setBusy(name, plan.update ? 'Deploying new revision…' : 'Deploying…');
  // A failure names a revision only if this deploy created it (an LRO can fail before one exists).
  let previousRevision: string | undefined;
  const newRevision = (s?: { latestCreatedRevision?: string }) => (s?.latestCreatedRevision !== previousRevision ? s?.latestCreatedRevision : undefined);
  try {
    const service = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploying ${plan.serviceName} to Cloud Run`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        progress.report({ message: `${plan.update ? 'new revision' : 'creating service'} (${plan.container === 'native' ? 'native TF Serving' : 'Python server'})…` });
        const existing = plan.update ? await api.getRaw(name) : undefined;
        previousRevision = existing?.latestCreatedRevision;
        const s = existing
          ? await api.update({ ...existing, labels: { ...(existing.labels ?? {}), ...spec.labels }, template: spec.template }, ac.signal)
          : await api.create(`projects/${cloud.project}/locations/${plan.region}`, plan.serviceName, spec, ac.signal);
        if (plan.isPublic !== (await api.isPublic(name))) {
          progress.report({ message: plan.isPublic ? 'allowing unauthenticated calls…' : 'requiring authentication…' });
          await api.setPublic(name, plan.isPublic);
        }
        return s;
      },
    );
    if (service.state === 'failed') throw failure(service.message ?? 'the revision did not become ready', newRevision(service));
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
    const failed = await api.getRaw(name).catch(() => undefined);
    throw failure(c.message, newRevision(failed));
  } finally {
    trees.services.setBusy(name, undefined);
    trees.models.invalidate();
  }
}

function deployFailure(plan: DeployPlan, message: string, revision: string | undefined, logger: Logger, deployDir: string): UserError {
  const rev = revision?.split('/').pop();
  const service = `projects/${plan.project}/locations/${plan.region}/services/${plan.serviceName}`;
  const kept = plan.update ? ' The previous revision still serves and keeps its traffic.' : '';
  const image = missingImage(message);
  if (image) {
    // The usual first-deploy failure: the serving images were never built into the project.
    const ours = image === defaultImage(plan.container, plan.project, plan.region);
    const command = buildImageCommand({ container: plan.container, project: plan.project, region: plan.region, deployDir });
    return new UserError(
      `Deploy of ${plan.serviceName} failed: the serving image ${image} does not exist.`,
      (ours
        ? `Build it once with Cloud Build (Copy Build Command; the native image takes about a minute, the Python one 5-10 minutes), then deploy again.`
        : `Check the mlServing.images.${plan.container} setting, or clear it to use the image built from deploy/.`) + kept,
      ours ? [{ title: 'Copy Build Command', run: () => vscode.env.clipboard.writeText(command) }] : [],
    );
  }
  const actions = rev
    ? [{ title: 'Show Revision Logs', command: 'mlServing.logs.tail', args: [{ service, revision: rev }] }]
    : plan.update ? [{ title: 'Show Service Logs', command: 'mlServing.logs.tail', args: [{ service }] }] : [];
  const summary = failureSummary(message);
  if (summary !== message) logger.warn(`Cloud Run's full message for ${plan.serviceName}: ${message}`);
  return new UserError(
    `Deploy of ${plan.serviceName} failed${rev ? ` (revision ${rev})` : ''}: ${summary}`,
    kept.trim() || undefined,
    actions,
  );
}
