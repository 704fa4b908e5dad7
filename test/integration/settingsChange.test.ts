// In-host: a settings.json rewrite mid-deploy must not cut the deploy (the session used to close its
// gRPC channels on any mlServing change: "Channel has been shut down"), while a real project change
// still reaches the next command.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorAdmin, until, useDemoProject, type ExtensionApi, DEMO_PROJECT, DEMO_REGION } from './support/extension';
import { rawClients } from './support/rawClients';

const SVC = 'itest-settings-midway';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;

describe('settings changes and the session', function () {
  this.timeout(120_000);
  let a: ExtensionApi;
  let file = '';
  let original: string | undefined;

  before(async function () {
    if (!emulatorAdmin() || !vscode.workspace.workspaceFolders?.length) this.skip();
    a = await useDemoProject();
    file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
    original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  });

  after(async () => {
    if (!a) return;
    if (original === undefined) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, original);
    await until(() => a.services.session.settings.project === DEMO_PROJECT, 'the demo project back', 10_000);
    const cloud = await a.services.session.cloud();
    await rawClients(cloud).run().services.deleteService({ name: NAME }).catch(() => undefined);
  });

  it('a deploy in flight survives a settings.json rewrite that changes no connection setting', async () => {
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const model = models[items.findIndex(i => i.label === 'recsys-ranking')];
    assert.ok(model, 'recsys-ranking in the Models tree');
    const versions = await a.trees.models.getChildren(model);
    const deploying = vscode.commands.executeCommand<{ service: { state: string } }>('mlServing.deploy', versions[versions.length - 1], { yes: true, serviceName: SVC });
    await until(() => a.services.operations.inProgress().has(NAME), 'the deploy to be in flight');

    // What a user (or a tool) does: rewrite the whole file, changing a setting the clients do not use.
    const before = a.services.session.settings.latencyTargetMs;
    const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...settings, 'mlServing.predict.latencyTargetMs': before + 7, 'editor.tabSize': 3 }, null, 2));
    await until(() => a.services.session.settings.latencyTargetMs === before + 7, 'the rewritten settings to be read', 10_000);
    assert.ok(a.services.operations.inProgress().has(NAME), 'the rewrite landed while the deploy was still running');

    const result = await deploying;
    assert.ok(result, 'the deploy returned a result (see the ML Serving log: "Channel has been shut down"?)');
    assert.equal(result.service.state, 'ready');
  });

  it('a project change takes effect for the next command', async () => {
    const changed = new Promise<void>(resolve => { const sub = a.services.session.onDidChange(() => { sub.dispose(); resolve(); }); });
    await vscode.workspace.getConfiguration('mlServing').update('project', 'other-project', vscode.ConfigurationTarget.Workspace);
    await changed;
    assert.equal((await a.services.session.cloud()).project, 'other-project');
    a.trees.services.reset();
    const labels = await Promise.all((await a.trees.services.getChildren()).map(async n => String((await a.trees.services.getTreeItem(n)).label)));
    assert.ok(!labels.includes(SVC), `the Serving tree lists the other project's services, not demo-project's: ${labels.join(', ')}`);
  });
});
