// In-host: every model of the zoo (real exports by TensorFlow) deploys from the Models tree to the
// container the routing picks, runs in the real Python server with TensorFlow behind the emulator's
// Cloud Run, and answers its metadata and a predict with what TensorFlow computed in process
// (manifest.json). The inspector's signatures equal what TensorFlow reports for the export.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { gcsFileSource, type StorageLike } from '../../src/gcp/storageSource';
import { inspectModelFolder } from '../../src/serving/savedModel/inspect';
import { emulatorAdmin, until, useDemoProject, type ExtensionApi } from './support/extension';
import { assertClose, DEMO_MODEL_OF, tfShape, zooManifest, zooModel, type ZooManifest } from './support/zoo';
import { rawClients } from './support/rawClients';

type Result = {
  service: { name: string; uri?: string; state: string };
  plan: { container: string; modelName: string; modelUri: string; version: string | null };
};

/** The container the routing must pick: the stock binary for standard ops, the Python server for a custom op. */
const EXPECTED_CONTAINER: Record<string, string> = { retrieval: 'native', ranking: 'native', multitask: 'native', tfx_example: 'native', custom_op_retrieval: 'python' };

async function newestVersion(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === model)];
  assert.ok(node, `model ${model} in the Models tree (have ${items.map(i => i.label).join(', ')})`);
  const versions = await a.trees.models.getChildren(node);
  assert.ok(versions.length > 0, `${model} has versions`);
  return versions[0];
}

describe('real TensorFlow serving of the model zoo', function () {
  this.timeout(180_000);
  let a: ExtensionApi;
  let manifest: ZooManifest;

  before(async function () {
    const m = zooManifest();
    if (!emulatorAdmin() || !m) {
      console.log('    (skipped: no emulator with real TensorFlow; node scripts/test.mjs provides one)');
      this.skip();
    }
    manifest = m!;
    const endpoints = await (await fetch(`${emulatorAdmin()}/endpoints`)).json() as { serving?: string };
    assert.equal(endpoints.serving, 'tensorflow', 'the emulator serves with real TensorFlow, not the stand-in');
    a = await useDemoProject();
  });

  for (const zooName of Object.keys(DEMO_MODEL_OF)) {
    it(`${zooName}: deploys to the ${EXPECTED_CONTAINER[zooName]} container, metadata and predict equal TensorFlow's`, async () => {
      const zoo = zooModel(manifest, zooName);
      const serviceName = `real-${zooName.replace(/_/g, '-')}`;
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', await newestVersion(a, DEMO_MODEL_OF[zooName]), { yes: true, serviceName });
      try {
        assert.ok(r, 'the deploy returned a result (see the ML Serving log if not)');
        assert.equal(r.plan.container, EXPECTED_CONTAINER[zooName]);
        assert.equal(r.service.state, 'ready');

        // The product's inspector reads saved_model.pb from the deployed gs:// folder itself: its
        // signatures are TensorFlow's.
        const cloud = await a.services.session.cloud();
        const inspection = await inspectModelFolder(gcsFileSource(rawClients(cloud).storage() as unknown as StorageLike), r.plan.modelUri);
        assert.deepEqual(inspection.errors, []);
        assert.equal(inspection.container, EXPECTED_CONTAINER[zooName]);
        assert.deepEqual(inspection.customOps.map(c => c.op), zoo.custom_ops, 'custom ops, found where TensorFlow put them');
        const inspected = inspection.signatures;
        assert.deepEqual(Object.keys(inspected).sort(), Object.keys(zoo.signatures).sort(), 'signature names');
        for (const [key, sig] of Object.entries(zoo.signatures)) {
          for (const side of ['inputs', 'outputs'] as const) {
            assert.deepEqual(Object.keys(inspected[key][side]).sort(), Object.keys(sig[side]).sort(), `${key} ${side}`);
            for (const [n, t] of Object.entries(sig[side])) {
              assert.equal(inspected[key][side][n].dtype, t.dtype, `${key}.${side}.${n} dtype`);
              assert.deepEqual(inspected[key][side][n].shape, tfShape(t.shape), `${key}.${side}.${n} shape`);
            }
          }
        }

        const client = await rawClients(cloud).auth().getIdTokenClient(r.service.uri!);
        const base = `${r.service.uri}/v1/models/${r.plan.modelName}`;
        const meta = await client.request<any>({ url: `${base}/metadata` });
        const defs = meta.data.metadata.signature_def.signature_def;
        for (const [key, sig] of Object.entries(zoo.signatures)) {
          assert.ok(defs[key], `metadata has signature ${key}`);
          for (const [n, t] of Object.entries(sig.inputs)) {
            assert.equal(defs[key].inputs[n]?.dtype, t.dtype, `metadata ${key}.inputs.${n}`);
            assert.deepEqual(defs[key].inputs[n].tensor_shape.dim.map((d: { size: string }) => Number(d.size)), tfShape(t.shape), `metadata ${key}.inputs.${n} shape`);
          }
        }
        assert.ok(zoo.samples.length > 0, 'the manifest has sample requests');
        for (const sample of zoo.samples) {
          const res = await client.request<any>({ url: `${base}:predict`, method: 'POST', data: sample.request });
          assertClose(res.data, sample.expected, manifest.float_tolerance, `${zooName} ${sample.signature_name}`);
        }
      } finally {
        if (r?.service?.name) await vscode.commands.executeCommand('mlServing.undeploy', { service: r.service.name }, { confirmed: true });
      }
    });
  }

  it('undeploy stops the real server process', async () => {
    const state = async () => (await (await fetch(`${emulatorAdmin()}/state`)).json()) as { revisions: Array<{ name: string; server?: { pid: number } }> };
    const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', await newestVersion(a, 'recsys-ranking'), { yes: true, serviceName: 'real-lifecycle' });
    assert.ok(r);
    const rev = (await state()).revisions.find(x => x.name.startsWith(`${r.service.name}/revisions/`));
    const pid = rev?.server?.pid;
    assert.ok(pid, `the revision runs a real server: ${JSON.stringify(rev)}`);
    const alive = (p: number) => { try { process.kill(p, 0); return true; } catch { return false; } };
    assert.ok(alive(pid), 'the server process runs');
    await vscode.commands.executeCommand('mlServing.undeploy', { service: r.service.name }, { confirmed: true });
    await until(() => !alive(pid), `server process ${pid} to exit after undeploy`, 15_000);
  });
});
