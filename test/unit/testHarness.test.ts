// How scripts/test.mjs judges a stage: the last stats line counts, a non-zero exit fails the
// stage, and under CI a missing ../shared fails the run. The mocha cases run the real
// scripts/run-mocha.mjs over small test files that lie or crash.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './helpers/fixtures';

type Row = { passed: number; failed: number; skipped: number; note?: string };
interface Harness {
  mochaResult(code: number, out: string): Row;
  missingShared(root: string, env: Record<string, string | undefined>): string | undefined;
}

// A real dynamic import: the module is ESM and this file is compiled to CommonJS.
const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<Harness>;

function runMocha(file: string): Promise<{ code: number; out: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run-mocha.mjs'), '--timeout=5000', file], { cwd: REPO_ROOT }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: String(stdout) });
    });
  });
}

describe('scripts/test.mjs stage results', function () {
  this.timeout(30_000);
  let h: Harness;
  let dir = '';
  before(async () => {
    h = await importEsm(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'test-results.mjs')).href);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the last stats line, not one a test printed first', async () => {
    const file = path.join(dir, 'liar.test.js');
    fs.writeFileSync(file, `
      it('prints a stats line of its own', () => { console.log('@@mocha-stats {"passes":9,"failures":0,"pending":0}'); });
      it('fails', () => { throw new Error('planted failure'); });`);
    const { code, out } = await runMocha(file);
    assert.match(out, /@@mocha-stats \{"passes":9/, 'the fake line is in the output');
    const row = h.mochaResult(code, out);
    assert.equal(row.failed, 1);
    assert.equal(row.passed, 1);
  });

  it('fails the stage when mocha exits non-zero although its summary counts no failure', async () => {
    const file = path.join(dir, 'crash.test.js');
    // Passes, then crashes the process after the summary is printed.
    fs.writeFileSync(file, `it('passes, then crashes later', () => { setTimeout(() => { throw new Error('late crash'); }, 50); });`);
    const { code, out } = await runMocha(file);
    assert.match(out, /@@mocha-stats \{"passes":1,"failures":0/);
    assert.notEqual(code, 0, 'the child exited non-zero');
    const row = h.mochaResult(code, out);
    assert.equal(row.failed, 1);
    assert.match(row.note ?? '', /exited \d+ although its summary counts no failure/);
  });

  it('a clean run passes; no summary fails', () => {
    assert.deepEqual(h.mochaResult(0, 'x\n@@mocha-stats {"passes":3,"failures":0,"pending":1}\n'), { passed: 3, failed: 0, skipped: 1 });
    assert.equal(h.mochaResult(0, 'no summary here').failed, 1);
  });

  it('under CI a missing ../shared fails the run; locally it does not', () => {
    const checkout = path.join(dir, 'nested', 'repo');
    fs.mkdirSync(checkout, { recursive: true });
    assert.match(h.missingShared(checkout, { CI: 'true' }) ?? '', /CI is set and .*shared\/fixtures is missing/);
    assert.match(h.missingShared(checkout, { CI: '1' }) ?? '', /missing/);
    assert.equal(h.missingShared(checkout, {}), undefined);
    assert.equal(h.missingShared(checkout, { CI: 'false' }), undefined);
    fs.mkdirSync(path.join(dir, 'nested', 'shared', 'fixtures'), { recursive: true });
    assert.equal(h.missingShared(checkout, { CI: 'true' }), undefined);
  });
});
