/**
 * Serving logs: one shared tail per service (TailRegistry), an output channel per service, the
 * logs panel, and recognition of known serving failures.
 */
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import { openLogsPanel } from './commands/openPanel';
import { stopTailing } from './commands/stop';
import { tailLogs } from './commands/tail';
import { FailureWatcher } from './failureWatcher';
import { LOGS_VIEW_TYPE, LogsPanels } from './logsPanel';
import { ServiceLogChannels } from './outputChannels';
import { loggingSource } from './source';
import { TailRegistry } from './tailRegistry';

export interface LogsFeature {
  tails: TailRegistry;
  channels: ServiceLogChannels;
  panels: LogsPanels;
  failures: FailureWatcher;
}

export function register(context: vscode.ExtensionContext, services: Services): LogsFeature {
  const { session, logger } = services;
  const log = logger.child('logs');
  // What the tails connect to: the endpoint (emulator or Google) and the project.
  const keyOf = (project: string | undefined) => `${session.settings.emulator ?? ''}|${project ?? ''}`;
  // The client comes from the session on every (re)connect: after a project change it is new.
  const tails: TailRegistry = new TailRegistry({
    source: async () => {
      const cloud = await session.cloud();
      tails.noteConnection(keyOf(cloud.project));
      return loggingSource(cloud.clients.logging());
    },
    log: m => log.info(m),
  });
  const channels = new ServiceLogChannels(tails);
  const failures = new FailureWatcher(tails, session, log);
  const panels = new LogsPanels({ extensionUri: context.extensionUri, tails, failures, logger: log });
  // Settings changes reset the session; the tails reconnect only when the project or the
  // endpoint changed (anything else would pile up reconnect markers for nothing).
  const sessionChanged = session.onDidChange(() => {
    if (!tails.size) return;
    void session.projectId().then(p => {
      if (tails.connectionChanged(keyOf(p))) log.info('tails reconnect: the project or connection changed');
    }, e => log.warn(`could not read the project after a settings change: ${(e as Error).message}`));
  });
  context.subscriptions.push(
    panels, channels, failures, sessionChanged,
    { dispose: () => tails.dispose() },
    registerCommand('mlServing.logs.tail', tailLogs(session, channels), logger),
    registerCommand('mlServing.logs.stop', stopTailing(session, channels), logger),
    registerCommand('mlServing.logs.openPanel', openLogsPanel(session, panels), logger),
    vscode.window.registerWebviewPanelSerializer(LOGS_VIEW_TYPE, panels.serializer),
  );
  return { tails, channels, panels, failures };
}
