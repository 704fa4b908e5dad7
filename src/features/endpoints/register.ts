import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { CommandIds } from '../../serving/commandIds';
import type { Services } from '../../services';
import { changeTraffic } from './commands/changeTraffic';
import { deleteEndpoint } from './commands/deleteEndpoint';
import { deployToEndpoint } from './commands/deploy';
import { openEndpointLogs } from './commands/openLogs';
import { undeployFromEndpoint } from './commands/undeploy';
import type { EndpointDeps } from './deps';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const deps: EndpointDeps = { session: services.session, ops: services.operations, logger: services.logger.child('endpoints') };
  context.subscriptions.push(
    registerCommand(CommandIds.deployToEndpoint, deployToEndpoint(deps), services.logger),
    registerCommand(CommandIds.changeEndpointTraffic, changeTraffic(deps), services.logger),
    registerCommand(CommandIds.undeployFromEndpoint, undeployFromEndpoint(deps), services.logger),
    registerCommand(CommandIds.deleteEndpoint, deleteEndpoint(deps), services.logger),
    registerCommand(CommandIds.openEndpointLogs, openEndpointLogs(deps), services.logger),
  );
}
