import * as vscode from 'vscode';
import { ValidationError } from '../../../common/errors';
import { pushedDestination } from '../../../serving/vertex/artifacts';
import type { Node } from '../node';
import { targetOf } from '../../shared/targets';

/** The resource name a node stands for. */
export function resourceNameOf(node: Node | undefined): string | undefined {
  const t = targetOf(node);
  switch (t?.kind) {
    case 'run': return t.run.name;
    case 'model': return t.model.name;
    case 'modelVersion': return `${t.version.modelName}@${t.version.versionId}`;
    case 'service': return t.service.name;
    case 'revision': return t.revision.name;
    default: return undefined;
  }
}

/** The gs:// folder a node points at. */
export function gcsUriOf(node: Node | undefined): string | undefined {
  const t = targetOf(node);
  switch (t?.kind) {
    case 'artifact': return pushedDestination(t.artifact);
    case 'modelVersion': return t.version.artifactUri || undefined;
    case 'model': return t.model.defaultVersion?.artifactUri || undefined;
    default: return undefined;
  }
}

export function copyResourceName() {
  return async (node?: Node): Promise<string> => {
    const name = resourceNameOf(node);
    if (!name) throw new ValidationError('node', 'run this from a run, model, version, service or revision in the ML Serving view');
    await vscode.env.clipboard.writeText(name);
    void vscode.window.setStatusBarMessage(`Copied ${name}`, 3000);
    return name;
  };
}

export function copyGcsUri() {
  return async (node?: Node): Promise<string> => {
    const uri = gcsUriOf(node);
    if (!uri) throw new ValidationError('node', 'run this from a pushed model or a model version');
    await vscode.env.clipboard.writeText(uri);
    void vscode.window.setStatusBarMessage(`Copied ${uri}`, 3000);
    return uri;
  };
}
