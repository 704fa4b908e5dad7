import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import { selectProject } from './selectProject';
import { selectRegions } from './selectRegions';
import { signIn } from './signIn';
import { createStatusBar } from './statusBar';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const { session, logger } = services;
  context.subscriptions.push(
    createStatusBar(session),
    registerCommand('mlServing.selectProject', selectProject(session), logger),
    registerCommand('mlServing.selectRegions', selectRegions(session), logger),
    registerCommand('mlServing.signIn', signIn(session), logger),
    registerCommand('mlServing.showLogs', () => services.channel.show(true), logger),
  );
  // Deferred past activation: it may spawn gcloud to find the active project.
  const t = setTimeout(() => void session.refreshContextKeys(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(t) });
}
