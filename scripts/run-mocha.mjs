// Runs mocha (spec reporter) over the given test files in this process and, at the end, prints one
// machine-readable line `@@mocha-stats {"passes":N,"failures":M,"pending":K}` for scripts/test.mjs.
// Usage: node scripts/run-mocha.mjs [--timeout=MS] FILE...   (MLSERVING_GREP=<regex> runs only matching titles)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Mocha = require('mocha');

const args = process.argv.slice(2);
const timeout = Number(args.find(a => a.startsWith('--timeout='))?.slice(10) ?? 10_000);
const files = args.filter(a => !a.startsWith('--'));

const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout, color: process.stdout.isTTY, grep: process.env.MLSERVING_GREP || undefined });
for (const f of files) mocha.addFile(f);
let stats = { passes: 0, failures: 0, pending: 0 };
try {
  const runner = mocha.run(() => {
    stats = { passes: runner.stats.passes, failures: runner.stats.failures, pending: runner.stats.pending };
    finish();
  });
} catch (e) {
  // A test file that throws while loading fails the stage.
  console.error(e);
  stats.failures += 1;
  finish();
}

function finish() {
  console.log(`@@mocha-stats ${JSON.stringify(stats)}`);
  // Like mocha --exit: a leaked handle in a test must not hang the whole harness.
  process.exitCode = stats.failures ? 1 : 0;
  setTimeout(() => process.exit(), 200).unref();
}
