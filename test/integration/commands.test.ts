// Runs inside VS Code's extension host (test/integration/index.ts). Checks the extension's command
// surface against its package.json, and that activation stays free of Google client code.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/serving/commandIds';

const EXTENSION_ID = 'ml-serving.ml-serving-gcp';

interface CommandContribution { command: string; title: string; category?: string }
interface ViewContribution { id: string }

// Commands VS Code itself registers for every contributed view (focus, move, hide...).
const generatedViewCommand = /\.(focus|resetViewLocation|toggleVisibility|removeView|open)$/;

describe('extension activation and commands', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded in this host`);
    ext = found;
    await ext.activate();
  });

  // First in this file, while nothing but activation has run in the host.
  it('activating loads no Google client code', () => {
    assert.equal(ext.isActive, true);
    const loaded = Object.keys(require.cache);
    const main = path.join(ext.extensionPath, 'dist', 'extension.js');
    // Proves this is the module cache the extension was loaded into, so the next check can fail.
    assert.ok(loaded.includes(main), `${main} is not in require.cache`);
    const google = loaded.filter(k =>
      /[\\/]dist[\\/]gcp-[^\\/]+\.js$/.test(k) || /[\\/]node_modules[\\/](@google-cloud|google-gax|@grpc[\\/]grpc-js|google-auth-library)[\\/]/.test(k));
    assert.deepEqual(google, [], 'Google client modules were loaded during activation');
  });

  it('registers every command declared in package.json', async () => {
    const declared: CommandContribution[] = ext.packageJSON.contributes?.commands ?? [];
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.map(c => c.command).filter(id => !registered.has(id));
    assert.deepEqual(missing, [], 'declared in package.json but not registered');
  });

  it('declares every mlServing.* command it registers', async () => {
    const declared = new Set((ext.packageJSON.contributes?.commands ?? []).map((c: CommandContribution) => c.command));
    const viewIds: string[] = Object.values<ViewContribution[]>(ext.packageJSON.contributes?.views ?? {}).flat().map(v => v.id);
    const undeclared = (await vscode.commands.getCommands(true))
      .filter(id => id.startsWith('mlServing.') && !declared.has(id))
      .filter(id => !viewIds.some(v => id.startsWith(`${v}.`) && generatedViewCommand.test(id)));
    assert.deepEqual(undeclared, [], 'registered but not declared in package.json');
  });

  it('registers exactly the ids of the command-id table (src/serving/commandIds.ts)', async () => {
    const viewIds: string[] = Object.values<ViewContribution[]>(ext.packageJSON.contributes?.views ?? {}).flat().map(v => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter(id => id.startsWith('mlServing.'))
      .filter(id => !viewIds.some(v => id.startsWith(`${v}.`) && generatedViewCommand.test(id)));
    assert.deepEqual([...new Set(registered)].sort(), Object.values(CommandIds).sort());
  });

  it('titles every command "ML Serving: ..." in the palette', () => {
    const declared: CommandContribution[] = ext.packageJSON.contributes?.commands ?? [];
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    for (const c of declared) {
      assert.ok(c.command.startsWith('mlServing.'), `command id ${c.command} does not start with "mlServing."`);
      const shown = c.category ? `${c.category}: ${c.title}` : c.title;
      assert.match(shown, /^ML Serving: \S/, `palette title of ${c.command}`);
    }
  });
});
