/**
 * Why a deploy failed, in the product's words: the recognised cause in the failed revision's log
 * (read for a few seconds at most) with its fix, else Cloud Run's own sentence. The extension adds
 * its buttons to this; the CLI prints it.
 */
import { buildImageCommand } from '../serving/deploy/buildCommand';
import { isSpecific, waitForCause } from '../serving/deploy/failureCause';
import { failureSummary, missingImage } from '../serving/deploy/failureMessage';
import type { DeployPlan } from '../serving/deploy/plan';
import { defaultImage } from '../serving/images';
import { normalizeEntry } from '../serving/logs/entry';
import { adviceFor, type FailureAdvice, type KnownFailure } from '../serving/logs/failures';
import { serviceLogFilter } from '../serving/logs/filter';
import type { OperationApis } from './ports';
import { idOrUndefined } from '../serving/resourceNames';

/** How long a failure report may wait for the revision's log before saying what Cloud Run said. */
export const CAUSE_WAIT_MS = 5000;

/**
 * The recognised cause in the failed revision's log, read for at most `waitMs`; a log that cannot
 * be read (no logging.viewer, say) gives up at once. Undefined: fall back to Cloud Run's message.
 */
export async function readFailureCause(logs: OperationApis['logs'], serviceId: string, revision: string, warn: (line: string) => void, waitMs = CAUSE_WAIT_MS): Promise<KnownFailure | undefined> {
  // The revision is minutes old at most; the bound also keeps the client from adding its own.
  const filter = serviceLogFilter({ service: serviceId, revision, since: new Date(Date.now() - 60 * 60_000) });
  const read = async () => (await logs.list(filter, 200)).map(e => { try { return normalizeEntry(e).message; } catch { return ''; } });
  return waitForCause(read, waitMs).catch(e => {
    warn(`could not read the log of ${revision} for the failure's cause: ${(e as Error)?.message ?? e}`);
    return undefined;
  });
}

export interface FailureExplanation {
  message: string;
  next?: string;
  /** The image Cloud Run could not find, and whether it is the product's own (then: build it). */
  missingImage?: { image: string; ours: boolean; buildCommand: string };
  advice?: FailureAdvice;
  /** The failed revision's id, when this deploy created one. */
  revision?: string;
}

/** The explanation of a failed deploy; `cause` is what readFailureCause found, if anything. */
export function explainFailure(plan: DeployPlan, message: string, revision: string | undefined, cause: KnownFailure | undefined, deployDir: string): FailureExplanation {
  const rev = idOrUndefined(revision);
  const service = `projects/${plan.project}/locations/${plan.region}/services/${plan.serviceName}`;
  const kept = plan.update ? ' The previous revision still serves and keeps its traffic.' : '';
  const image = missingImage(message);
  if (image) {
    // The usual first-deploy failure: the serving images were never built into the project.
    const ours = image === defaultImage(plan.container, plan.project, plan.region);
    const buildCommand = buildImageCommand({ container: plan.container, project: plan.project, region: plan.region, deployDir });
    return {
      message: `Deploy of ${plan.serviceName} failed: the serving image ${image} does not exist.`,
      next: (ours
        ? `Build it once with Cloud Build (Copy Build Command; the native image takes about a minute, the Python one 5-10 minutes), then deploy again.`
        : `Check the mlServing.images.${plan.container} setting, or clear it to use the image built from deploy/.`) + kept,
      missingImage: { image, ours, buildCommand }, revision: rev,
    };
  }
  const summary = failureSummary(message);
  if (isSpecific(cause)) {
    const advice = adviceFor(cause, { service, modelName: plan.modelName, modelUri: plan.modelUri, container: plan.container, memory: plan.memory });
    return { message: `Deploy of ${plan.serviceName} failed (revision ${rev}): ${advice.title}`, next: `${advice.detail}${kept}`, advice, revision: rev };
  }
  return { message: `Deploy of ${plan.serviceName} failed${rev ? ` (revision ${rev})` : ''}: ${summary}`, next: kept.trim() || undefined, revision: rev };
}
