// The in-host test runner: VS Code's extension host calls run() when the workbench was opened with
// an `extensionTestsPath` payload (scripts/test.mjs does that). It runs every *.test.js beside this
// file under mocha and resolves only if all passed; the workbench then reports the exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';

// CommonJS require on purpose: mocha's module is a constructor with static members, and the
// extension host resolves it from the repo's node_modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha: typeof import('mocha') = require('mocha');

// The workbench relays the host's console as log lines mixed with its own: this prefix lets
// scripts/test.mjs pick out the runner's output.
export const OUTPUT_PREFIX = '[integration] ';

const sourceDir = path.resolve(__dirname, '../../../test/integration');

// Runs first: it checks what activation alone loaded, before other suites load Google clients.
const FIRST = 'commands.test.js';

/** Built test files whose .ts source still exists (out/ keeps files of deleted sources). */
function testFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => f.endsWith('.test.js'))
    .filter(f => !fs.existsSync(sourceDir) || fs.existsSync(path.join(sourceDir, f.replace(/\.js$/, '.ts'))))
    .sort((a, b) => Number(b === FIRST) - Number(a === FIRST) || a.localeCompare(b))
    .map(f => path.join(dir, f));
}

function say(...args: unknown[]): void {
  console.log(OUTPUT_PREFIX + format(...args));
}

export function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = say;
  // MLSERVING_GREP (inherited from scripts/test.mjs's environment) runs only the matching tests.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, reporter: 'spec', grep: process.env.MLSERVING_GREP || undefined });
  for (const f of testFiles(__dirname)) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(failures => {
        const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
        // scripts/test.mjs reads this line from the forwarded console for its summary table.
        say(`integration: ${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (e) {
      say('%s', e instanceof Error ? e.stack : e);
      say('integration: 0 passed, 1 failed');
      reject(e);
    }
  });
}
