/**
 * Runs the built CLI (dist/cli.js, bin `ml-serving`) as a user would. Rebuilds it with
 * `node scripts/build.mjs --only=ext` when a source it bundles is newer than the bundle.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { encodeSavedModel } from '../../src/serving/savedModel/encode';
import { makeTempTree, modelFiles, plainSpec, removeTree, repoRoot, savedModelsDir, scannSpec, skipWithoutFixtures, tfServingModels } from './helpers/savedModelFixtures';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureCliBuilt(): void {
  const sources = ['src/cli', 'src/serving', 'src/gcp'].map(d => newestMtime(path.join(repoRoot, d)));
  if (existsSync(cli) && statSync(cli).mtimeMs >= Math.max(...sources)) return;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--only=ext'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
  // The ext build also builds the extension; judge only the CLI bundle (it is written even if another entry fails).
  if (!existsSync(cli) || statSync(cli).mtimeMs < started - 1000) {
    throw new Error(`building dist/cli.js failed (exit ${r.status}):\n${r.stderr}`);
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise(resolve => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, MLSERVING_EMULATOR: undefined, ...env };
    for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
    execFile(process.execPath, [cli, ...args], { env: childEnv, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ml-serving CLI (dist/cli.js)', function () {
  this.timeout(200_000);
  const temp: string[] = [];
  before(function () {
    ensureCliBuilt();
  });
  after(function () {
    for (const d of temp) removeTree(d);
  });

  it('--help prints usage, exit 0', async function () {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ml-serving <command>/);
    assert.match(r.stdout, /inspect <folder\|gs:\/\/bucket\/path>/);
  });

  it('inspect on a fixture folder: readable report, exit 0', async function () {
    skipWithoutFixtures(this);
    const dir = path.join(tfServingModels, 'saved_model_half_plus_two_2_versions');
    const r = await run(['inspect', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, /^Model\s+.*saved_model_half_plus_two_2_versions$/m);
    assert.match(out, /^Format\s+SavedModel$/m);
    assert.match(out, /^Versions\s+00000123, 00000124 \(TF Serving serves 00000124\)$/m);
    assert.match(out, /^Meta graph\s+tags \[serve\], TensorFlow 1\.1\.0-rc2$/m);
    assert.match(out, /^ {2}serving_default {2}\(tensorflow\/serving\/predict\)\n {4}in {2}x: DT_FLOAT \[-1, 1\]\n {4}out y: DT_FLOAT \[-1, 1\]$/m);
    assert.match(out, /^Custom ops {2}none$/m);
    assert.match(out, /^Container\s+native TF Serving/m);
    assert.match(out, /no custom ops; TF Serving 2\.19 runs every op in the graph/);
    assert.match(out, /! 2 versions \(00000123, 00000124\): TF Serving serves only the highest, 00000124/);
    assert.match(out, /^Servable: yes \(native\)$/m);
  });

  it('inspect --json prints exactly one JSON object with the inspection', async function () {
    skipWithoutFixtures(this);
    const r = await run(['inspect', path.join(savedModelsDir, 'tfx/pusher/model_push'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const obj = JSON.parse(r.stdout); // throws if there is anything else on stdout
    assert.equal(obj.format, 'saved_model');
    assert.equal(obj.version, '1584391735');
    assert.deepEqual(obj.versions, ['1584391735']);
    assert.equal(obj.signatures.serving_default.method, 'tensorflow/serving/classify');
    assert.deepEqual(obj.signatures.serving_default.inputs.inputs, { name: 'input_example_tensor:0', dtype: 'DT_STRING', shape: [-1] });
    assert.equal(obj.container, 'native');
    assert.deepEqual(obj.errors, []);
  });

  it('not servable (SessionBundle, TFLite): exit 1 with the error, also in --json', async function () {
    skipWithoutFixtures(this);
    const bad = await run(['inspect', path.join(tfServingModels, 'bad_half_plus_two')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^ {2}x .*bad_half_plus_two\/00000123: a legacy TF1 SessionBundle export/m);
    assert.match(bad.stdout, /^Servable: no$/m);
    const tflite = await run(['inspect', path.join(tfServingModels, 'saved_model_half_plus_two_tflite'), '--json']);
    assert.equal(tflite.code, 1);
    const obj = JSON.parse(tflite.stdout);
    assert.equal(obj.format, 'tflite');
    assert.equal(obj.container, 'none');
    assert.match(obj.errors[0], /TensorFlow Lite/);
  });

  it('ScaNN model: python container, the op and its library function in the report', async function () {
    const dir = makeTempTree(modelFiles(scannSpec, '1700000000/'));
    temp.push(dir);
    const r = await run(['inspect', dir, '--label', 'retrieval_algorithm=scann']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}Scann>ScannSearchBatched {2}\(ScaNN, pip scann\)\n {4}in library function __inference_call_1234$/m);
    assert.match(r.stdout, /^Container\s+Python server/m);
    assert.match(r.stdout, /retrieval_algorithm=scann agrees with the graph/);
    assert.match(r.stdout, /^Servable: yes \(python\)$/m);
  });

  it('ScaNN model forced into native TF Serving: not servable, exit 1, and the JSON says so (issue 16 item 2)', async function () {
    const dir = makeTempTree(modelFiles(scannSpec, '1700000000/'));
    temp.push(dir);
    const forced = await run(['inspect', dir, '--container', 'native', '--json']);
    assert.equal(forced.code, 1, 'a forced container that will fail is not servable');
    const obj = JSON.parse(forced.stdout);
    assert.equal(obj.container, 'native');
    assert.equal(obj.servable, false);
    assert.equal(obj.errorCode, 'container-will-fail');
    assert.ok(obj.errors.some((e: string) => e.includes("Op type not registered 'Scann>ScannSearchBatched'") && e.includes('the Python server can')), obj.errors.join('\n'));
    const text = await run(['inspect', dir, '--container', 'native']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^Servable: no \(not in the forced native container\)$/m);
    assert.doesNotMatch(text.stdout, /Servable: yes/);
    // The routing's own choice serves it: exit 0 with the same folder.
    const python = await run(['inspect', dir, '--container', 'python', '--json']);
    assert.equal(python.code, 0, python.stdout);
    assert.equal(JSON.parse(python.stdout).servable, true);
  });

  it('a valid SavedModel without a serve meta graph: no-serve-tag naming its tags, not "corrupt" (issue 16 item 3)', async function () {
    const dir = makeTempTree({ '1/saved_model.pb': encodeSavedModel({ ...plainSpec, tags: [] }) });
    temp.push(dir);
    const r = await run(['inspect', dir, '--json']);
    assert.equal(r.code, 1);
    const obj = JSON.parse(r.stdout);
    assert.equal(obj.errorCode, 'no-serve-tag');
    assert.equal(obj.servable, false);
    assert.match(obj.errors[0], /no meta graph tagged exactly 'serve' \(found \[\] \(untagged, as in a TF1 Hub module\)\); the SavedModel is valid, but TF Serving loads the 'serve' meta graph/);
    const text = await run(['inspect', dir]);
    assert.match(text.stdout, /^Meta graph\s+tags \[\]/m);
    assert.doesNotMatch(text.stdout, /damaged|not a SavedModel/);
  });

  it('missing folder: exit 1, error names it', async function () {
    const dir = makeTempTree({ 'x.txt': 'x' });
    temp.push(dir);
    const r = await run(['inspect', path.join(dir, 'nope')]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout.includes(`x ${path.join(dir, 'nope')}: no such folder`), r.stdout);
  });

  it('bad usage: exit 2 and a message naming the argument, on stderr', async function () {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /ml-serving: unknown command "frobnicate"/],
      [['inspect'], /ml-serving: inspect: missing <folder\|gs:\/\/bucket\/path>/],
      [['inspect', '/m', '--yaml'], /ml-serving: unknown option "--yaml" for inspect/],
      [['inspect', 'gs://UPPER/m'], /ml-serving: bad Cloud Storage path "gs:\/\/UPPER\/m"/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re);
      assert.match(r.stderr, /Run "ml-serving --help" for usage/);
      assert.equal(r.stdout, '');
    }
  });

  it('gs:// with a malformed MLSERVING_EMULATOR: exit 2 naming the variable', async function () {
    const r = await run(['inspect', 'gs://bucket/m'], { MLSERVING_EMULATOR: 'localhost:9' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MLSERVING_EMULATOR="localhost:9": expected the emulator's admin URL/);
  });

  it('gs:// via MLSERVING_EMULATOR: reads /endpoints, then lists and downloads with the Storage client', async function () {
    const pb = encodeSavedModel(plainSpec);
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}`);
      const json = (body: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (url.pathname === '/endpoints') return json({ vertex: '127.0.0.1:1', run: '127.0.0.1:1', logging: '127.0.0.1:1', storage: base, admin: base });
      if (url.pathname === '/storage/v1/b/models/o') {
        const prefix = url.searchParams.get('prefix');
        if (prefix === 'pushed/') return json({ kind: 'storage#objects', prefixes: ['pushed/7/'], items: [] });
        if (prefix === 'pushed/7/') return json({ kind: 'storage#objects', prefixes: ['pushed/7/variables/'], items: [{ kind: 'storage#object', bucket: 'models', name: 'pushed/7/saved_model.pb', size: String(pb.length) }] });
        return json({ kind: 'storage#objects', items: [] });
      }
      if (url.pathname === '/storage/v1/b/models/o/pushed%2F7%2Fsaved_model.pb' || url.pathname === '/storage/v1/b/models/o/pushed/7/saved_model.pb') {
        res.setHeader('content-type', 'application/octet-stream');
        return res.end(Buffer.from(pb));
      }
      res.statusCode = 404;
      json({ error: { code: 404, message: `no route ${url.pathname}` } });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const r = await run(['inspect', 'gs://models/pushed', '--json'], { MLSERVING_EMULATOR: `http://127.0.0.1:${port}` });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const obj = JSON.parse(r.stdout);
      assert.equal(obj.path, 'gs://models/pushed');
      assert.equal(obj.modelDir, 'gs://models/pushed/7');
      assert.equal(obj.version, '7');
      assert.deepEqual(obj.signatures.serving_default.inputs.x, { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] });
      assert.equal(requests[0], 'GET /endpoints');
      assert.ok(requests.some(q => q.startsWith('GET /storage/v1/b/models/o/pushed')), requests.join('\n'));
    } finally {
      server.close();
    }
  });

  it('gs:// with the emulator not running: exit 1 and a message saying so', async function () {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>(resolve => server.close(() => resolve())); // now nothing listens there
    const r = await run(['inspect', 'gs://models/pushed'], { MLSERVING_EMULATOR: `http://127.0.0.1:${port}` });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /MLSERVING_EMULATOR: cannot read the emulator's endpoints from http:\/\/127\.0\.0\.1:\d+\/endpoints .*is the emulator running\?/);
  });
});
