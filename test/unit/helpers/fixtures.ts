import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from out/test/...). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** ../shared/fixtures beside the checkout; undefined when absent (tests then skip). */
export const FIXTURES: string | undefined = (() => {
  const p = path.resolve(REPO_ROOT, '../shared/fixtures');
  return fs.existsSync(p) ? p : undefined;
})();

export function fixture(rel: string): string {
  if (!FIXTURES) throw new Error('fixtures absent');
  return path.join(FIXTURES, rel);
}
