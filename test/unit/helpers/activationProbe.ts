/**
 * Run as its own process (node activationProbe.js DIST_DIR): loads DIST_DIR/extension.js with the
 * bench's `vscode` stand-in, activates it, then makes each feature load the way VS Code would
 * (a command, a getter of the API the in-host tests use), and prints what happened as JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createContext, createVscodeStub, installVscodeStub } from '../../bench/vscodeStub';

type AnyFn = (...args: any[]) => any;

async function main(): Promise<void> {
  const dist = path.resolve(process.argv[2]);
  const root = path.dirname(dist);
  const stub = createVscodeStub() as any;
  const handlers = new Map<string, AnyFn>();
  let registrations: string[] = [];
  stub.commands.registerCommand = (id: string, fn: AnyFn) => {
    if (handlers.has(id)) throw new Error(`command '${id}' already exists`);
    handlers.set(id, fn);
    registrations.push(id);
    return { dispose: () => { if (handlers.get(id) === fn) handlers.delete(id); } };
  };
  stub.commands.executeCommand = async (id: string, ...args: unknown[]) => {
    const fn = handlers.get(id);
    if (!fn && !id.startsWith('mlServing.')) return undefined; // VS Code's own (setContext, ...)
    if (!fn) throw new Error(`command '${id}' not found`);
    return fn(...args);
  };
  const serializers = new Map<string, unknown>();
  stub.window.registerWebviewPanelSerializer = (viewType: string, s: unknown) => {
    if (serializers.has(viewType)) throw new Error(`a serializer for '${viewType}' is already registered`);
    serializers.set(viewType, s);
    return { dispose: () => { if (serializers.get(viewType) === s) serializers.delete(viewType); } };
  };
  const tools: string[] = [];
  stub.lm = { registerTool: (name: string) => { tools.push(name); return { dispose() {} }; } };
  const errors: string[] = [];
  stub.window.showErrorMessage = async (m: string) => { errors.push(m); return undefined; };
  installVscodeStub(stub);

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const context = createContext(root, pkg);
  const before = new Set(Object.keys(require.cache));
  const api = require(path.join(dist, 'extension.js')).activate(context);
  const loadedAtActivation = Object.keys(require.cache).filter(k => !before.has(k)).map(k => path.relative(root, k));
  const placeholders = registrations;
  const serializersAtActivation = [...serializers.keys()];

  // Each feature as VS Code would first reach it; what it registers is recorded per feature.
  const byFeature: Record<string, string[]> = {};
  const step = async (feature: string, reach: () => unknown) => {
    registrations = [];
    await reach();
    byFeature[feature] = registrations;
  };
  await step('session', () => stub.commands.executeCommand('mlServing.showLogs'));
  // Rejected by its validation (a UserError from core.js thrown inside feature-explorer.js): the
  // command wrapper shows the message itself only if instanceof holds across the bundles.
  await step('explorer', () => stub.commands.executeCommand('mlServing.openUrl', 'http://example.com'));
  await step('predict', () => stub.commands.executeCommand('mlServing.testPrediction', 42));
  await step('deploy', () => api.deploy);
  await step('logs', () => api.logs);
  await step('agents', () => api.agents);
  await step('endpoints', () => api.endpoints);
  await step('batch', () => api.batch);
  await new Promise(r => setTimeout(r, 50));
  // No project (no setting, no gcloud on PATH): core's session throws NoProjectError and the
  // explorer's tree answers no rows (the welcome view) only if it recognises that class.
  const runsRows = (await api.trees.runs.getChildren()).length;

  const core = require(path.join(dist, 'core.js'));
  const out = {
    loadedAtActivation, placeholders, serializersAtActivation, tools, byFeature, errors,
    serializersAfter: [...serializers.keys()],
    agentTools: Object.keys(api.agents.tools),
    logsSerializer: typeof api.logs.serializer?.deserializeWebviewPanel,
    runsRows,
    sameSession: api.services.session instanceof core.module('src/features/shared/session.ts').Session,
    treesAreProviders: ['runs', 'models', 'services'].every(k => typeof api.trees[k]?.getChildren === 'function'),
    loadedAfter: Object.keys(require.cache).filter(k => !before.has(k)).map(k => path.relative(root, k)),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

main().catch(e => {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).stack ?? String(e) })}\n`);
  process.exit(1);
});
