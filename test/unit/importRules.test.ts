/**
 * The import rules of .dependency-cruiser.cjs (run by `npm run typecheck`) fail on a planted
 * violation of each rule: the real config and the real depcruise run on a small synthetic tree
 * laid out like this repository, with one planted file (or import) per rule beside files that
 * obey the rules. The violations found must be exactly the planted ones.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** Files that obey every rule. */
const CLEAN: Record<string, string> = {
  'src/common/errors.ts': 'export class UserError extends Error {}\n',
  'src/common/usesVscode.ts': "import * as vscode from 'vscode';\nexport const w = vscode.window;\n",
  'src/gcp/clean.ts': "import { pure } from '../serving/pure';\nimport { UserError } from '../common/errors';\nexport const g = [pure, UserError];\n",
  'src/operations/clean.ts': "import { g } from '../gcp/clean';\nimport { UserError } from '../common/errors';\nexport const o = [g, UserError];\n",
  'src/serving/pure.ts': "import * as protobuf from 'protobufjs';\nexport const pure = protobuf;\n",
  'src/serving/node/reader.ts': "import { readFileSync } from 'node:fs';\nimport { pure } from '../pure';\nexport const read = readFileSync;\nexport const p = pure;\n",
  'src/protocol/p.ts': "import type { pure } from '../serving/pure';\nexport type P = typeof pure;\n",
  'webview/main.ts': "import type { P } from '../src/protocol/p';\nimport { pure } from '../src/serving/pure';\nexport const x: P | undefined = pure;\n",
  'src/features/shared/x.ts': 'export const shared = 1;\n',
  'src/features/a/clean.ts': "import { shared } from '../shared/x';\nimport { UserError } from '../../common/errors';\nexport const a = [shared, UserError];\n",
  'src/features/logs/clean.ts': 'export const l = 1;\n',
  'src/features/explorer/servicesTree.ts': 'export const tree = 1;\n',
  'src/cli/clean.ts': "import { g } from '../gcp/clean';\nexport const c = g;\n",
};

/** Planted files that report no violation of their own (the other half of a cycle). */
const PLANTED_TOO: Record<string, string> = {};

/** rule → the planted files (the `from` of each violation it must report). */
const PLANTED: Record<string, Record<string, string>> = {
  // A type-only import counts.
  'serving-imports-serving': { 'src/serving/plant/typeFromProtocol.ts': "import type { P } from '../../protocol/p';\nexport type Q = P;\n" },
  'serving-no-node': { 'src/serving/plant/readsFs.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n" },
  'serving-pure-not-node': { 'src/serving/plant/usesNodeReader.ts': "import { read } from '../node/reader';\nexport const r = read;\n" },
  // src/common/errors.ts (pure error types) is allowed; the rest of common is not.
  'protocol-imports-protocol-serving': { 'src/protocol/plant.ts': "import { w } from '../common/usesVscode';\nexport const e = w;\n" },
  'protocol-not-node': { 'src/protocol/plantNode.ts': "import { read } from '../serving/node/reader';\nexport const r = read;\n" },
  'webview-imports-webview-protocol-serving': { 'webview/plant.ts': "import { UserError } from '../src/common/errors';\nexport const e = UserError;\n" },
  'webview-not-node': { 'webview/plantNode.ts': "import { read } from '../src/serving/node/reader';\nexport const r = read;\n" },
  // src/common/errors.ts is the one common file gcp may import (pure error types).
  'gcp-imports-gcp-serving': { 'src/gcp/plant.ts': "import { w } from '../common/usesVscode';\nexport const e = w;\n" },
  'gcp-no-vscode': { 'src/gcp/plantVscode.ts': "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" },
  'common-not-gcp-features': { 'src/common/plant.ts': "import { g } from '../gcp/clean';\nexport const x = g;\n" },
  'operations-no-vscode': { 'src/operations/plant.ts': "import { a } from '../features/a/clean';\nexport const x = a;\n" },
  'features-not-each-other': {
    'src/features/logs/plant.ts': "import { a } from '../a/clean';\nexport const x = a;\n",
    'src/features/deploy/newFile.ts': "import { tree } from '../explorer/servicesTree';\nexport const x = tree;\n",
  },
  'features-not-cli': { 'src/features/a/plantCli.ts': "import { c } from '../../cli/clean';\nexport const x = c;\n" },
  'cli-no-vscode-features': { 'src/cli/plant.ts': "import { a } from '../features/a/clean';\nexport const x = a;\n" },
  // No direct import: vscode is reached through a src/common file.
  'cli-never-reaches-vscode': { 'src/cli/plantReach.ts': "import { w } from '../common/usesVscode';\nexport const x = w;\n" },
  // depcruise reports a cycle once, from its first module.
  'no-circular': { 'src/serving/plant/cycleA.ts': "import { b } from './cycleB';\nexport const a = () => b;\n" },
};
PLANTED_TOO['src/serving/plant/cycleB.ts'] = "import { a } from './cycleA';\nexport const b = () => a;\n";

interface Violation { rule: { name: string }; from: string; to: string }

/** The violations (JSON report), and the exit status of the same run as typecheck runs it (`err` report). */
function cruise(files: Record<string, string>): { status: number | null; violations: Violation[]; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'import-rules-'));
  try {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
    }
    // 'vscode' and protobufjs resolve as in the repository.
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const run = (type: string) => spawnSync(process.execPath, [bin, 'src', 'webview', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', type], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const json = run('json');
    assert.equal(json.status, 0, json.stderr);
    const asTypecheck = run('err');
    const out = JSON.parse(json.stdout) as { summary: { violations: Violation[] } };
    return { status: asTypecheck.status, violations: out.summary.violations, stderr: asTypecheck.stdout + asTypecheck.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import rules (dependency-cruiser)', function () {
  this.timeout(60_000);

  it('a tree that obeys the rules passes', () => {
    const r = cruise(CLEAN);
    assert.deepEqual(r.violations.map(v => `${v.rule.name}: ${v.from} → ${v.to}`), []);
    assert.equal(r.status, 0, r.stderr);
  });

  it('each rule fails on its planted violation, and nothing else fails', () => {
    const files = { ...CLEAN, ...PLANTED_TOO };
    for (const plants of Object.values(PLANTED)) Object.assign(files, plants);
    const r = cruise(files);
    const found = new Set(r.violations.map(v => `${v.rule.name} ${v.from}`));
    const expected = new Set(Object.entries(PLANTED).flatMap(([rule, plants]) => Object.keys(plants).map(f => `${rule} ${f}`)));
    assert.deepEqual([...found].sort(), [...expected].sort());
    assert.notEqual(r.status, 0, 'depcruise exits non-zero, so npm run typecheck fails');
  });

  it('every rule of the config has a planted violation here', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] };
    assert.deepEqual(config.forbidden.map(r => r.name).sort(), Object.keys(PLANTED).sort());
  });
});
