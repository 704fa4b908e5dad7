import * as vscode from 'vscode';
import type { Session } from '../shared/session';

/**
 * Opens a terminal with the ADC login command for the user to run (it needs their browser), then
 * retries the session when the terminal closes.
 */
export function signIn(session: Session) {
  return async (): Promise<void> => {
    const term = vscode.window.createTerminal({ name: 'ML Serving: Sign In' });
    term.show();
    term.sendText('gcloud auth application-default login', true);
    const sub = vscode.window.onDidCloseTerminal(t => {
      if (t !== term) return;
      sub.dispose();
      void session.reset();
    });
  };
}
