import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { reportIgnoredWorkspaceValues } from '../../common/settings';
import { actAsOutsideTests, initUnattended } from '../../common/unattended';
import type { Services } from '../../services';
import type { ExplorerTrees } from '../explorer/register';
import { deploy } from './commands/deploy';
import { DeployLock } from './deployLock';
import { canary } from './commands/canary';
import { endCanary } from './commands/endCanary';
import { promote } from './commands/promote';
import { rollback } from './commands/rollback';
import { undeploy } from './commands/undeploy';
import { COMPARE_SCHEME, CompareReports, compareRevisions } from './commands/compare';

export function register(context: vscode.ExtensionContext, services: Services, trees: ExplorerTrees) {
  const { session, logger } = services;
  initUnattended(context.extensionMode);
  void reportIgnoredWorkspaceValues();
  const lock = new DeployLock();
  const log = logger.child('deploy');
  const traffic = { session, trees, lock };
  context.subscriptions.push(
    registerCommand('mlServing.deploy', deploy({ session, trees, lock, logger: log, deployDir: path.join(context.extensionPath, 'deploy') }), logger),
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
