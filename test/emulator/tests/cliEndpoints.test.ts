/**
 * `ml-serving endpoints | endpoint-deploy | endpoint-traffic | endpoint-undeploy` (dist/cli.js, as a
 * pipeline runs it) against an in-process emulator serving the model zoo with real TensorFlow when
 * MLSERVING_PYTHON and MLSERVING_ZOO are set (node scripts/test.mjs sets them; CI requires them):
 * refused without --yes (nothing created), a new endpoint at 100%, a second version as a 10%
 * canary, the split moved to 90/10 of the other way, the canary undeployed.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, repoRoot, startTestEmulator } from './harness';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const EP = 'cli-ranking-ep';

interface Run { code: number; stdout: string; stderr: string }
interface EndpointRow { name: string; displayName: string; deployedModels: Array<{ id: string; version: string; traffic: number }> }

describe('ml-serving endpoint commands against the emulator', function () {
  this.timeout(300_000);
  let emu: Emulator;
  let env: NodeJS.ProcessEnv;
  let model = '';
  let versions: string[] = [];

  const run = (args: string[]): Promise<Run> => new Promise(resolve => {
    // execFile gives the child no terminal: the CLI must not wait for an answer.
    execFile(process.execPath, [cli, ...args], { env, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
  const list = async (): Promise<EndpointRow[]> => {
    const r = await run(['endpoints', '--project', 'demo-project', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const ours = async () => (await list()).find(e => e.displayName === EP);
  const split = (e: EndpointRow) => Object.fromEntries(e.deployedModels.map(d => [d.version, d.traffic]));

  before(async function () {
    if (!existsSync(cli)) this.skip();
    const python = process.env.MLSERVING_PYTHON;
    const zoo = process.env.MLSERVING_ZOO;
    if ((!python || !zoo) && process.env.CI === 'true') throw new Error('MLSERVING_PYTHON / MLSERVING_ZOO are not set: CI serves with real TensorFlow (node scripts/test.mjs sets them)');
    const started = await startTestEmulator(python && zoo ? { python, zooDir: zoo } : {});
    emu = started.emu;
    env = { PATH: process.env.PATH, HOME: process.env.HOME, MLSERVING_EMULATOR: emu.endpoints.admin };
    const v = bundle('vertex');
    const models = new v.ModelServiceClient(clientOptions(started.conn, 'vertex', v.grpc));
    try {
      const [all] = await models.listModels({ parent: PARENT });
      const m = all.find((x: { displayName: string }) => x.displayName === 'recsys-ranking');
      assert.ok(m, 'the demo model recsys-ranking');
      model = m.name;
      const [vs] = await models.listModelVersions({ name: model });
      versions = vs.map((x: { versionId: string }) => x.versionId).sort();
      assert.ok(versions.length >= 2, `two versions of ${model}: ${versions.join(', ')}`);
    } finally {
      await models.close();
    }
  });
  after(async () => { await emu?.stop(); });

  it('--help of each endpoint command is its own', async () => {
    const r = await run(['endpoint-traffic', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ml-serving endpoint-traffic <endpoint> --split DEPLOYED_ID=PCT/);
    assert.doesNotMatch(r.stdout, /inspect <folder/);
  });

  it('endpoint-deploy without --yes and without a terminal refuses (exit 5), prints the plan, and creates nothing', async () => {
    const r = await run(['endpoint-deploy', `${model}@${versions[0]}`, '--new-endpoint', EP]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, new RegExp(`Deploy recsys-ranking v${versions[0]} to a new endpoint "${EP}"\\?`));
    assert.match(r.stderr, /Traffic of a new endpoint/);
    assert.match(r.stderr, /100%/);
    assert.match(r.stderr, /pass --yes to confirm non-interactively; nothing was changed/);
    assert.equal(r.stdout, '');
    assert.equal(await ours(), undefined, 'no endpoint was created');
  });

  it('bad arguments name the flag and change nothing', async () => {
    const r = await run(['endpoint-deploy', `${model}@${versions[0]}`, '--new-endpoint', EP, '--machine-type', 'n1-ultra-999', '--yes']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--machine-type: "n1-ultra-999" is not offered in us-central1/);
    const t = await run(['endpoint-traffic', 'projects/demo-project/locations/us-central1/endpoints/123', '--split', '1=60,2=30']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--split: the shares sum to 90, not 100/);
    assert.equal(await ours(), undefined);
  });

  it('deploy → 100%; a second version as a 10% canary; split moved; canary undeployed', async () => {
    let r = await run(['endpoint-deploy', `${model}@${versions[0]}`, '--new-endpoint', EP, '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout);
    assert.equal(first.outcome, 'deployed');
    let e = (await ours())!;
    assert.ok(e, 'the endpoint is listed');
    assert.deepEqual(split(e), { [versions[0]]: 100 });
    const text = await run(['endpoints', '--project', 'demo-project']);
    assert.match(text.stdout, new RegExp(`${EP}  ${e.name}\\n  ${first.deployedModelId}  recsys-ranking v${versions[0]}  100%`));

    // On an endpoint that takes traffic, the share must be given.
    r = await run(['endpoint-deploy', `${model}@${versions[1]}`, '--endpoint', e.name, '--yes']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--traffic: required/);

    r = await run(['endpoint-deploy', `${model}@${versions[1]}`, '--endpoint', e.name.split('/').pop()!, '--traffic', '10', '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`recsys-ranking v${versions[0]}: 100% → 90%`));
    const canary = JSON.parse(r.stdout).deployedModelId as string;
    e = (await ours())!;
    assert.deepEqual(split(e), { [versions[0]]: 90, [versions[1]]: 10 });

    // Refused without --yes: the split stays.
    r = await run(['endpoint-traffic', e.name, '--split', `${first.deployedModelId}=50,${canary}=50`]);
    assert.equal(r.code, 5, r.stderr);
    assert.deepEqual(split((await ours())!), { [versions[0]]: 90, [versions[1]]: 10 });

    r = await run(['endpoint-traffic', e.name, '--split', `${first.deployedModelId}=10,${canary}=90`, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /90% → 10%/);
    assert.deepEqual(split((await ours())!), { [versions[0]]: 10, [versions[1]]: 90 });

    r = await run(['endpoint-undeploy', e.name, canary, '--yes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).undeployed, canary);
    assert.deepEqual(split((await ours())!), { [versions[0]]: 100 });

    r = await run(['endpoint-undeploy', e.name, 'nope', '--yes']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /<deployedModelId>: no deployed model nope/);
  });
});
