// How scripts/test.mjs judges a stage, kept apart so unit tests can check it without running a stage.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const STATS = /^@@mocha-stats (\{.*\})\s*$/gm;

/**
 * The result of a run-mocha.mjs child from its exit code and stdout. The LAST stats line counts
 * (a test may print one of its own earlier), and a non-zero exit fails the stage even when the
 * line says 0 failures (a crash after the summary, an unhandled rejection, process.exitCode set).
 */
export function mochaResult(code, out) {
  const lines = [...String(out).matchAll(STATS)];
  if (!lines.length) return { passed: 0, failed: 1, skipped: 0, note: `mocha exited ${code} without a summary` };
  let s;
  try {
    s = JSON.parse(lines[lines.length - 1][1]);
  } catch {
    return { passed: 0, failed: 1, skipped: 0, note: `mocha exited ${code} with an unreadable summary` };
  }
  const row = { passed: Number(s.passes) || 0, failed: Number(s.failures) || 0, skipped: Number(s.pending) || 0 };
  if (code !== 0 && row.failed === 0) return { ...row, failed: 1, note: `mocha exited ${code} although its summary counts no failure` };
  return row;
}

/** True for CI=true / CI=1 (GitHub Actions, GitLab, most CI systems set it). */
export function isCi(env = process.env) {
  return /^(true|1|yes)$/i.test(String(env.CI ?? '').trim());
}

/**
 * Under CI a missing ../shared/fixtures must fail the run: locally the tests that read it skip,
 * and a CI run would then pass with a third of its tests skipped. Returns the reason, or undefined.
 */
export function missingShared(repoRoot, env = process.env) {
  if (!isCi(env)) return undefined;
  const dir = resolve(repoRoot, '..', 'shared', 'fixtures');
  if (existsSync(join(dir))) return undefined;
  return `CI is set and ${dir} is missing: the tests that read it would be skipped, not run`;
}
