/** The command-id table is the one list of commands: package.json declares exactly its ids. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandIds, OLD_STYLE_IDS } from '../../src/serving/commandIds';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
const table = Object.values(CommandIds);

describe('command-id table', () => {
  it('package.json declares exactly the ids of the table, once each', () => {
    const declared = pkg.contributes.commands.map(c => c.command);
    assert.equal(new Set(declared).size, declared.length, 'a command is declared twice');
    assert.deepEqual([...declared].sort(), [...table].sort());
  });

  it('every id is mlServing.<area>.<verb>, or an old-style id listed with its new name', () => {
    assert.equal(new Set(table).size, table.length, 'two names for one id');
    const form = /^mlServing\.[a-z]+\.[a-z][A-Za-z]*$/;
    const bad = table.filter(id => !form.test(id) && !OLD_STYLE_IDS[id]);
    assert.deepEqual(bad, []);
    for (const [oldId, newId] of Object.entries(OLD_STYLE_IDS)) {
      assert.ok(!form.test(oldId), `${oldId} already has the <area>.<verb> form: drop it from OLD_STYLE_IDS`);
      assert.match(newId!, form, `the new id of ${oldId}`);
    }
  });

  it('no command id is written as a literal outside the table (files not yet migrated are listed)', () => {
    // Files other branches are rewriting (issue 15's seams, panels); they move to the table after the merge.
    const notYet = new Set<string>([]);
    const ids = new Set<string>(table);
    const offenders: string[] = [];
    const walk = (dir: string): string[] => {
      const { readdirSync, statSync } = require('node:fs') as typeof import('node:fs');
      return readdirSync(dir).flatMap(f => { const p = path.join(dir, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []; });
    };
    const files = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'webview'))].map(f => path.relative(root, f).split(path.sep).join('/'));
    assert.ok(files.length > 50, 'found the sources');
    for (const f of files) {
      if (f === 'src/serving/commandIds.ts' || notYet.has(f)) continue;
      for (const m of readFileSync(path.join(root, f), 'utf8').matchAll(/['"`](mlServing\.[A-Za-z.]+)['"`]/g)) {
        if (ids.has(m[1])) offenders.push(`${f}: ${m[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
