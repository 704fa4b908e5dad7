import * as vscode from 'vscode';
import { ValidationError } from '../../../common/errors';
import { pushedDestination } from '../../../serving/vertex/artifacts';
import type { Node } from '../node';
import { ArtifactNode, RunNode } from '../runsTree';
import { ModelNode, ModelVersionNode } from '../modelsTree';
import { RevisionNode, ServiceNode } from '../servicesTree';

/** The resource name a node stands for. */
export function resourceNameOf(node: Node | undefined): string | undefined {
  if (node instanceof RunNode) return node.run.name;
  if (node instanceof ModelNode) return node.model.name;
  if (node instanceof ModelVersionNode) return `${node.version.modelName}@${node.version.versionId}`;
  if (node instanceof ServiceNode) return node.service.name;
  if (node instanceof RevisionNode) return node.revision.name;
  return undefined;
}

/** The gs:// folder a node points at. */
export function gcsUriOf(node: Node | undefined): string | undefined {
  if (node instanceof ArtifactNode) return pushedDestination(node.artifact);
  if (node instanceof ModelVersionNode) return node.version.artifactUri || undefined;
  if (node instanceof ModelNode) return node.model.defaultVersion.artifactUri || undefined;
  return undefined;
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
