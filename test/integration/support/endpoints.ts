// Shared by the in-host Vertex AI endpoint tests: a model's versions from the Models tree, the
// first deploy of one to a new endpoint (as a user's right-click → Deploy to Vertex AI Endpoint),
// and the cleanup that leaves no endpoint behind.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VertexEndpoint } from '../../../src/serving/endpoints/types';
import { DEMO_PROJECT, emulatorPost, type ExtensionApi } from './extension';
import { zooManifest, zooModel } from './zoo';

export type EndpointDeployResult = { endpoint: VertexEndpoint; deployedModelId: string } | undefined;

/** A model's version rows in the Models tree, oldest first (re-read), and their items on demand. */
export async function modelVersions(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === model)];
  assert.ok(node, `model ${model} in the Models tree (have ${items.map(i => i.label).join(', ')})`);
  const versions = await a.trees.models.getChildren(node);
  assert.ok(versions.length >= 1, `${model} has a version`);
  // The tree lists the newest first.
  return { versions: versions.slice().reverse(), items: async () => Promise.all((await a.trees.models.getChildren(node)).map(v => a.trees.models.getTreeItem(v))) };
}

/** Deploys `version` to a new endpoint `name` with all its traffic, confirmed; fails when it did not. */
export async function deployToNewEndpoint(version: unknown, name: string, maxReplicas = 1): Promise<NonNullable<EndpointDeployResult>> {
  const deployed = await vscode.commands.executeCommand<EndpointDeployResult>('mlServing.endpoints.deploy', version,
    { newEndpoint: name, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas, yes: true });
  assert.ok(deployed, 'the deploy returned a result (see the ML Serving log if not)');
  return deployed;
}

/** after(): undeploys every model of the endpoint, then deletes it (each step best effort). */
export async function removeEndpoint(a: ExtensionApi, endpoint: VertexEndpoint | undefined): Promise<void> {
  if (!endpoint) return;
  const api = (await a.services.session.cloud()).apis.endpoints;
  const fresh = await api.getEndpoint(endpoint.name).catch(() => undefined);
  for (const d of fresh?.deployedModels ?? []) await api.undeployModel(endpoint.name, d.id, undefined).catch(() => undefined);
  await api.deleteEndpoint(endpoint.name).catch(() => undefined);
}

/** A log line of another deployed model ('999') on `endpoint`, as Vertex AI writes its container's output. */
export async function writeOtherModelLine(endpoint: VertexEndpoint, text: string): Promise<void> {
  await emulatorPost('/logs', [{
    logName: `projects/${DEMO_PROJECT}/logs/${encodeURIComponent('aiplatform.googleapis.com/prediction_container')}`,
    resource: { type: 'aiplatform.googleapis.com/Endpoint', labels: { endpoint_id: endpoint.name.split('/').pop()!, deployed_model_id: '999', location: endpoint.region } },
    severity: 'INFO',
    textPayload: text,
  }]);
}

/** One prediction through the endpoint with the ranking model's zoo sample; returns who answered. */
export async function predictRanking(a: ExtensionApi, endpoint: VertexEndpoint): Promise<{ deployedModelId: string }> {
  const manifest = zooManifest();
  const sample = manifest ? zooModel(manifest, 'ranking').samples[0] : undefined;
  const instances = (sample?.request.instances as unknown[]) ?? [{ customer_id: 'c1', product_id: 'p1' }];
  const cloud = await a.services.session.cloud();
  return cloud.apis.endpoints.predict(endpoint.name, instances);
}
