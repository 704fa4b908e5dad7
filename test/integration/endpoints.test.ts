// In-host: a zoo model deploys from the Models tree to a new Vertex AI endpoint, a second version
// goes on as a 10% canary (90/10), predictions answer through the endpoint (the real TensorFlow
// server behind the emulator), the trees show it, bad input is refused before any change, and the
// canary is undeployed.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VertexEndpoint } from '../../src/serving/endpoints/types';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import type { HostMessage } from '../../src/protocol/predict';
import { emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest, zooModel, type ZooManifest } from './support/zoo';
import { deployToNewEndpoint, modelVersions, removeEndpoint, type EndpointDeployResult } from './support/endpoints';

type DeployResult = EndpointDeployResult;

describe('Vertex AI endpoints: deploy, canary, predict, undeploy', function () {
  this.timeout(240_000);
  let a: ExtensionApi;
  let manifest: ZooManifest | undefined;
  const NAME = 'it-ranking-endpoint';
  let endpoint: VertexEndpoint | undefined;

  before(async function () {
    if (!emulatorAdmin()) {
      console.log('    (skipped: no emulator; node scripts/test.mjs provides one)');
      this.skip();
    }
    manifest = zooManifest();
    a = await useDemoProject();
  });

  after(async () => { if (a) await removeEndpoint(a, endpoint); });

  it('deploys v1 to a new endpoint (100%), then v2 as a 10% canary: 90/10 in the trees; predictions answer through the endpoint', async () => {
    // The oldest version is the first deploy, the next one the canary.
    const { versions, items } = await modelVersions(a, 'recsys-ranking');
    assert.ok(versions.length >= 2, 'recsys-ranking has two versions');
    const first = await deployToNewEndpoint(versions[0], NAME, 2);
    endpoint = first.endpoint;
    assert.deepEqual(Object.values(first.endpoint.trafficSplit), [100]);

    // Bad input is refused before any change, the message naming the field: a machine type the
    // region does not offer, a share over 100.
    const cloud = await a.services.session.cloud();
    const shown = captureMessages(m => (m.modal ? 'Deploy' : undefined));
    let canary: DeployResult;
    try {
      const bad = await vscode.commands.executeCommand<DeployResult>('mlServing.endpoints.deploy', versions[1],
        { endpoint: endpoint.name, machineType: 'n1-mega-96', minReplicas: 1, maxReplicas: 1, trafficShare: 10 });
      assert.equal(bad, undefined);
      await shown.waitFor(m => m.level === 'error' && /machineType: "n1-mega-96" is not offered in us-central1/.test(m.text), 'the machine type error');
      const bad2 = await vscode.commands.executeCommand<DeployResult>('mlServing.endpoints.deploy', versions[1],
        { endpoint: endpoint.name, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficShare: 110 });
      assert.equal(bad2, undefined);
      await shown.waitFor(m => m.level === 'error' && /trafficShare: expected an integer from 0 to 100, got 110/.test(m.text), 'the traffic share error');
      assert.ok(!shown.shown.some(m => m.modal), 'bad input never reached the confirmation');
      assert.equal((await cloud.apis.endpoints.getEndpoint(endpoint.name)).deployedModels.length, 1, 'bad input changed nothing');

      // The canary: ONE confirmation, with the diff of the endpoint's traffic (the user clicks Deploy).
      canary = await vscode.commands.executeCommand<DeployResult>('mlServing.endpoints.deploy', versions[1],
        { endpoint: endpoint.name, machineType: 'n1-standard-2', minReplicas: 1, maxReplicas: 1, trafficShare: 10 });
      const modals = shown.shown.filter(m => m.modal);
      assert.equal(modals.length, 1, 'one confirmation');
      assert.match(modals[0].text, new RegExp(`^Deploy recsys-ranking v\\d+ to endpoint ${NAME}\\?$`));
      assert.match(modals[0].detail ?? '', /recsys-ranking v\d+: 100% → 90%\n\s+recsys-ranking v\d+: new → 10%/);
      assert.match(modals[0].detail ?? '', /Container: us-docker\.pkg\.dev\/vertex-ai\/prediction\/tf2-cpu/);
    } finally {
      shown.restore();
    }
    assert.ok(canary, 'the canary deploy returned a result');
    const split = canary.endpoint.trafficSplit;
    assert.equal(split[canary.deployedModelId], 10);
    assert.equal(split[first.deployedModelId], 90);

    // Serving view: the group, the endpoint, its deployed models with their shares.
    a.trees.services.reset();
    const roots = await a.trees.services.getChildren();
    const rootItems = await Promise.all(roots.map(r => a.trees.services.getTreeItem(r)));
    const group = roots[rootItems.findIndex(i => i.label === 'Vertex AI endpoints')];
    assert.ok(group, `the Vertex AI endpoints group (have ${rootItems.map(i => i.label).join(', ')})`);
    const eps = await a.trees.services.getChildren(group);
    const epItems = await Promise.all(eps.map(e => a.trees.services.getTreeItem(e)));
    const epNode = eps[epItems.findIndex(i => i.label === NAME)];
    assert.ok(epNode, `endpoint ${NAME} in the tree`);
    const deployed = await Promise.all((await a.trees.services.getChildren(epNode)).map(d => a.trees.services.getTreeItem(d)));
    const descs = deployed.map(d => `${d.label} ${d.description}`).sort();
    assert.equal(descs.length, 2);
    assert.ok(descs.some(d => /^recsys-ranking v\d+ 90% · n1-standard-2 · 1–2 replicas$/.test(d)), descs.join('\n'));
    assert.ok(descs.some(d => /^recsys-ranking v\d+ 10% · n1-standard-2 · 1 replica$/.test(d)), descs.join('\n'));

    // Models view: each version says where it serves.
    const vItems = await items();
    // (a Cloud Run service deployed by another suite may be listed first: "serving: svc, endpoint X 90%")
    assert.ok(vItems.some(i => new RegExp(`serving: (\\S+, )*endpoint ${NAME} 90%`).test(String(i.description))), vItems.map(i => i.description).join('\n'));
    assert.ok(vItems.some(i => new RegExp(`serving: (\\S+, )*endpoint ${NAME} 10%`).test(String(i.description))), vItems.map(i => i.description).join('\n'));

    // Predictions answer through the endpoint, from both deployed models.
    const api = cloud.apis.endpoints;
    const sample = manifest ? zooModel(manifest, 'ranking').samples[0] : undefined;
    const instances = (sample?.request.instances as unknown[]) ?? [{ customer_id: 'c1', product_id: 'p1' }];
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const p = await api.predict(endpoint.name, instances);
      assert.equal(p.predictions.length, instances.length);
      if (sample) {
        const flat = (x: unknown): number[] => (JSON.stringify(x).match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
        const want = flat(sample.expected.predictions);
        flat(p.predictions).forEach((x, k) => assert.ok(Math.abs(x - want[k]) <= manifest!.float_tolerance, `prediction ${k}: ${x} vs ${want[k]}`));
      }
      seen.add(p.deployedModelId);
    }
    assert.deepEqual([...seen].sort(), [first.deployedModelId, canary.deployedModelId].sort(), 'both deployed models answered');
    const raw = await api.rawPredict(endpoint.name, JSON.stringify({ instances }));
    assert.equal(JSON.parse(raw.text).predictions.length, instances.length);

    // Test Prediction on the endpoint: the same panel, its form from the SavedModel's signature, the answer through the endpoint.
    const panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.endpoints.testPrediction', { endpoint: endpoint.name }))!;
    assert.ok(panel, 'the command returned its panel');
    try {
      const seen: HostMessage[] = [];
      panel.onDidPost(m => seen.push(m));
      const next = async (type: string, requestId?: string) => {
        for (let i = 0; i < 600; i++) {
          const m = seen.find(x => x.type === type && (!requestId || (x as { requestId?: string }).requestId === requestId));
          if (m) return m as any;
          const failed = seen.find(x => x.type === 'metadataError' || x.type === 'requestFailed');
          if (failed) throw new Error(JSON.stringify(failed));
          await new Promise(r => setTimeout(r, 100));
        }
        throw new Error(`no ${type}; saw ${seen.map(x => x.type).join(', ')}`);
      };
      await panel.handle({ type: 'ready' });
      const meta = await next('metadata');
      const sd = meta.schemas.find((x: { signature: string }) => x.signature === 'serving_default');
      assert.ok(sd, 'serving_default in the form');
      const expectedInputs = manifest ? Object.keys(zooModel(manifest, 'ranking').signatures.serving_default.inputs).sort() : ['customer_id', 'product_id'];
      assert.deepEqual(sd.fields.map((f: { name: string }) => f.name).sort(), expectedInputs);
      await panel.handle({ type: 'send', requestId: 'ep1', signature: 'serving_default', body: JSON.stringify({ instances }) });
      const r = await next('response', 'ep1');
      assert.equal(r.status, 200, r.bodyText);
      assert.equal(JSON.parse(r.bodyText).predictions.length, instances.length);
    } finally {
      panel.dispose();
    }

    // Undeploy the canary: its 10% goes back, v1 takes 100%.
    await vscode.commands.executeCommand('mlServing.endpoints.undeploy', { endpoint: endpoint.name, deployedModelId: canary.deployedModelId }, { confirmed: true });
    const after = await api.getEndpoint(endpoint.name);
    assert.deepEqual(after.deployedModels.map(d => d.id), [first.deployedModelId]);
    assert.deepEqual(after.trafficSplit, { [first.deployedModelId]: 100 });

    // A traffic split that does not sum to 100 is refused; the endpoint is not deleted while it has a model.
    await vscode.commands.executeCommand('mlServing.endpoints.changeTraffic', { endpoint: endpoint.name }, { split: { [first.deployedModelId]: 90 }, confirmed: true });
    assert.deepEqual((await api.getEndpoint(endpoint.name)).trafficSplit, { [first.deployedModelId]: 100 });
    const told = captureMessages(() => undefined);
    try {
      await vscode.commands.executeCommand('mlServing.endpoints.delete', { endpoint: endpoint.name }, { confirmed: true });
      await told.waitFor(m => m.level === 'error' && /still has deployed models/.test(m.text), 'the refusal to delete a non-empty endpoint');
      assert.ok(await api.getEndpoint(endpoint.name), 'an endpoint with a deployed model is not deleted');
      // The last model taking traffic is never undeployed without a modal; dismissing it changes nothing.
      await vscode.commands.executeCommand('mlServing.endpoints.undeploy', { endpoint: endpoint.name, deployedModelId: first.deployedModelId });
      const modal = await told.waitFor(m => !!m.modal, 'the undeploy modal');
      assert.match(modal.text, new RegExp(`^Undeploy recsys-ranking v\\d+ from endpoint ${NAME}\\?$`));
      assert.match(modal.detail ?? '', /the only deployed model: the endpoint stops answering predictions/);
      assert.deepEqual((await api.getEndpoint(endpoint.name)).deployedModels.map(d => d.id), [first.deployedModelId], 'dismissed: still deployed');
    } finally {
      told.restore();
    }
  });
});
