// In-host: an operation on a service the Serving view shows refreshes that row only, never the
// root. A root refresh makes VS Code forget every row's handle until it has re-read the tree, and a
// right-click in that window reached Promote without its node (a service pick opened instead).
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { emulatorAdmin, until, useDemoProject, type ExtensionApi, DEMO_PROJECT, DEMO_REGION } from './support/extension';
import { rawClients } from './support/rawClients';

const SVC = 'itest-row-refresh';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;

/** Waits until the tree has fired nothing for a second (at most 20 s). */
async function quiet(tree: vscode.TreeDataProvider<unknown>): Promise<void> {
  let last = Date.now();
  const sub = tree.onDidChangeTreeData!(() => { last = Date.now(); });
  try {
    await until(() => Date.now() - last > 1000, 'the Serving view to settle', 20_000);
  } finally {
    sub.dispose();
  }
}

describe('Serving view refreshes only the row an operation changed', function () {
  this.timeout(150_000);
  let a: ExtensionApi;

  async function versions() {
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const model = models[items.findIndex(i => i.label === 'recsys-ranking')];
    assert.ok(model, 'recsys-ranking in the Models tree');
    return a.trees.models.getChildren(model);
  }

  async function serviceRow() {
    const rows = await a.trees.services.getChildren();
    const items = await Promise.all(rows.map(r => a.trees.services.getTreeItem(r)));
    return { node: rows[items.findIndex(i => i.label === SVC)], rows };
  }

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });

  after(async () => {
    if (!a) return;
    const cloud = await a.services.session.cloud();
    await rawClients(cloud).run().services.deleteService({ name: NAME }).catch(() => undefined);
  });

  it('a new revision of a shown service: the row says busy, then shows both revisions, the root never refreshed', async () => {
    const vs = await versions();
    const first = await vscode.commands.executeCommand<{ service: { state: string } }>('mlServing.deploy', vs[vs.length - 1], { yes: true, serviceName: SVC });
    assert.equal(first?.service.state, 'ready');
    a.trees.services.reset();
    const { node } = await serviceRow();
    assert.ok(node, 'the Serving view shows the service');
    assert.equal((await a.trees.services.getChildren(node)).length, 1);

    await quiet(a.trees.services); // earlier tests' settings restores reload the whole view
    const fired: Array<unknown> = [];
    const sub = a.trees.services.onDidChangeTreeData(n => fired.push(n));
    try {
      const second = await vscode.commands.executeCommand<{ service: { state: string } }>('mlServing.deploy', vs[0], { yes: true, serviceName: SVC });
      assert.equal(second?.service.state, 'ready');
      await until(() => !a.services.operations.inProgress().has(NAME) && fired.length >= 2, 'the busy and done refreshes', 10_000);
      await new Promise(r => setTimeout(r, 200)); // let the debounced refresh after "done" fire
    } finally {
      sub.dispose();
    }
    assert.ok(fired.length > 0, 'the view was told');
    assert.ok(!fired.includes(undefined), `no root refresh (got ${fired.length} events, ${fired.filter(n => n === undefined).length} for the root)`);
    assert.ok(fired.every(n => n === node), 'only the service row was refreshed');
    const again = await serviceRow();
    assert.equal(again.node, node, 'the row keeps its node: VS Code keeps its handle');
    const revisions = await a.trees.services.getChildren(node);
    assert.equal(revisions.length, 2, 'the new revision is listed under the row');
  });
});
