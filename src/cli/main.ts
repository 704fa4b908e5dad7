/** Entry of dist/cli.js (`ml-serving`). All logic is in run.ts so it can be tested in-process. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { runCli } from './run';

const stop = new AbortController();
// logs --follow: Ctrl+C ends the loop cleanly (exit code 0); a second one kills.
process.once('SIGINT', () => stop.abort());

runCli(process.argv.slice(2), {
  env: process.env,
  signal: stop.signal,
  stdin: () => readFileSync(0, 'utf8'),
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  // deploy and traffic ask at a terminal; without one they need --yes.
  ask: process.stdin.isTTY && process.stderr.isTTY ? async question => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  } : undefined,
}).then(
  code => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ml-serving: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
