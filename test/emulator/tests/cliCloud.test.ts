/**
 * `ml-serving runs|models|services|predict|logs` (dist/cli.js, as a pipeline runs it) against an
 * in-process emulator: the official clients over the wire, exit codes as the help text promises,
 * progress on stderr, bad arguments naming the flag.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, repoRoot, startTestEmulator, waitFor } from './harness';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const SVC = 'cli-ranking';
const NAME = `${PARENT}/services/${SVC}`;

interface Run { code: number; stdout: string; stderr: string }

describe('ml-serving cloud commands against the emulator', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let body: string;

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => new Promise(resolve => {
    execFile(process.execPath, [cli, ...args], { env: { ...env, ...extra }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });

  before(async function () {
    if (!existsSync(cli)) this.skip();
    emu = (await startTestEmulator()).emu;
    env = { PATH: process.env.PATH, HOME: process.env.HOME, MLSERVING_EMULATOR: emu.endpoints.admin };
    // A service as the extension's deploy makes it (the CLI has no deploy: it lives in the extension).
    const r = bundle('run');
    const services = new r.ServicesClient(clientOptions({ kind: 'emulator', endpoints: emu.endpoints }, 'run', r.grpc));
    const [op] = await services.createService({ parent: PARENT, serviceId: SVC, service: {
      labels: { 'managed-by': 'ml-serving' },
      template: {
        containers: [{ image: 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0', ports: [{ containerPort: 8501 }],
          env: [{ name: 'MODEL_NAME', value: 'ranking' }], resources: { limits: { cpu: '1', memory: '2Gi' } },
          volumeMounts: [{ name: 'model', mountPath: '/models/ranking' }] }],
        volumes: [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: ['only-dir=recsys-ranking/pushed_model', 'implicit-dirs'] } }],
      },
    } });
    await op.promise();
    await services.close();
    // The request body from the model's own signature, read by `ml-serving inspect --json`.
    const ins = await run(['inspect', 'gs://demo-project-models/recsys-ranking/pushed_model', '--json']);
    assert.equal(ins.code, 0, ins.stderr + ins.stdout);
    const sig = JSON.parse(ins.stdout).signatures.serving_default;
    const instance = Object.fromEntries(Object.entries(sig.inputs as Record<string, { dtype: string }>).map(([n, t]) => [n, t.dtype === 'DT_STRING' ? 'user_1' : /INT/.test(t.dtype) ? 3 : 1.5]));
    body = JSON.stringify({ instances: [instance] });
  });
  after(async () => { await emu?.stop(); });

  it('services --json: the deployed service with its URL, state and traffic; progress on stderr only', async () => {
    const r = await run(['services', '--project', 'demo-project', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; state: string; detail: string }>;
    const row = rows.find(x => x.name === NAME);
    assert.ok(row, r.stdout);
    assert.equal(row.state, 'ready');
    assert.match(row.detail, /http:\/\/127\.0\.0\.1:\d+ · traffic: latest .*100%/);
    assert.match(r.stderr, /ml-serving: services in demo-project \(us-central1\) via the emulator/);
  });

  it('models and runs: text for a terminal', async () => {
    const m = await run(['models', '--project=demo-project']);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^recsys-ranking v\d+ \[.*\] us-central1 — projects\/demo-project\/locations\/us-central1\/models\/\S+@\d+\n {4}gs:\/\/demo-project-models\//m);
    const r = await run(['runs', '--project', 'demo-project', '--limit', '5', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const runs = JSON.parse(r.stdout) as Array<{ state: string }>;
    assert.ok(runs.length > 0 && runs.length <= 10, `at most 5 pipeline + 5 custom runs: ${runs.length}`);
  });

  it('predict: the model answers (exit 0); a non-2xx answer exits 1; a missing service exits 4', async () => {
    const r = await run(['predict', NAME, '--body', body]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout).predictions), r.stdout);
    assert.match(r.stderr, /HTTP 200 in \d+ ms/);
    const bad = await run(['predict', SVC, '--region', 'us-central1', '--project', 'demo-project', '--body', '{"instances":[{"no_such_input":1}]}']);
    assert.equal(bad.code, 1, bad.stderr + bad.stdout);
    assert.match(bad.stderr, /HTTP 4\d\d/);
    const missing = await run(['predict', `${PARENT}/services/nope`, '--body', body]);
    assert.equal(missing.code, 4, missing.stderr);
    assert.match(missing.stderr, /services\/nope does not exist/);
  });

  it('logs --follow prints the request a predict made, then stops on Ctrl+C with exit 0', async () => {
    const child = spawn(process.execPath, [cli, 'logs', NAME, '--follow', '--minutes', '5'], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { err += d; });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    try {
      await waitFor(() => err.includes('following'), 30_000, `"following" on stderr: ${err}`);
      const before = out.length;
      const p = await run(['predict', NAME, '--body', body]);
      assert.equal(p.code, 0, p.stderr);
      await waitFor(() => /POST 200 .*\/v1\/models\/ranking:predict/.test(out.slice(before)), 30_000, `the request in the followed log:\n${out}`);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
  });

  it('bad arguments exit 2 naming the flag; no emulator exits 3', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['services', '--region', 'mars'], /--region "mars": expected a region/],
      [['runs', '--limit', 'x'], /--limit "x": expected a whole number/],
      [['services', '--follow'], /unknown option "--follow" for services/],
      [['predict', NAME], /--body: required/],
      [['predict', NAME, '--body', '{"x":'], /--body: not JSON/],
      [['predict', 'cli-ranking', '--body', body], /--region: a service id needs exactly one region/],
      [['logs', NAME, '--minutes', '0'], /--minutes "0"/],
      [['services'], /--project: required/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
    const down = await run(['services', '--project', 'demo-project'], { MLSERVING_EMULATOR: 'http://127.0.0.1:9' });
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /is the emulator running\?/);
  });
});
