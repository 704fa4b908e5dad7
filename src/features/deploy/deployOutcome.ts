/**
 * What a deploy reports once Cloud Run has answered: the failure with its real cause (read from
 * the failed revision's log), or that nothing changed, with a way to force a new revision.
 */
import * as vscode from 'vscode';
import { reportError } from '../../common/commands';
import { UserError, type ErrorAction } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { CloudContext } from '../shared/session';
import { classifyGcpError } from '../../gcp/errors';
import { CAUSE_WAIT_MS, explainFailure, readFailureCause as readCause } from '../../operations/deployFailure';
import { failureSummary, missingImage } from '../../serving/deploy/failureMessage';
import type { DeployPlan } from '../../serving/deploy/plan';
import type { CloudRunService } from '../../serving/domain';
import type { KnownFailure } from '../../serving/logs/failures';
import type { Operations } from '../shared/operations';
import type { DeployLock } from './deployLock';
import { idOrUndefined } from '../../serving/resourceNames';
import { CommandIds } from '../../serving/commandIds';

/** Changed to make Cloud Run create a revision from an unchanged template. */
export const REDEPLOY_ANNOTATION = 'ml-serving/redeployed-at';
export { CAUSE_WAIT_MS };

/** The recognised cause in the failed revision's log (src/operations/deployFailure.ts). */
export function readFailureCause(cloud: CloudContext, serviceId: string, revision: string, logger: Logger, waitMs = CAUSE_WAIT_MS): Promise<KnownFailure | undefined> {
  return readCause(cloud.apis.logs, serviceId, revision, line => logger.warn(line), waitMs);
}

/** The message of a failed deploy: the recognised cause and its fix first, else Cloud Run's words. */
export async function deployFailure(cloud: CloudContext | undefined, plan: DeployPlan, message: string, revision: string | undefined, logger: Logger, deployDir: string): Promise<UserError> {
  const rev = idOrUndefined(revision);
  const service = `projects/${plan.project}/locations/${plan.region}/services/${plan.serviceName}`;
  const summary = failureSummary(message);
  if (!missingImage(message) && summary !== message) logger.warn(`Cloud Run's full message for ${plan.serviceName}: ${message}`);
  const cause = !missingImage(message) && rev && cloud ? await readFailureCause(cloud, plan.serviceName, rev, logger) : undefined;
  const x = explainFailure(plan, message, revision, cause, deployDir);
  if (x.missingImage) {
    const command = x.missingImage.buildCommand;
    return new UserError(x.message, x.next, x.missingImage.ours ? [{ title: 'Copy Build Command', run: () => copyBuildCommand(command) }] : []);
  }
  const logs: ErrorAction[] = rev
    ? [{ title: 'Show Revision Logs', command: CommandIds.tailLogs, args: [{ service, revision: rev }] }]
    : plan.update ? [{ title: 'Show Service Logs', command: CommandIds.tailLogs, args: [{ service }] }] : [];
  if (x.advice) {
    logger.warn(`${plan.serviceName}: revision ${rev} failed: ${x.advice.title} (Cloud Run: ${summary})`);
    return new UserError(x.message, x.next, [...(x.advice.action ? [x.advice.action] : []), ...logs]);
  }
  return new UserError(x.message, x.next, logs);
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
  const serving = idOrUndefined(service.latestReadyRevision);
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
  const api = d.cloud.apis.runWrite;
  try {
    return await d.lock.run(d.name, async () => {
      d.ops.start(d.name, 'Deploying new revision…');
      let previous: string | undefined;
      try {
        const created = (x?: { latestCreatedRevision?: string }) => (x?.latestCreatedRevision !== previous ? x?.latestCreatedRevision : undefined);
        let s: CloudRunService;
        try {
          s = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying a new revision of ${d.plan.serviceName}` }, async () => {
            const raw = (await api.read(d.name))?.raw;
            if (!raw) throw new UserError(`Service ${d.plan.serviceName} no longer exists.`);
            previous = raw.latestCreatedRevision;
            const template = { ...raw.template, revision: undefined, annotations: { ...(raw.template?.annotations ?? {}), [REDEPLOY_ANNOTATION]: new Date().toISOString() } };
            return api.update({ ...raw, template });
          });
        } catch (e) {
          if (e instanceof UserError) throw e;
          // Cloud Run fails the operation when the new revision does not become ready.
          throw await deployFailure(d.cloud, d.plan, classifyGcpError(e).message, created((await api.read(d.name).catch(() => undefined))?.raw), d.logger, d.deployDir);
        }
        if (s.state === 'failed') throw await deployFailure(d.cloud, d.plan, s.message ?? 'the revision did not become ready', created(s), d.logger, d.deployDir);
        const rev = idOrUndefined(created(s));
        void vscode.window.showInformationMessage(`${d.plan.serviceName} is serving at ${s.uri} from a new revision${rev ? `, ${rev}` : ''}.`);
        return s;
      } finally {
        d.ops.done(d.name);
      }
    });
  } catch (e) {
    await reportError(CommandIds.deploy, e, d.logger);
    return undefined;
  }
}
