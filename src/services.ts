import type * as vscode from 'vscode';
import type { Logger } from './common/logger';
import type { Session } from './features/shared/session';
import type { Operations } from './features/shared/operations';

/** What features receive from activate(): passed in, never global. */
export interface Services {
  channel: vscode.LogOutputChannel;
  logger: Logger;
  session: Session;
  /** Service operations in progress (deploy reports them, the trees show them). */
  operations: Operations;
}
