import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { actAsOutsideTests } from '../../common/unattended';
import { CommandIds } from '../../serving/commandIds';
import type { Services } from '../../services';
import { deploy } from './commands/deploy';
import { DeployLock } from './deployLock';
import { canary } from './commands/canary';
import { endCanary } from './commands/endCanary';
import { promote } from './commands/promote';
import { rollback } from './commands/rollback';
import { undeploy } from './commands/undeploy';
import { COMPARE_SCHEME, CompareReports, compareRevisions } from './commands/compare';

export function register(context: vscode.ExtensionContext, services: Services) {
  const { session, logger, operations: ops } = services;
  const lock = new DeployLock();
  const log = logger.child('deploy');
  const traffic = { session, ops, lock };
  context.subscriptions.push(
    registerCommand(CommandIds.deploy, deploy({ session, ops, lock, logger: log, deployDir: path.join(context.extensionPath, 'deploy') }), logger),
    registerCommand(CommandIds.canary, canary(traffic), logger),
    registerCommand(CommandIds.promote, promote(traffic), logger),
    registerCommand(CommandIds.endCanary, endCanary(traffic), logger),
    registerCommand(CommandIds.rollback, rollback(traffic), logger),
    ...((reports: CompareReports) => [vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, reports), registerCommand(CommandIds.compare, compareRevisions(traffic, context, reports), logger)])(new CompareReports()),
    registerCommand(CommandIds.undeploy, undeploy(traffic), logger),
  );
  // actAsOutsideTests: the in-host tests check that confirmations cannot be skipped outside them.
  return { lock, actAsOutsideTests };
}
