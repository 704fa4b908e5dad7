/** Entry of dist/cli.js (`ml-serving`). All logic is in run.ts so it can be tested in-process. */
import { runCli } from './run';

runCli(process.argv.slice(2), {
  env: process.env,
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
