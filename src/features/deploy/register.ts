import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import type { ExplorerTrees } from '../explorer/register';
import { deploy } from './deploy';
import { DeployLock } from './deployLock';
import { canary, rollback, undeploy } from './traffic';

export function register(context: vscode.ExtensionContext, services: Services, trees: ExplorerTrees): { lock: DeployLock } {
  const { session, logger } = services;
  const lock = new DeployLock();
  const log = logger.child('deploy');
  context.subscriptions.push(
    registerCommand('mlServing.deploy', deploy(session, trees, lock, log, path.join(context.extensionPath, 'deploy')), logger),
    registerCommand('mlServing.canary', canary(session, trees, lock), logger),
    registerCommand('mlServing.rollback', rollback(session, trees, lock), logger),
    registerCommand('mlServing.undeploy', undeploy(session, trees, lock), logger),
  );
  return { lock };
}
