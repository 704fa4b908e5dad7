import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import { selectProject } from './selectProject';
import { selectRegions } from './selectRegions';
import { signIn } from './signIn';
import { createStatusBar } from './statusBar';
import { CommandIds } from '../../serving/commandIds';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const { session, logger } = services;
  context.subscriptions.push(
    createStatusBar(session),
    registerCommand(CommandIds.selectProject, selectProject(session), logger),
    registerCommand(CommandIds.selectRegions, selectRegions(session), logger),
    registerCommand(CommandIds.signIn, signIn(session), logger),
    registerCommand(CommandIds.showLogs, () => services.channel.show(true), logger),
  );
  // Deferred past activation: it may spawn gcloud to find the active project.
  const t = setTimeout(() => void session.refreshContextKeys(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(t) });
}
