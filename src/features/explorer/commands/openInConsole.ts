import * as vscode from 'vscode';
import { ValidationError } from '../../../common/errors';
import type { Session } from '../../shared/session';
import { consoleUrl } from '../../../serving/consoleUrl';
import type { Node } from '../node';
import { targetOf } from '../../shared/targets';

export function consoleUrlOf(node: Node | undefined, project: string): string | undefined {
  const t = targetOf(node);
  switch (t?.kind) {
    case 'run': return consoleUrl(t.run.kind === 'pipeline' ? 'pipelineJob' : 'customJob', t.run.name, project);
    case 'model': return consoleUrl('model', t.model.name, project);
    case 'modelVersion': return consoleUrl('modelVersion', t.version.modelName, project, { versionId: t.version.versionId });
    case 'service': return consoleUrl('service', t.service.name, project);
    case 'revision': return consoleUrl('revision', t.revision.name, project);
    default: return undefined;
  }
}

export function openInConsole(session: Session) {
  return async (node?: Node): Promise<string> => {
    const project = (await session.projectId()) ?? '';
    const url = consoleUrlOf(node, project);
    if (!url) throw new ValidationError('node', 'run this from a run, model, version, service or revision in the ML Serving view');
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  };
}

/** Opens an https URL (error nodes link to "enable this API"). */
export function openUrl() {
  return async (url?: unknown): Promise<void> => {
    if (typeof url !== 'string' || !/^https:\/\/console\.cloud\.google\.com\//.test(url)) throw new ValidationError('url', 'expected a Cloud Console address');
    await vscode.env.openExternal(vscode.Uri.parse(url));
  };
}
