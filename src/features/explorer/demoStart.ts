/**
 * `npm run demo` marks its workspace with DEMO_MARKER (package.json activates on it): the ML
 * Serving view opens at start-up and one line says what to try first. Nothing happens elsewhere.
 */
import * as vscode from 'vscode';

export const DEMO_MARKER = '.vscode/ml-serving-demo.json';
export const TRY_FIRST = 'ML Serving demo. Try first: Models → recsys-ranking → right-click a version → Deploy to Cloud Run, then Test Prediction.';

export async function openForDemo(): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return false;
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, DEMO_MARKER));
  } catch {
    return false;
  }
  await vscode.commands.executeCommand('workbench.view.extension.mlServing');
  void vscode.window.showInformationMessage(TRY_FIRST);
  return true;
}
