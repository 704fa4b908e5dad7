/**
 * `ml-serving deploy | traffic | compare` (dist/cli.js, as a pipeline runs it) against an
 * in-process emulator serving the model zoo with real TensorFlow when MLSERVING_PYTHON and
 * MLSERVING_ZOO are set (node scripts/test.mjs sets them; CI requires them), else its stand-in:
 * deploy a model, predict it, follow its log, move a canary, the exit codes the help promises,
 * and no change without --yes or a terminal.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { assertClose } from '../../integration/support/zoo';
import { PARENT, repoRoot, startTestEmulator, waitFor } from './harness';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const SVC = 'cli-deployed';
const NAME = `${PARENT}/services/${SVC}`;
const MODEL = 'gs://demo-project-models/recsys-ranking/pushed_model';

interface Run { code: number; stdout: string; stderr: string }

describe('ml-serving deploy, traffic and compare against the emulator', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let request: unknown;
  let expected: unknown[] | undefined;
  let tolerance = 1e-4;

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => new Promise(resolve => {
    // execFile gives the child no terminal: the CLI must not wait for an answer.
    execFile(process.execPath, [cli, ...args], { env: { ...env, ...extra }, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
  const services = async () => JSON.parse((await run(['services', '--project', 'demo-project', '--json'])).stdout) as Array<{ name: string; detail: string }>;
  const traffic = async () => (await services()).find(s => s.name === NAME)?.detail.replace(/^.*traffic: /, '');

  before(async function () {
    if (!existsSync(cli)) this.skip();
    const python = process.env.MLSERVING_PYTHON;
    const zoo = process.env.MLSERVING_ZOO;
    if ((!python || !zoo) && process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow (node scripts/test.mjs sets them)');
    emu = (await startTestEmulator(python && zoo ? { python, zooDir: zoo } : {})).emu;
    env = { PATH: process.env.PATH, HOME: process.env.HOME, MLSERVING_EMULATOR: emu.endpoints.admin };
    if (python && zoo) {
      const manifest = JSON.parse(readFileSync(path.join(zoo, 'manifest.json'), 'utf8'));
      tolerance = manifest.float_tolerance ?? tolerance;
      const sample = manifest.models.find((m: { name: string }) => m.name === 'ranking').samples.find((x: { signature_name: string }) => x.signature_name === 'serving_default');
      request = sample.request;
      expected = sample.expected.predictions;
    } else {
      // The stand-in answers any instances with the signature's inputs (read by `ml-serving inspect`).
      const ins = await run(['inspect', MODEL, '--json']);
      const sig = JSON.parse(ins.stdout).signatures.serving_default;
      request = { instances: [Object.fromEntries(Object.entries(sig.inputs as Record<string, { dtype: string }>).map(([n, t]) => [n, t.dtype === 'DT_STRING' ? 'user_1' : /INT/.test(t.dtype) ? 3 : 1.5]))] };
    }
  });
  after(async () => { await emu?.stop(); });

  it('deploy without --yes and without a terminal refuses (exit 5), prints the plan, and creates nothing', async () => {
    const r = await run(['deploy', MODEL, '--service', SVC, '--project', 'demo-project']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /Deploy cli-deployed to Cloud Run\?/);
    assert.match(r.stderr, /New service cli-deployed in us-central1 \(demo-project\)/);
    assert.match(r.stderr, /pass --yes to confirm non-interactively; nothing was changed/);
    assert.equal(r.stdout, '');
    assert.equal((await services()).some(s => s.name === NAME), false, 'no service was created');
  });

  it('deploy --yes creates the service; predict answers as TensorFlow did; logs --follow shows the request', async () => {
    const r = await run(['deploy', MODEL, '--service', SVC, '--project', 'demo-project', '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.outcome, 'deployed');
    assert.equal(out.service, NAME);
    assert.match(out.uri, /^http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.stderr, /ml-serving: deploying .*cli-deployed \(new service\)/);

    const child = spawn(process.execPath, [cli, 'logs', NAME, '--follow', '--minutes', '5'], { env });
    let log = '';
    let err = '';
    child.stdout.on('data', d => { log += d; });
    child.stderr.on('data', d => { err += d; });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    try {
      await waitFor(() => err.includes('following'), 30_000, `"following" on stderr: ${err}`);
      const p = await run(['predict', NAME, '--body', JSON.stringify(request)]);
      assert.equal(p.code, 0, p.stderr + p.stdout);
      const predictions = JSON.parse(p.stdout).predictions;
      assert.ok(Array.isArray(predictions), p.stdout);
      // Real TensorFlow: the answer TensorFlow computed in process for the zoo's sample.
      if (expected) assertClose(predictions, expected, tolerance, 'predictions');
      await waitFor(() => /POST 200 .*\/v1\/models\/\S+:predict/.test(log), 30_000, `the request in the followed log:\n${log}`);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
  });

  it('a redeploy with more memory makes a new revision and keeps the rest; the same again changes nothing', async () => {
    const r = await run(['deploy', MODEL, '--service', SVC, '--project', 'demo-project', '--memory', '8Gi', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /New revision of cli-deployed/);
    assert.match(r.stderr, /memory.*: 4Gi → 8Gi/);
    assert.match(r.stdout, /cli-deployed is serving at http:\/\/127\.0\.0\.1:\d+ \(revision cli-deployed-\S+\)/);
    const same = await run(['deploy', MODEL, '--service', SVC, '--project', 'demo-project', '--yes', '--json']);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(JSON.parse(same.stdout).outcome, 'unchanged');
  });

  it('traffic: a canary gets 10%, promote gives it all; without --yes nothing moves (exit 5)', async () => {
    const revisions = (await (await fetch(`${emu.endpoints.admin}/state`)).json() as { revisions: Array<{ name: string; ready: boolean }> }).revisions
      .filter(x => x.name.startsWith(`${NAME}/revisions/`) && x.ready).map(x => x.name.split('/').pop()!).sort();
    assert.ok(revisions.length >= 2, revisions.join(', '));
    const [first] = revisions;
    const before = await traffic();
    const refused = await run(['traffic', NAME, '--canary', first, '--percent', '10']);
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(refused.stderr, /Send 10% of cli-deployed's traffic to .*\?/);
    assert.equal(await traffic(), before, 'traffic unchanged');

    const c = await run(['traffic', SVC, '--region', 'us-central1', '--project', 'demo-project', '--canary', first, '--percent', '10', '--yes', '--json']);
    assert.equal(c.code, 0, c.stderr);
    const split = JSON.parse(c.stdout).traffic as Array<{ revision: string; percent: number; tag?: string }>;
    assert.deepEqual(split.find(t => t.revision === first), { revision: first, percent: 10, tag: 'canary' });
    assert.equal(split.reduce((a, t) => a + t.percent, 0), 100);
    assert.match(await traffic() ?? '', new RegExp(`${first}.*10%`));

    const p = await run(['traffic', NAME, '--promote', '--yes']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`${first} now gets 100% of the traffic`));
    const back = await run(['traffic', NAME, '--rollback', revisions[revisions.length - 1], '--yes']);
    assert.equal(back.code, 0, back.stderr);
  });

  it('compare: the same requests to two revisions, a verdict; JSON for pipelines', async () => {
    const revisions = (await (await fetch(`${emu.endpoints.admin}/state`)).json() as { revisions: Array<{ name: string; ready: boolean }> }).revisions
      .filter(x => x.name.startsWith(`${NAME}/revisions/`) && x.ready).map(x => x.name.split('/').pop()!).sort();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cli-compare-')), 'requests.jsonl');
    writeFileSync(file, `${JSON.stringify(request)}\n${JSON.stringify(request)}\n`);
    const r = await run(['compare', NAME, '--a', revisions[0], '--b', revisions[1], '--requests', file, '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.rows.length, 2);
    assert.equal(typeof out.summary.verdict, 'string');
    assert.match(r.stderr, /Add tags? cmp-/);
  });

  it('bad arguments exit 2 naming the flag; a missing service exits 4', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['deploy', MODEL, '--project', 'demo-project'], /--service: required/],
      [['deploy', 'models/x', '--service', SVC], /<model> "models\/x": expected gs:\/\/BUCKET\/PATH/],
      [['deploy', MODEL, '--service', 'Bad_Name'], /--service "Bad_Name": a service name/],
      [['deploy', MODEL, '--service', SVC, '--memory', '3x'], /--memory "3x": expected a memory limit/],
      [['deploy', MODEL, '--service', SVC, '--max-instances', '0'], /--max-instances "0": expected a whole number from 1 to 1000/],
      [['deploy', MODEL, '--service', SVC, '--project', 'demo-project', '--container', 'python', '--memory', '1Gi', '--yes'], /--memory: the Python server needs at least 2Gi/],
      [['traffic', NAME, '--canary', 'r1'], /--percent: required with --canary/],
      [['traffic', NAME, '--canary', 'r1', '--percent', '100'], /--percent "100": expected a whole number from 1 to 99/],
      [['traffic', NAME, '--promote', '--rollback', 'r1'], /give one of --canary/],
      [['traffic', NAME], /give one of --canary/],
      [['compare', NAME, '--a', 'r1', '--b', 'r1', '--requests', 'x'], /--b: must differ from --a/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
    const missing = await run(['traffic', `${PARENT}/services/nope`, '--promote', '--yes']);
    assert.equal(missing.code, 4, missing.stderr);
    assert.match(missing.stderr, /services\/nope does not exist/);
  });
});
