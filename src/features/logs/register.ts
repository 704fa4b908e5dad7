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
import { tailEndpointLogs } from './commands/tailEndpoint';
import { FailureWatcher } from './failureWatcher';
import { LOGS_VIEW_TYPE, LogsPanels } from './logsPanel';
import { ServiceLogChannels } from './outputChannels';
import { TailRegistry } from './tailRegistry';
import { CommandIds } from '../../serving/commandIds';
import { idOf, REVISION_ID, SERVICE_NAME } from '../../serving/resourceNames';

export interface LogsFeature {
  tails: TailRegistry;
  channels: ServiceLogChannels;
  panels: LogsPanels;
  failures: FailureWatcher;
  /** Restores a logs panel after a reload (the shell hands it the first one). */
  serializer: vscode.WebviewPanelSerializer;
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
      return cloud.apis.logs;
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
    registerCommand(CommandIds.tailLogs, tailLogs(session, channels), logger),
    registerCommand(CommandIds.tailEndpointLogs, tailEndpointLogs(channels), logger),
    registerCommand(CommandIds.stopLogs, stopTailing(session, channels), logger),
    registerCommand(CommandIds.openLogsPanel, openLogsPanel(session, panels), logger),
  );
  const serializer = panels.serializer;
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(LOGS_VIEW_TYPE, serializer));
  return { tails, channels, panels, failures, serializer };
}
