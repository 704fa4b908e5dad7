import * as vscode from 'vscode';
import { createLogger } from './common/logger';
import { Session } from './common/session';
import * as agentsFeature from './features/agents/register';
import * as batchFeature from './features/batch/register';
import * as deployFeature from './features/deploy/register';
import * as explorer from './features/explorer/register';
import * as logsFeature from './features/logs/register';
import * as predict from './features/predict/register';
import * as sessionFeature from './features/session/register';
import type { Services } from './services';

/**
 * Activation builds no Google client and loads no Google code: the per-service bundles are
 * required by the first feature that calls the cloud.
 */
export function activate(context: vscode.ExtensionContext) {
  const channel = vscode.window.createOutputChannel('ML Serving', { log: true });
  const logger = createLogger(channel);
  const session = new Session(logger.child('session'));
  context.subscriptions.push(channel, session);
  const services: Services = { channel, logger, session };
  sessionFeature.register(context, services);
  const trees = explorer.register(context, services);
  const deploy = deployFeature.register(context, services, trees);
  const logs = logsFeature.register(context, services);
  predict.register(context, services);
  const agents = agentsFeature.register(context, services);
  const batch = batchFeature.register(context, services, trees);
  logger.info(`activated ${context.extension.packageJSON.version}`);
  // Exposed for the in-host integration tests (logUri: where VS Code writes the log channel).
  return { services, trees, deploy, logs, agents, batch, logUri: context.logUri };
}

export function deactivate(): void {}
