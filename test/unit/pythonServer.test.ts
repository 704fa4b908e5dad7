/**
 * The deploy/ containers' Python tests (deploy/tests, unittest) run as a child process so that
 * `npm test` counts each of them: the Python TF Serving server's HTTP/JSON layer against stand-in
 * models, the upstream TF Serving cases, version selection, the native entrypoint and the
 * container files. Skips with the reason when no python3 with flask and numpy is found
 * (Debian: apt-get install python3-flask python3-numpy). PYTHON=/path/to/python3 picks one.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
const runner = path.join(repoRoot, 'deploy', 'tests', 'run_tests.py');

interface PyRecord {
  id: string;
  description: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
  seconds: number;
}

/** The first interpreter that can import flask and numpy, or why none can. */
function findPython(): { exe: string } | { why: string } {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
  const problems: string[] = [];
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', 'import flask, numpy'], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) problems.push(`${exe}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
    else if (r.status !== 0) problems.push(`${exe}: ${r.stderr.trim().split('\n').pop()}`);
    else return { exe };
  }
  return { why: `no python3 with flask and numpy (${problems.join('; ')}); install python3-flask python3-numpy` };
}

function runPythonSuite(exe: string): { records: PyRecord[]; status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-pytests-'));
  try {
    const report = path.join(dir, 'report.json');
    const r = spawnSync(exe, [runner, '--json', report], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const records = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')).tests as PyRecord[]) : [];
    return { records, status: r.status, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/ Python tests (TF Serving REST server, containers)', () => {
  const python = findPython();
  if (!('exe' in python)) {
    it(`skipped: ${python.why}`, function () {
      console.log(`      deploy/ Python tests skipped: ${python.why}`);
      this.skip();
    });
    return;
  }

  // Run once at load time so every Python test becomes a mocha test of its own.
  const { records, status, output } = runPythonSuite(python.exe);

  it(`the suite runs under ${python.exe} and reports every test`, () => {
    assert.ok(records.length > 0, `no report from ${runner}:\n${output}`);
    const failed = records.filter(r => r.outcome === 'failed').length;
    assert.match(output, /deploy python tests: \d+ passed, \d+ failed, \d+ skipped/);
    assert.equal(status, failed === 0 ? 0 : 1, output);
  });

  const byClass = new Map<string, PyRecord[]>();
  for (const r of records) {
    // "module.Class.test_name" (subtests carry a suffix after the method name).
    const m = /^([^.]+\.[^.]+)\.(.+)$/.exec(r.id);
    const group = m ? m[1] : 'other';
    byClass.set(group, [...(byClass.get(group) ?? []), r]);
  }
  for (const [group, tests] of byClass) {
    describe(group, () => {
      for (const r of tests) {
        const name = r.id.slice(group.length + 1);
        it(r.description ? `${name}: ${r.description}` : name, function () {
          if (r.outcome === 'skipped') {
            console.log(`      skipped: ${r.detail}`);
            this.skip();
          }
          assert.equal(r.outcome, 'passed', r.detail);
        });
      }
    });
  }
});
