// npm run bench [-- --json] [--quick] [--log-seconds=N] [--only=activation,vsix,tree,predict,log_tail]
// Transpiles src/ and test/ (out/), then runs the harness in out/test/bench/main.js, which packages
// a copy of the sources, builds the naive baseline into .bench/, starts and stops the emulator,
// and prints the table (and with --json one JSON object as the last stdout line).
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The build's own output goes to stderr, so with --json stdout ends with the JSON line.
execFileSync(process.execPath, [`${root}scripts/build.mjs`, '--only=tests'], { cwd: root, stdio: ['ignore', 2, 2] });
const child = spawn(process.execPath, [`${root}out/test/bench/main.js`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
