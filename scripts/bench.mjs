// npm run bench [-- --json] [--quick] [--log-seconds=N] [--only=activation,vsix,tree,predict,log_tail,serving]
// Transpiles src/ and test/ (out/), then runs the harness in out/test/bench/main.js, which packages
// a copy of the sources, builds the naive baseline into .bench/, starts and stops the emulator,
// and prints the table (and with --json one JSON object as the last stdout line). The serving
// figures need Python with TensorFlow and the model zoo: made (or reused) here first, as for tests.
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { prepareRealServing } from './emulator-process.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// The build's own output goes to stderr, so with --json stdout ends with the JSON line.
execFileSync(process.execPath, [`${root}scripts/build.mjs`, '--only=tests'], { cwd: root, stdio: ['ignore', 2, 2] });
const only = process.argv.find(a => a.startsWith('--only='))?.slice(7).split(',');
const env = { ...process.env };
if (!only || only.includes('serving')) {
  const serving = await prepareRealServing({ log: m => process.stderr.write(`[bench] ${m}\n`) });
  if (serving.python) Object.assign(env, { MLSERVING_PYTHON: serving.python, MLSERVING_ZOO: serving.zooDir, MLSERVING_DEMO_OPS_BUILD_DIR: serving.opsBuildDir ?? '' });
  else process.stderr.write(`[bench] serving figures not measured: ${serving.reason}\n`);
}
const child = spawn(process.execPath, [`${root}out/test/bench/main.js`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
