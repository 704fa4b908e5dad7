import * as vscode from 'vscode';
import { isCancellation, toUserError, UserError } from './errors';
import type { Logger } from './logger';
import { notificationText } from './notificationText';
import { CommandIds } from '../serving/commandIds';

export const SHOW_LOGS = 'Show Logs';

/** A command handler: receives the tree node (from a menu) or nothing (from the palette). */
export type Handler = (...args: any[]) => unknown;

/**
 * The one error path for every command: cancellation is silent; user errors show their message,
 * next step and actions; anything else shows a generic message with "Show Logs".
 */
export function registerCommand(id: string, handler: Handler, logger: Logger): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      // Not awaited: the message resolves only when the user dismisses it, and the command's
      // caller (another command, a test) must not wait on that.
      void reportError(id, e, logger);
      return undefined;
    }
  });
}

export async function reportError(source: string, error: unknown, logger: Logger): Promise<void> {
  const e = toUserError(error);
  if (e !== error) logger.warn(`${source}: ${(error as Error)?.message ?? String(error)}`);
  if (isCancellation(e)) {
    logger.info(`${source}: cancelled`);
    return;
  }
  if (e instanceof UserError) {
    logger.warn(`${source}: ${e.message}${e.next ? ` (${e.next})` : ''}`);
    const text = notificationText(e.next ? `${e.message} ${e.next}` : e.message);
    const picked = await vscode.window.showErrorMessage(text, ...e.actions.map(a => a.title), SHOW_LOGS);
    const action = e.actions.find(a => a.title === picked);
    if (action?.run) await action.run();
    else if (action?.command) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    else if (picked === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
    return;
  }
  logger.error(e instanceof Error ? e : new Error(String(e)));
  const msg = e instanceof Error ? e.message : String(e);
  const picked = await vscode.window.showErrorMessage(notificationText(`ML Serving: ${msg}`), SHOW_LOGS);
  if (picked === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
}
