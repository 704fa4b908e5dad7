// In-host: the three trees against the emulator's demo project, paging, filter, register, error nodes.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, emulatorDelete, emulatorPost, labels, useDemoProject, type ExtensionApi } from './support/extension';

describe('explorer against the emulator', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    await vscode.workspace.getConfiguration('mlServing').update('runs.pageSize', 10, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('mlServing').update('runs.pageSize', undefined, vscode.ConfigurationTarget.Workspace);
    if (emulatorAdmin()) await emulatorDelete('/faults');
  });

  it('Training Runs pages pipeline and custom jobs, newest first, with Load more', async () => {
    a.trees.runs.reset();
    const first = await a.trees.runs.getChildren();
    const items = await Promise.all(first.map(n => a.trees.runs.getTreeItem(n)));
    assert.equal(items.at(-1)?.label, 'Load more…');
    const runs = items.filter(i => String(i.contextValue).startsWith('mlServing.run.'));
    assert.ok(runs.length > 10 && runs.length <= 20, `one page of each kind, got ${runs.length}`);
    assert.ok(runs.some(r => String(r.contextValue).startsWith('mlServing.run.pipeline.')));
    assert.ok(runs.some(r => String(r.contextValue).startsWith('mlServing.run.custom.')));
    const states = new Set(runs.map(r => String(r.contextValue).split('.').pop()));
    assert.ok(states.size >= 2, `several states on the first page: ${[...states]}`);
    await vscode.commands.executeCommand('mlServing.explorer.loadMore', first.at(-1));
    await new Promise(r => setTimeout(r, 100));
    const second = await a.trees.runs.getChildren();
    assert.ok(second.length > first.length, `load more adds runs (${first.length} → ${second.length})`);
    const names = second.map(n => (n as { id: string }).id);
    assert.equal(new Set(names).size, names.length, 'no duplicate runs');
  });

  it('a succeeded TFX run shows its pushed model and what it was registered as', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    assert.ok(items.filter(i => i.contextValue !== 'mlServing.loadMore').every(i => String(i.contextValue).endsWith('.succeeded')), 'filter keeps succeeded runs only');
    const pipelineIdx = items.findIndex(i => i.contextValue === 'mlServing.run.pipeline.succeeded');
    assert.ok(pipelineIdx >= 0);
    const kids = await labels(a.trees.runs, roots[pipelineIdx]);
    assert.ok(kids.includes('Pushed model'), `children: ${kids}`);
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
  });

  it('Models shows registry models, their versions with aliases and labels', async () => {
    a.trees.models.reset();
    const models = await a.trees.models.getChildren();
    const names = await labels(a.trees.models);
    assert.ok(names.includes('recsys-retrieval'), names.join(', '));
    const node = models[names.indexOf('recsys-retrieval')];
    const versions = await a.trees.models.getChildren(node);
    const vItems = await Promise.all(versions.map(v => a.trees.models.getTreeItem(v)));
    assert.ok(vItems.every(v => /^v\d+$/.test(String(v.label))));
    assert.ok(vItems.some(v => String(v.description).includes('@default')));
    assert.match(String((vItems[0].tooltip as vscode.MarkdownString).value), /training\\_run\\_id/);
  });

  it('Register in Model Registry creates a new version with the run\'s labels', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    const run = roots[items.findIndex(i => i.contextValue === 'mlServing.run.pipeline.succeeded')] as unknown as { run: { id: string; name: string } };
    const models = await a.trees.models.getChildren();
    const parent = (models[0] as unknown as { model: { name: string } }).model.name;
    const before = (await a.trees.models.getChildren(models[0])).length;
    const version = await vscode.commands.executeCommand<{ versionId: string; labels: Record<string, string> }>('mlServing.registerModel', run, { parentModel: parent });
    assert.ok(version, 'registration returned the new version');
    assert.equal(version.labels.training_run_id, run.run.id.toLowerCase());
    assert.equal(version.labels['registered-by'], 'ml-serving');
    a.trees.models.reset();
    const after = await a.trees.models.getChildren((await a.trees.models.getChildren())[0]);
    assert.equal(after.length, before + 1, 'the Models tree shows the new version');
    const runKids = await labels(a.trees.runs, run);
    assert.ok(runKids.some(l => l.startsWith('Registered as ') && l.endsWith(`v${version.versionId}`)), runKids.join(' | '));
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
  });

  it('PERMISSION_DENIED and UNAVAILABLE become error nodes, not pop-ups', async () => {
    await emulatorPost('/faults', { kind: 'permissionDenied', method: 'ListPipelineJobs', count: 1 });
    a.trees.runs.reset();
    let items = await Promise.all((await a.trees.runs.getChildren()).map(n => a.trees.runs.getTreeItem(n)));
    assert.equal(items.length, 1);
    assert.equal(items[0].contextValue, 'mlServing.error.permission');
    assert.match(String(items[0].description), /aiplatform\.pipelineJobs\.list/);

    // More failures than the client's own retries: the tree shows an error node with a retry.
    await emulatorPost('/faults', { kind: 'unavailable', method: 'ListModels', count: 20 });
    a.trees.models.reset();
    items = await Promise.all((await a.trees.models.getChildren()).map(n => a.trees.models.getTreeItem(n)));
    assert.equal(items[0].contextValue, 'mlServing.error.unavailable');
    assert.equal(items[0].command?.command, 'mlServing.explorer.refresh');
    await emulatorDelete('/faults');
    a.trees.models.reset();
    const ok = await a.trees.models.getChildren();
    assert.ok(ok.length > 1, 'retry after the fault clears shows the models');
  });
});
