import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { actAsOutsideTests } from '../../common/unattended';
import type { Services } from '../../services';
import { deploy } from './deploy';
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
    registerCommand('mlServing.deploy', deploy(session, ops, lock, log, path.join(context.extensionPath, 'deploy')), logger),
    registerCommand('mlServing.canary', canary(traffic), logger),
    registerCommand('mlServing.deploy.promote', promote(traffic), logger),
    registerCommand('mlServing.deploy.endCanary', endCanary(traffic), logger),
    registerCommand('mlServing.rollback', rollback(traffic), logger),
    ...((reports: CompareReports) => [vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, reports), registerCommand('mlServing.deploy.compare', compareRevisions(traffic, context, reports), logger)])(new CompareReports()),
    registerCommand('mlServing.undeploy', undeploy(traffic), logger),
  );
  // actAsOutsideTests: the in-host tests check that confirmations cannot be skipped outside them.
  return { lock, actAsOutsideTests };
}
