import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import type { ExplorerTrees } from '../explorer/register';
import type { PredictPanels } from '../predict/panels';
import { changeTraffic } from './commands/changeTraffic';
import { deleteEndpoint } from './commands/deleteEndpoint';
import { deployToEndpoint } from './commands/deploy';
import { openEndpointLogs } from './commands/openLogs';
import { testEndpointPrediction } from './commands/testPrediction';
import { undeployFromEndpoint } from './commands/undeploy';
import type { EndpointDeps } from './deps';

export function register(context: vscode.ExtensionContext, services: Services, trees: ExplorerTrees, predict?: { panels: PredictPanels }): void {
  const deps: EndpointDeps = { session: services.session, trees, logger: services.logger.child('endpoints') };
  context.subscriptions.push(
    registerCommand('mlServing.endpoints.deploy', deployToEndpoint(deps), services.logger),
    registerCommand('mlServing.endpoints.changeTraffic', changeTraffic(deps), services.logger),
    registerCommand('mlServing.endpoints.undeploy', undeployFromEndpoint(deps), services.logger),
    registerCommand('mlServing.endpoints.delete', deleteEndpoint(deps), services.logger),
    registerCommand('mlServing.endpoints.openLogs', openEndpointLogs(deps), services.logger),
    registerCommand('mlServing.endpoints.testPrediction', testEndpointPrediction(deps, () => predict?.panels), services.logger),
  );
}
