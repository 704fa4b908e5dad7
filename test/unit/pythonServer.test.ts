/**
 * The deploy/ containers' Python tests (deploy/tests, unittest) run as a child process so that
 * `npm test` counts each of them: the Python TF Serving server against real TensorFlow (the model
 * zoo, TF Serving's half_plus_two, the custom op model, warm-up, limits, gunicorn), its HTTP/JSON
 * layer against stand-in models, the upstream TF Serving cases, the native entrypoint and the
 * container files.
 *
 * The interpreter is the venv with TensorFlow that scripts/python-env.mjs makes (MLSERVING_PYTHON
 * when scripts/test.mjs already made it), the zoo the one scripts/model-zoo.mjs exports
 * (MLSERVING_ZOO). Without TensorFlow the suite runs under a plain python3 with flask and numpy and
 * the real-TensorFlow tests skip with the reason; under CI=true they fail instead.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
const runner = path.join(repoRoot, 'deploy', 'tests', 'run_tests.py');
const ci = process.env.CI === 'true';

interface PyRecord {
  id: string;
  description: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
  seconds: number;
}

/** Runs one of the scripts/*.mjs CLIs; its last stdout line, or why it failed. */
function runScript(script: string): { out: string } | { why: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', script)], {
    cwd: repoRoot, encoding: 'utf8', timeout: 30 * 60_000,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status === 0 && last) return { out: last };
  return { why: `node scripts/${script} failed: ${(r.stderr ?? r.error?.message ?? '').trim().split('\n').slice(-3).join(' | ')}` };
}

interface Interpreter {
  exe: string;
  env: Record<string, string>;
  /** Why TensorFlow tests cannot run, when they cannot. */
  noTf?: string;
}

/** The venv with TensorFlow (and the zoo), else a python3 with flask and numpy, or why none. */
function findPython(): Interpreter | { why: string } {
  if (process.env.PYTHON) return { exe: process.env.PYTHON, env: {} };
  let tfPython = process.env.MLSERVING_PYTHON;
  let noTf: string | undefined;
  if (!tfPython) {
    const made = runScript('python-env.mjs');
    if ('out' in made) tfPython = made.out;
    else noTf = made.why;
  }
  if (tfPython) {
    let zoo = process.env.MLSERVING_ZOO;
    if (!zoo) {
      const exported = runScript('model-zoo.mjs');
      if ('why' in exported) return { exe: tfPython, env: {}, noTf: exported.why };
      zoo = exported.out;
    }
    const env: Record<string, string> = { MLSERVING_ZOO: zoo };
    env.MLSERVING_DEMO_OPS_BUILD_DIR = process.env.MLSERVING_DEMO_OPS_BUILD_DIR ?? path.join(repoRoot, '.cache', 'zoo', 'ops-build');
    return { exe: tfPython, env };
  }
  const problems: string[] = [];
  for (const exe of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(exe, ['-c', 'import flask, numpy'], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) problems.push(`${exe}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
    else if (r.status !== 0) problems.push(`${exe}: ${r.stderr.trim().split('\n').pop()}`);
    else return { exe, env: {}, noTf };
  }
  return { why: `no python3 with flask and numpy (${problems.join('; ')}); install python3-flask python3-numpy` };
}

function runPythonSuite(py: Interpreter): { records: PyRecord[]; status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-pytests-'));
  try {
    const report = path.join(dir, 'report.json');
    const r = spawnSync(py.exe, [runner, '--json', report], {
      cwd: repoRoot, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...py.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const records = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')).tests as PyRecord[]) : [];
    return { records, status: r.status, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/ Python tests (TF Serving REST server on real TensorFlow, containers)', () => {
  const python = findPython();
  if (!('exe' in python)) {
    it(`skipped: ${python.why}`, function () {
      console.log(`      deploy/ Python tests skipped: ${python.why}`);
      this.skip();
    });
    return;
  }

  // Run once at load time so every Python test becomes a mocha test of its own.
  const { records, status, output } = runPythonSuite(python);

  it(`the suite runs under ${python.exe} and reports every test`, () => {
    assert.ok(records.length > 0, `no report from ${runner}:\n${output}`);
    const failed = records.filter(r => r.outcome === 'failed').length;
    assert.match(output, /deploy python tests: \d+ passed, \d+ failed, \d+ skipped/);
    assert.equal(status, failed === 0 ? 0 : 1, output);
  });

  it('runs the real-TensorFlow tests (a Python with TensorFlow; CI=true requires it)', function () {
    const real = records.filter(r => r.id.startsWith('test_real_tensorflow.'));
    if (python.noTf !== undefined && !ci) {
      console.log(`      real-TensorFlow tests skipped: ${python.noTf}`);
      this.skip();
    }
    assert.equal(python.noTf, undefined, python.noTf);
    assert.ok(real.length >= 15, `expected the real-TensorFlow tests in the report, got ${real.length}`);
    // Without ../shared beside the project (a user's clone) the fixture tests skip; CI=true requires them.
    const fixtureSkip = (r: PyRecord) => !ci && r.outcome === 'skipped' && /fixtures absent/.test(r.detail);
    assert.deepEqual(real.filter(r => r.outcome !== 'passed' && !fixtureSkip(r)).map(r => `${r.id}: ${r.outcome} ${r.detail.slice(0, 300)}`), []);
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
