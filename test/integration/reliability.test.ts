// In-host, against the emulator's fault injection: deploys under failure never lose what serves,
// never half-create, and retry what can be retried without duplicates.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, useDemoProject, type ExtensionApi } from './support/extension';

type Result = { service: { name: string; latestReadyRevision?: string } };
const parent = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services`;

async function versions(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  return a.trees.models.getChildren(models[items.findIndex(i => i.label === model)]);
}

describe('reliability under injected faults', function () {
  this.timeout(90_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  afterEach(async () => { if (emulatorAdmin()) await emulatorDelete('/faults'); });

  it('an LRO that ends in error leaves the previous revision serving with its traffic', async () => {
    const v = await versions(a, 'recsys-ranking');
    const ok = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-lro' });
    assert.ok(ok);
    const cloud = await a.services.session.cloud();
    const before = (await cloud.run.getService(ok.service.name))!;
    await emulatorPost('/faults', { kind: 'failLro', method: 'UpdateService', message: 'Revision rel-lro-00002 failed to start: container exited (1)' });
    const failed = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[v.length - 1], { yes: true, serviceName: 'rel-lro' });
    assert.equal(failed, undefined, 'the deploy reports a failure');
    const after = (await cloud.run.getService(ok.service.name))!;
    assert.equal(after.latestReadyRevision, before.latestReadyRevision);
    assert.deepEqual(after.trafficStatuses, before.trafficStatuses);
    await vscode.commands.executeCommand('mlServing.undeploy', { service: ok.service.name }, { confirmed: true });
  });

  it('PERMISSION_DENIED on create: nothing is created', async () => {
    const v = await versions(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'permissionDenied', method: 'CreateService' });
    const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-denied' });
    assert.equal(r, undefined);
    const cloud = await a.services.session.cloud();
    assert.equal(await cloud.run.getService(`${parent}/rel-denied`), undefined);
  });

  it('RESOURCE_EXHAUSTED once: retried with backoff, one service, one revision', async () => {
    const v = await versions(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'resourceExhausted', method: 'CreateService', count: 1 });
    const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: 'rel-quota' });
    assert.ok(r, 'the deploy succeeded after the retry');
    const cloud = await a.services.session.cloud();
    assert.equal((await cloud.run.listServices(DEMO_REGION)).filter(s => s.id === 'rel-quota').length, 1);
    assert.equal((await cloud.run.listRevisions(r.service.name)).length, 1);
    await vscode.commands.executeCommand('mlServing.undeploy', { service: r.service.name }, { confirmed: true });
  });

  it('UNAVAILABLE on model upload: retried, exactly one new version', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    const run = roots[items.findIndex(i => i.contextValue === 'mlServing.run.pipeline.succeeded')];
    const models = await a.trees.models.getChildren();
    const model = (models[0] as unknown as { model: { name: string } }).model.name;
    const cloud = await a.services.session.cloud();
    const before = (await cloud.vertex.listModelVersions(model)).length;
    await emulatorPost('/faults', { kind: 'unavailable', method: 'UploadModel', count: 2 });
    const v = await vscode.commands.executeCommand<{ versionId: string }>('mlServing.registerModel', run, { parentModel: model });
    assert.ok(v);
    assert.equal((await cloud.vertex.listModelVersions(model)).length, before + 1);
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
  });
});
