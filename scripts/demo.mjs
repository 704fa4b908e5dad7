// `npm run demo`: the extension against the local Google API emulator in a real VS Code.
// Builds, starts the emulator with its demo data and code-server with the extension loaded from
// source, prints the URL to open, and stops both on Ctrl-C. Deployed models are served by the real
// Python server with TensorFlow (a venv in .venv-tf/ and the model zoo, made on first run); where
// TensorFlow cannot be installed, the emulator's TypeScript stand-in answers and the EMULATOR status
// bar item says "stand-in predictions". Usage: node scripts/demo.mjs [--port=N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as host from './vscode-host.mjs';
import { emulatorBuilt, emulatorMain, prepareRealServing, startEmulator } from './emulator-process.mjs';

const root = host.repoRoot;
const portArg = process.argv.find(a => a.startsWith('--port='))?.slice(7);
const log = (...a) => console.log('[demo]', ...a);
if (portArg !== undefined && !(/^\d+$/.test(portArg) && Number(portArg) >= 1024 && Number(portArg) <= 65535)) {
  console.error(`[demo] --port: expected a port number from 1024 to 65535, got "${portArg}"`);
  process.exit(2);
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) { console.error('[demo] build failed'); process.exit(1); }
if (!emulatorBuilt()) { console.error(`[demo] ${emulatorMain} is missing: the emulator (test/emulator/main.ts) is not built`); process.exit(1); }

const stops = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  while (stops.length) await stops.pop()().catch(e => log(e.message));
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
  const logDir = join(host.cacheDir, 'demo');
  mkdirSync(logDir, { recursive: true });
  const serving = await prepareRealServing({ log });
  if (!serving.python) log(`no Python with TensorFlow (${serving.reason}): predictions come from the TypeScript stand-in`);
  const emulator = await startEmulator({ args: ['--demo', ...serving.args], logFile: join(logDir, 'emulator.log') });
  stops.push(() => emulator.stop());
  log(`emulator: ${JSON.stringify(emulator.endpoints)} (log ${join(logDir, 'emulator.log')}); predictions: ${emulator.serving === 'tensorflow' ? 'real TensorFlow' : 'TypeScript stand-in'}`);

  const workspace = join(host.cacheDir, 'demo', 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  // The marker makes the extension open its view at start-up and say what to try first
  // (src/features/explorer/demoStart.ts); the README says the same for whoever reads it first.
  writeFileSync(join(workspace, '.vscode', 'ml-serving-demo.json'), JSON.stringify({ emulatorAdmin: emulator.endpoints.admin }, null, 2) + '\n');
  writeFileSync(join(workspace, 'README.md'), [
    '# ML Serving demo workspace',
    '',
    'The **ML Serving** view (activity bar) shows the emulator\'s demo project. Try first: in **Models**,',
    'expand `recsys-ranking`, right-click a version → **Deploy to Cloud Run**, then click **Test Prediction**',
    'on the notification.',
    '',
    `Emulator admin API: ${emulator.endpoints.admin} (\`POST /faults\` injects failures; see the extension's README).`,
    '',
  ].join('\n'));

  // The asked (or default) port when free, else any free one: the URL below is the one to open.
  const port = portArg ? Number(portArg) : 8787;
  const server = await host.start({
    workspace,
    port: (await portFree(port)) ? port : undefined,
    env: emulator.env,
    settings: {
      'mlServing.emulator': emulator.endpoints.admin,
      'mlServing.project': 'demo-project',
      'mlServing.regions': ['us-central1'],
    },
    log,
  });
  stops.push(() => server.stop());
  const url = host.workbenchUrl(server.url, { folder: workspace, extensionDevelopmentPath: root });
  console.log(`\nOpen this URL in a browser (Ctrl-C here stops the demo):\n\n  ${url}\n`);
  console.log(`Emulator admin API (faults, state, logs): ${emulator.endpoints.admin}\n`);
} catch (e) {
  console.error(`[demo] ${e.message}`);
  await stopAll(1);
}

async function portFree(port) {
  const { createServer } = await import('node:net');
  return new Promise(resolve => {
    const srv = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
