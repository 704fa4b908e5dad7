import * as vscode from 'vscode';
import type { Session } from '../shared/session';
import { fetchEmulatorServing } from '../../gcp/connection';
import { CommandIds } from '../../serving/commandIds';

/**
 * Shows the project and regions in use, and loudly when the local emulator is the target; also
 * when that emulator answers predictions with its TypeScript stand-in instead of TensorFlow.
 */
export function createStatusBar(session: Session): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlServing.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ML Serving';
  item.command = CommandIds.selectProject;
  const update = async () => {
    const project = await session.projectId();
    const regions = session.settings.regions.join(', ');
    if (session.usesEmulator) {
      const serving = await fetchEmulatorServing(session.settings.emulator);
      const standIn = serving === 'stand-in';
      item.text = `$(beaker) ML Serving: EMULATOR${standIn ? ' · stand-in predictions' : ''} · ${project ?? 'no project'}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      const servingText = standIn
        ? 'Predictions come from a **TypeScript stand-in**, not TensorFlow: the emulator found no Python with TensorFlow (`npm run demo` installs it into `.venv-tf/` when pip can).'
        : serving === 'tensorflow' ? 'Deployed models are served by the real Python server with TensorFlow.' : '';
      item.tooltip = new vscode.MarkdownString(`**Local emulator in use** (${session.settings.emulator}).\n\nNo call reaches Google Cloud. Project \`${project ?? '-'}\`, regions ${regions}.\n\n${servingText ? `${servingText}\n\n` : ''}Clear \`mlServing.emulator\` to use Google Cloud.`);
    } else {
      item.text = `$(cloud) ${project ?? 'Select project'}`;
      item.backgroundColor = undefined;
      item.tooltip = project ? `ML Serving: project ${project}, regions ${regions}. Click to change.` : 'ML Serving: select a Google Cloud project';
    }
    item.show();
  };
  // After activation: finding gcloud's project spawns a process.
  const first = setTimeout(() => void update(), 0);
  const sub = session.onDidChange(() => void update());
  return vscode.Disposable.from(item, sub, { dispose: () => clearTimeout(first) });
}
