import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from out/test/...). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** CI=true: a missing ../shared fails the tests instead of skipping them. */
export const IS_CI = /^(true|1|yes)$/i.test(String(process.env.CI ?? '').trim());

/** ../shared/fixtures beside the checkout; undefined when absent (tests then skip, or fail under CI). */
export const FIXTURES: string | undefined = (() => {
  const p = path.resolve(REPO_ROOT, '../shared/fixtures');
  if (fs.existsSync(p)) return p;
  if (IS_CI) throw new Error(`CI is set and ${p} is missing: the tests that read it must run, not skip`);
  return undefined;
})();

export function fixture(rel: string): string {
  if (!FIXTURES) throw new Error('fixtures absent');
  return path.join(FIXTURES, rel);
}
