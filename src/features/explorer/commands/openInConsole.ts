import * as vscode from 'vscode';
import { ValidationError } from '../../../common/errors';
import type { Session } from '../../../common/session';
import { consoleUrl } from '../../../serving/consoleUrl';
import type { Node } from '../node';
import { ModelNode, ModelVersionNode } from '../modelsTree';
import { RunNode } from '../runsTree';
import { RevisionNode, ServiceNode } from '../servicesTree';

export function consoleUrlOf(node: Node | undefined, project: string): string | undefined {
  if (node instanceof RunNode) return consoleUrl(node.run.kind === 'pipeline' ? 'pipelineJob' : 'customJob', node.run.name, project);
  if (node instanceof ModelNode) return consoleUrl('model', node.model.name, project);
  if (node instanceof ModelVersionNode) return consoleUrl('modelVersion', node.version.modelName, project, { versionId: node.version.versionId });
  if (node instanceof ServiceNode) return consoleUrl('service', node.service.name, project);
  if (node instanceof RevisionNode) return consoleUrl('revision', node.revision.name, project);
  return undefined;
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
