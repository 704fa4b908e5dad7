// The registration shell (dist/extension.js) against package.json and the feature bundles:
// activation loads only the shell; every contributed command, panel and tool is registered from
// one list; each feature's bundle, loaded on first use, registers exactly its commands; classes
// shared by the bundles (UserError, Session) exist once. Reads the built dist/ (scripts/test.mjs builds it).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, FEATURES, PANELS, TOOLS, TREE_VIEWS, DEMO_MARKER } from '../../src/activation/table';

const root = path.resolve(__dirname, '../../..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Probe {
  error?: string;
  loadedAtActivation: string[];
  placeholders: string[];
  serializersAtActivation: string[];
  serializersAfter: string[];
  tools: string[];
  byFeature: Record<string, string[]>;
  errors: string[];
  agentTools: string[];
  logsSerializer: string;
  sameSession: boolean;
  runsRows: number;
  treesAreProviders: boolean;
  loadedAfter: string[];
}

describe('activation: the registration shell and the feature bundles', function () {
  this.timeout(60_000);
  let probe: Probe;

  before(function () {
    assert.ok(fs.existsSync(path.join(dist, 'extension.js')), 'dist/extension.js is missing: run node scripts/build.mjs first');
    // PATH without gcloud: the session finds no project without asking it.
    const env = { ...process.env, PATH: path.dirname(process.execPath), MLSERVING_EMULATOR: '' };
    const out = execFileSync(process.execPath, [path.join(__dirname, 'helpers', 'activationProbe.js'), dist], { encoding: 'utf8', cwd: root, env });
    probe = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(probe.error, undefined, probe.error);
  });

  it('activation loads the shell only (no core, no feature, no Google bundle)', () => {
    assert.deepEqual(probe.loadedAtActivation, [path.join('dist', 'extension.js')]);
  });

  it('the one list matches package.json: commands, views, panels, tools', () => {
    const declared = (pkg.contributes.commands as Array<{ command: string }>).map(c => c.command).sort();
    assert.deepEqual(Object.keys(COMMANDS).sort(), declared);
    const views = Object.values<Array<{ id: string }>>(pkg.contributes.views).flat().map(v => v.id);
    for (const id of Object.values(TREE_VIEWS)) assert.ok(views.includes(id), `${id} is not a contributed view`);
    const panelEvents = (pkg.activationEvents as string[]).filter(e => e.startsWith('onWebviewPanel:')).map(e => e.slice('onWebviewPanel:'.length)).sort();
    assert.deepEqual(Object.keys(PANELS).sort(), panelEvents);
    assert.deepEqual([...TOOLS].sort(), (pkg.contributes.languageModelTools as Array<{ name: string }>).map(t => t.name).sort());
    // The explorer's demo start (it imports vscode, so its source is read) checks the same file.
    const demoStart = fs.readFileSync(path.join(root, 'src/features/explorer/demoStart.ts'), 'utf8');
    assert.match(demoStart, new RegExp(`DEMO_MARKER = '${DEMO_MARKER.replace(/\./g, '\\.')}'`));
    assert.ok((pkg.activationEvents as string[]).includes(`workspaceContains:${DEMO_MARKER}`));
  });

  it('activate() registers a placeholder for every command, panel serializer and tool', () => {
    assert.deepEqual([...probe.placeholders].sort(), Object.keys(COMMANDS).sort());
    assert.deepEqual([...probe.serializersAtActivation].sort(), Object.keys(PANELS).sort());
    assert.deepEqual(probe.tools, [...TOOLS]);
  });

  it('each feature, loaded on first use, registers exactly the commands the list gives it', () => {
    for (const f of FEATURES) {
      const mine = Object.entries(COMMANDS).filter(([, owner]) => owner === f).map(([id]) => id).sort();
      assert.deepEqual([...(probe.byFeature[f] ?? [])].sort(), mine, `feature ${f}`);
    }
    // Panels restored after a reload go to the feature's own serializer; tools to the agents' objects.
    assert.deepEqual([...probe.serializersAfter].sort(), Object.keys(PANELS).sort());
    assert.equal(probe.logsSerializer, 'function');
    assert.deepEqual([...probe.agentTools].sort(), [...TOOLS].sort());
    assert.equal(probe.treesAreProviders, true);
    assert.deepEqual(probe.loadedAfter.filter(f => /gcp-/.test(f)), [], 'no Google bundle loads without a cloud call');
  });

  it('one copy of the shared classes: errors thrown in a feature bundle are recognised by the core', () => {
    // A ValidationError from feature-explorer.js / feature-predict.js, reported by the command
    // wrapper in core.js: shown as the user error it is, not as "ML Serving: <unexpected error>".
    assert.deepEqual(probe.errors, [
      'url: expected a Cloud Console address',
      'service: expected a service from the Serving view, a resource name projects/P/locations/R/services/NAME, or {service} / {name, region, project}',
    ]);
    assert.equal(probe.sameSession, true);
    // NoProjectError from core.js caught by the explorer's tree (feature-explorer.js): no rows, so
    // the welcome view shows (a second copy of the class would make it an error row).
    assert.equal(probe.runsRows, 0);
  });
});
