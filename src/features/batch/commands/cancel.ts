/** Cancel a pending or running batch job, after a confirmation (its partial output stays). */
import * as vscode from 'vscode';
import { CancelledError, ValidationError } from '../../../common/errors';
import type { Session } from '../../shared/session';
import { isRunning } from '../../../serving/batch/job';
import { BATCH_JOBS, type Operations } from '../../shared/operations';
import { targetIn } from '../../shared/targets';

export function cancelJob(session: Session, ops: Operations) {
  return async (arg?: unknown) => {
    const name = targetIn(arg, 'batchJob')?.job.name ?? arg;
    if (typeof name !== 'string' || !/^projects\/[^/]+\/locations\/[^/]+\/batchPredictionJobs\/[^/]+$/.test(name)) {
      throw new ValidationError('job', 'Cancel runs on a batch job (projects/P/locations/R/batchPredictionJobs/ID)');
    }
    const api = (await session.cloud()).apis.batch;
    const job = await api.getJob(name);
    if (!isRunning(job)) { void vscode.window.showInformationMessage(`"${job.displayName}" has already finished.`); return false; }
    const go = await vscode.window.showWarningMessage(`Cancel batch prediction job "${job.displayName}"?`, { modal: true, detail: `${job.successful} predictions are done; the job stops and writes what it has.` }, 'Cancel Job');
    if (go !== 'Cancel Job') throw new CancelledError();
    // The Batch Jobs node re-lists when the operation is done.
    await ops.run(BATCH_JOBS, 'Cancelling…', () => api.cancelJob(name));
    return true;
  };
}
