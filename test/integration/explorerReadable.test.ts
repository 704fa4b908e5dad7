// In-host (issue 16 item 12) against the emulator's demo project: runs a user can tell apart, a
// failed run's error one click away, the filter in the view's title, and "Registered as" with the
// model's name right after registering, without a manual refresh.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, labels, useDemoProject, type ExtensionApi } from './support/extension';

type RunNodeLike = { run: { id: string; name: string; kind: string; state: string; error?: string; labels: Record<string, string> } };

describe('explorer: what a new user reads in the trees (issue 16 item 12)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  after(async () => {
    if (a) await vscode.commands.executeCommand('mlServing.runs.clearFilter');
  });

  it('pipeline runs of one pipeline have different labels: the run id\'s time', async () => {
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    const pipeline = items.filter(i => String(i.contextValue).startsWith('mlServing.run.pipeline.')).map(i => String(i.label));
    assert.ok(pipeline.length >= 5, `pipeline runs: ${pipeline.join(', ')}`);
    assert.equal(new Set(pipeline).size, pipeline.length, `labels repeat: ${pipeline.join(' | ')}`);
    for (const l of pipeline) assert.match(l, /^recsys-tfx \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('the filter shows in the view\'s title, and a failed run expands to its error', async () => {
    assert.equal(a.trees.runsView?.description, undefined, 'no filter, no note');
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:failed');
    assert.equal(a.trees.runsView?.description, 'filter: state:failed');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    const i = items.findIndex(x => x.contextValue === 'mlServing.run.pipeline.failed');
    assert.ok(i >= 0, `a failed pipeline run: ${items.map(x => x.contextValue).join(', ')}`);
    assert.equal(items[i].collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'a failed run can be expanded');
    const kids = await a.trees.runs.getChildren(roots[i]);
    const first = await a.trees.runs.getTreeItem(kids[0]);
    assert.match(String(first.label), /exited with a non-zero status|failed|error/i);
    assert.equal((first.iconPath as vscode.ThemeIcon).id, 'error');
    await vscode.commands.executeCommand('mlServing.runs.clearFilter');
    assert.equal(a.trees.runsView?.description, undefined, 'cleared filter, no note');
  });

  it('registering a run as a new version shows "Registered as <model name> vN" under it at once', async () => {
    await vscode.commands.executeCommand('mlServing.runs.filter', 'state:succeeded');
    const roots = await a.trees.runs.getChildren();
    const items = await Promise.all(roots.map(n => a.trees.runs.getTreeItem(n)));
    // A ranking run's model becomes a version of recsys-ranking (as a user would register it), so
    // later suites that deploy recsys-ranking's newest version still get a ranking model.
    const at = items.findIndex((i, n) => i.contextValue === 'mlServing.run.pipeline.succeeded' && (roots[n] as unknown as RunNodeLike).run.labels.model_type === 'ranking');
    assert.ok(at >= 0, 'a succeeded ranking pipeline run');
    const run = roots[at];
    const before = await labels(a.trees.runs, run);
    const models = await a.trees.models.getChildren();
    const names = await labels(a.trees.models);
    const k = names.indexOf('recsys-ranking');
    assert.ok(k >= 0, names.join(', '));
    const parent = (models[k] as unknown as { model: { name: string } }).model.name;
    // Watch the change event the view listens to: the run must be refreshed, not only the registry.
    let fired = 0;
    const sub = a.trees.runs.onDidChangeTreeData(() => fired++);
    try {
      const version = await vscode.commands.executeCommand<{ versionId: string; displayName: string }>('mlServing.registerModel', run, { parentModel: parent });
      assert.ok(version, 'registered');
      assert.equal(version.displayName, 'recsys-ranking', 'the new version keeps its model\'s name');
      for (const end = Date.now() + 5000; !fired && Date.now() < end;) await new Promise(r => setTimeout(r, 50));
      assert.ok(fired > 0, 'the runs view was told to refresh');
      // The node VS Code holds is asked again (no reset, no manual refresh).
      const after = await labels(a.trees.runs, run);
      assert.ok(after.includes(`Registered as recsys-ranking v${version.versionId}`), `before: ${before.join(' | ')}; after: ${after.join(' | ')}`);
    } finally {
      sub.dispose();
    }
    assert.ok((run as unknown as RunNodeLike).run.id);
  });
});
