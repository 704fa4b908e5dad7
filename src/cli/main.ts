/** Entry of dist/cli.js (`ml-serving`). All logic is in run.ts so it can be tested in-process. */
import { readFileSync } from 'node:fs';
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
}).then(
  code => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ml-serving: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
