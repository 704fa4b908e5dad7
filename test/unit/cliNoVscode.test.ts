/**
 * The CLI runs without VS Code: nothing src/cli imports, directly or through src/gcp and
 * src/serving, may import `vscode` (issue 19: one core, no second implementation, no editor).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** Every module reachable from `entry` through relative imports (type-only imports included: they must not name vscode either). */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1] ?? m[2] ?? m[3]);
    seen.set(file, specs);
    for (const s of specs) {
      if (!s.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), s);
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find(existsSync);
      if (hit) todo.push(hit);
    }
  }
  return seen;
}

describe('CLI import check', () => {
  it('nothing the CLI reaches imports vscode', () => {
    const entries = readdirSync(path.join(root, 'src/cli')).filter(f => f.endsWith('.ts')).map(f => path.join(root, 'src/cli', f));
    assert.ok(entries.some(e => e.endsWith('main.ts')), 'src/cli/main.ts exists');
    const offenders: string[] = [];
    let count = 0;
    for (const e of entries) {
      for (const [file, specs] of reachable(e)) {
        count++;
        if (specs.includes('vscode')) offenders.push(path.relative(root, file));
        if (path.relative(root, file).startsWith(`src${path.sep}features`)) offenders.push(`${path.relative(root, file)} (a feature)`);
      }
    }
    assert.ok(count > 20, `walked the CLI's imports (${count} modules)`);
    assert.deepEqual([...new Set(offenders)], []);
  });

  it('the built bundle does not require vscode', function () {
    const cli = path.join(root, 'dist', 'cli.js');
    if (!existsSync(cli)) this.skip();
    assert.doesNotMatch(readFileSync(cli, 'utf8'), /require\(["']vscode["']\)/);
  });
});
