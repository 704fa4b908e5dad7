// `npm run demo`: the extension against the local Google API emulator in a real VS Code.
// Builds, starts the emulator with its demo data and code-server with the extension loaded from
// source, prints the URL to open, and stops both on Ctrl-C. Deployed models are served by the real
// Python server with TensorFlow (a venv in .venv-tf/ and the model zoo, made on first run); where
// TensorFlow cannot be installed, the emulator's TypeScript stand-in answers and the EMULATOR status
// bar item says "stand-in predictions". Usage: node scripts/demo.mjs [--port=N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as host from './vscode-host.mjs';
import { emulatorBuilt, emulatorMain, prepareRealServing, startEmulator } from './emulator-process.mjs';

const root = host.repoRoot;
const portArg = process.argv.find(a => a.startsWith('--port='))?.slice(7);
const log = (...a) => console.log('[demo]', ...a);

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
  mkdirSync(workspace, { recursive: true });
  const readme = join(workspace, 'README.md');
  if (!existsSync(readme)) writeFileSync(readme, '# ML Serving demo workspace\n\nOpen the ML Serving view in the activity bar.\n');

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
