/** Cancel a pending or running batch job, after a confirmation (its partial output stays). */
import * as vscode from 'vscode';
import { CancelledError, ValidationError } from '../../../common/errors';
import type { Session } from '../../../common/session';
import { isRunning } from '../../../serving/batch/job';
import { batchApiOf } from '../api';
import { BatchJobNode, type BatchJobsNode } from '../batchJobsNode';

export function cancelJob(session: Session, node: BatchJobsNode) {
  return async (arg?: unknown) => {
    const name = arg instanceof BatchJobNode ? arg.job.name : arg;
    if (typeof name !== 'string' || !/^projects\/[^/]+\/locations\/[^/]+\/batchPredictionJobs\/[^/]+$/.test(name)) {
      throw new ValidationError('job', 'Cancel runs on a batch job (projects/P/locations/R/batchPredictionJobs/ID)');
    }
    const api = batchApiOf(await session.cloud());
    const job = await api.getJob(name);
    if (!isRunning(job)) { void vscode.window.showInformationMessage(`"${job.displayName}" has already finished.`); return false; }
    const go = await vscode.window.showWarningMessage(`Cancel batch prediction job "${job.displayName}"?`, { modal: true, detail: `${job.successful} predictions are done; the job stops and writes what it has.` }, 'Cancel Job');
    if (go !== 'Cancel Job') throw new CancelledError();
    await api.cancelJob(name);
    node.refresh();
    return true;
  };
}
