/** Batch prediction (issue 17): Batch Predict, the Serving view's Batch Jobs node, Open Output, Cancel. */
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { CommandIds } from '../../serving/commandIds';
import type { Services } from '../../services';
import { batchPredict } from './commands/batchPredict';
import { cancelJob } from './commands/cancel';
import { openOutput } from './commands/openOutput';
import { BATCH_OUTPUT_SCHEME, BatchOutputDocs } from './outputDocs';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const { session, logger, operations } = services;
  const log = logger.child('batch');
  const docs = new BatchOutputDocs();
  context.subscriptions.push(
    docs,
    vscode.workspace.registerTextDocumentContentProvider(BATCH_OUTPUT_SCHEME, docs),
    registerCommand(CommandIds.batchPredict, batchPredict(session, operations, log), logger),
    registerCommand(CommandIds.openBatchOutput, openOutput(session, docs), logger),
    registerCommand(CommandIds.cancelBatchJob, cancelJob(session, operations), logger),
  );
}
