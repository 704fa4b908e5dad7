/** Batch prediction (issue 17): Batch Predict, the Serving view's Batch Jobs node, Open Output, Cancel. */
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import type { ExplorerTrees } from '../explorer/register';
import { BatchJobsNode } from './batchJobsNode';
import { batchPredict } from './commands/batchPredict';
import { cancelJob } from './commands/cancel';
import { openOutput } from './commands/openOutput';
import { BATCH_OUTPUT_SCHEME, BatchOutputDocs } from './outputDocs';

export function register(context: vscode.ExtensionContext, services: Services, trees: ExplorerTrees): { jobs: BatchJobsNode } {
  const { session, logger } = services;
  const log = logger.child('batch');
  const jobs = new BatchJobsNode(session);
  jobs.tree = trees.services;
  trees.services.extraRoots.push(jobs);
  trees.services.refresh();
  const docs = new BatchOutputDocs();
  context.subscriptions.push(
    jobs, docs,
    vscode.workspace.registerTextDocumentContentProvider(BATCH_OUTPUT_SCHEME, docs),
    registerCommand('mlServing.batch.predict', batchPredict(session, jobs, log), logger),
    registerCommand('mlServing.batch.openOutput', openOutput(session, docs), logger),
    registerCommand('mlServing.batch.cancel', cancelJob(session, jobs), logger),
  );
  return { jobs };
}
