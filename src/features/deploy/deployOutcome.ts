/**
 * What a deploy reports once Cloud Run has answered: the failure with its real cause (read from
 * the failed revision's log), or that nothing changed, with a way to force a new revision.
 */
import * as vscode from 'vscode';
import { reportError } from '../../common/commands';
import { UserError, type ErrorAction } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { CloudContext } from '../../common/session';
import { classifyGcpError } from '../../gcp/errors';
import { listLogEntries } from '../../gcp/logEntries';
import { runDeployApi } from '../../gcp/runDeploy';
import { buildImageCommand } from '../../serving/deploy/buildCommand';
import { isSpecific, waitForCause } from '../../serving/deploy/failureCause';
import { failureSummary, missingImage } from '../../serving/deploy/failureMessage';
import type { DeployPlan } from '../../serving/deploy/plan';
import type { CloudRunService } from '../../serving/domain';
import { defaultImage } from '../../serving/images';
import { normalizeEntry } from '../../serving/logs/entry';
import { adviceFor, type KnownFailure } from '../../serving/logs/failures';
import { serviceLogFilter } from '../../serving/logs/filter';
import type { Operations } from '../shared/operations';
import type { DeployLock } from './deployLock';

/** How long a failure report may wait for the revision's log before saying what Cloud Run said. */
export const CAUSE_WAIT_MS = 5000;
/** Changed to make Cloud Run create a revision from an unchanged template. */
export const REDEPLOY_ANNOTATION = 'ml-serving/redeployed-at';

/**
 * The recognised cause in the failed revision's log, read for at most `waitMs`; a log that cannot
 * be read (no logging.viewer, say) gives up at once. Undefined: fall back to Cloud Run's message.
 */
export async function readFailureCause(cloud: CloudContext, serviceId: string, revision: string, logger: Logger, waitMs = CAUSE_WAIT_MS): Promise<KnownFailure | undefined> {
  // The revision is minutes old at most; the bound also keeps the client from adding its own.
  const filter = serviceLogFilter({ service: serviceId, revision, since: new Date(Date.now() - 60 * 60_000) });
  const read = async () => (await listLogEntries(cloud.clients, filter, 200)).map(e => { try { return normalizeEntry(e).message; } catch { return ''; } });
  return waitForCause(read, waitMs).catch(e => {
    logger.warn(`could not read the log of ${revision} for the failure's cause: ${(e as Error)?.message ?? e}`);
    return undefined;
  });
}

/** The message of a failed deploy: the recognised cause and its fix first, else Cloud Run's words. */
export async function deployFailure(cloud: CloudContext | undefined, plan: DeployPlan, message: string, revision: string | undefined, logger: Logger, deployDir: string): Promise<UserError> {
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
      ours ? [{ title: 'Copy Build Command', run: () => copyBuildCommand(command) }] : [],
    );
  }
  const logs: ErrorAction[] = rev
    ? [{ title: 'Show Revision Logs', command: 'mlServing.logs.tail', args: [{ service, revision: rev }] }]
    : plan.update ? [{ title: 'Show Service Logs', command: 'mlServing.logs.tail', args: [{ service }] }] : [];
  const summary = failureSummary(message);
  if (summary !== message) logger.warn(`Cloud Run's full message for ${plan.serviceName}: ${message}`);
  const cause = rev && cloud ? await readFailureCause(cloud, plan.serviceName, rev, logger) : undefined;
  if (isSpecific(cause)) {
    const advice = adviceFor(cause, { service, modelName: plan.modelName, modelUri: plan.modelUri, container: plan.container, memory: plan.memory });
    logger.warn(`${plan.serviceName}: revision ${rev} failed: ${advice.title} (Cloud Run: ${summary})`);
    return new UserError(
      `Deploy of ${plan.serviceName} failed (revision ${rev}): ${advice.title}`,
      `${advice.detail}${kept}`,
      [...(advice.action ? [advice.action] : []), ...logs],
    );
  }
  return new UserError(
    `Deploy of ${plan.serviceName} failed${rev ? ` (revision ${rev})` : ''}: ${summary}`,
    kept.trim() || undefined,
    logs,
  );
}

async function copyBuildCommand(command: string): Promise<void> {
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(`Copied the build command to the clipboard: ${command.length > 120 ? `${command.slice(0, 119)}…` : command}`);
}

export const DEPLOY_NEW_REVISION = 'Deploy New Revision Anyway';

/**
 * A redeploy whose template equals the running one: Cloud Run makes no revision and nothing moves.
 * Says so (never "is serving" as if it had deployed) and offers a new revision of the same template.
 */
export function reportUnchanged(service: CloudRunService, plan: DeployPlan, forceNewRevision: () => Promise<unknown>): void {
  const serving = service.latestReadyRevision?.split('/').pop();
  void vscode.window.showInformationMessage(
    `Nothing changed: ${plan.serviceName} already runs this model with these settings, so Cloud Run made no new revision${serving ? `; ${serving} keeps serving` : ''} at ${service.uri ?? '-'}.`,
    DEPLOY_NEW_REVISION, 'Copy URL',
  ).then(async pick => {
    if (pick === DEPLOY_NEW_REVISION) await forceNewRevision();
    if (pick === 'Copy URL' && service.uri) {
      await vscode.env.clipboard.writeText(service.uri);
      void vscode.window.showInformationMessage(`Copied ${service.uri}`);
    }
  });
}

/**
 * A new revision of the service's current template (only an annotation with the time changes),
 * for a restart with a fresh start-up or to re-read a model folder whose files changed in place.
 */
export async function forceNewRevision(d: { cloud: CloudContext; ops: Operations; lock: DeployLock; plan: DeployPlan; name: string; logger: Logger; deployDir: string }): Promise<CloudRunService | undefined> {
  const api = runDeployApi(d.cloud.clients);
  try {
    return await d.lock.run(d.name, async () => {
      d.ops.start(d.name, 'Deploying new revision…');
      let previous: string | undefined;
      try {
        const created = (x?: { latestCreatedRevision?: string }) => (x?.latestCreatedRevision !== previous ? x?.latestCreatedRevision : undefined);
        let s: CloudRunService;
        try {
          s = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying a new revision of ${d.plan.serviceName}` }, async () => {
            const raw = await api.getRaw(d.name);
            if (!raw) throw new UserError(`Service ${d.plan.serviceName} no longer exists.`);
            previous = raw.latestCreatedRevision;
            const template = { ...raw.template, revision: undefined, annotations: { ...(raw.template?.annotations ?? {}), [REDEPLOY_ANNOTATION]: new Date().toISOString() } };
            return api.update({ ...raw, template });
          });
        } catch (e) {
          if (e instanceof UserError) throw e;
          // Cloud Run fails the operation when the new revision does not become ready.
          throw await deployFailure(d.cloud, d.plan, classifyGcpError(e).message, created(await api.getRaw(d.name).catch(() => undefined)), d.logger, d.deployDir);
        }
        if (s.state === 'failed') throw await deployFailure(d.cloud, d.plan, s.message ?? 'the revision did not become ready', created(s), d.logger, d.deployDir);
        const rev = created(s)?.split('/').pop();
        void vscode.window.showInformationMessage(`${d.plan.serviceName} is serving at ${s.uri} from a new revision${rev ? `, ${rev}` : ''}.`);
        return s;
      } finally {
        d.ops.done(d.name);
      }
    });
  } catch (e) {
    await reportError('mlServing.deploy', e, d.logger);
    return undefined;
  }
}
