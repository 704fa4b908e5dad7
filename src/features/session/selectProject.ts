import * as vscode from 'vscode';
import { CancelledError } from '../../common/errors';
import type { Session } from '../shared/session';
import { writeSetting } from '../../common/settings';
import { projectIdProblem } from '../../serving/regions';
import { listProjects } from './listProjects';

const ENTER = '$(edit) Enter a project id…';

/** Quick pick of projects (searchable), or a typed id; remembered per workspace. */
export function selectProject(session: Session) {
  return async (): Promise<string> => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id?: string }>();
    qp.title = 'ML Serving: Select Google Cloud Project';
    qp.placeholder = 'Type to filter projects';
    qp.matchOnDescription = true;
    qp.busy = true;
    qp.items = [{ label: ENTER, alwaysShow: true }];
    qp.show();
    void listProjects(session.settings.emulator).then(projects => {
      const current = session.settings.project;
      qp.items = [
        ...projects.map(p => ({ label: p.projectId, id: p.projectId, description: [p.name, p.projectId === current ? '(current)' : ''].filter(Boolean).join(' ') })),
        { label: ENTER, alwaysShow: true },
      ];
      qp.busy = false;
    });
    const picked = await new Promise<(vscode.QuickPickItem & { id?: string }) | undefined>(resolve => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve(undefined));
    });
    qp.dispose();
    if (!picked) throw new CancelledError();
    let id = picked.id;
    if (!id) {
      id = await vscode.window.showInputBox({
        title: 'Google Cloud project id', prompt: 'The project id (not its name or number)', value: session.settings.project,
        validateInput: v => projectIdProblem(v.trim()),
      });
      if (!id) throw new CancelledError();
      id = id.trim();
    }
    await writeSetting('project', id);
    return id;
  };
}
