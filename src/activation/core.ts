/**
 * The core bundle (dist/core.js): the services every feature shares, built once. The build adds
 * the shared module table (common/, gcp/, serving/, protocol/, features/shared/) that feature
 * bundles import from, so each of those modules exists once in the extension host.
 */
import * as vscode from 'vscode';
import { createLogger } from '../common/logger';
import { Session } from '../features/shared/session';
import { reportIgnoredWorkspaceValues } from '../common/settings';
import { initUnattended } from '../common/unattended';
import { Operations } from '../features/shared/operations';
import type { Services } from '../services';

export function createServices(context: vscode.ExtensionContext): Services {
  // Before any feature runs: whether confirmations may be skipped (only under the test runner).
  initUnattended(context.extensionMode);
  const channel = vscode.window.createOutputChannel('ML Serving', { log: true });
  const logger = createLogger(channel);
  const operations = new Operations();
  const session = new Session(logger.child('session'), () => operations.whenIdle());
  context.subscriptions.push(channel, session, operations);
  void reportIgnoredWorkspaceValues();
  logger.info(`activated ${context.extension.packageJSON.version}`);
  return { channel, logger, session, operations };
}
