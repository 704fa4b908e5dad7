// The exact Service the extension deploys (buildService) runs on the emulator: the version folder
// mounted at /models/NAME/VERSION is found, the stand-in serves the demo model's real signature.
import { strict as assert } from 'node:assert';
import { buildService, DEFAULT_DEPLOY } from '../../../src/serving/deploy/serviceSpec';
import type { Emulator } from '../emulator';
import { bundle, clientOptions, PARENT, startTestEmulator } from './harness';

describe('emulator runs the service spec the extension builds', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let services: any;

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    const run = bundle('run');
    services = new run.ServicesClient(clientOptions(started.conn, 'run', run.grpc));
  });
  after(async () => { await services?.close(); await emu?.stop(); });

  it('native container, version folder mount: ready, metadata from the real saved_model.pb, ID token required', async () => {
    const folder = emu.demo!.modelFolders['recsys-retrieval'];
    const versions = require('node:fs').readdirSync(require('node:path').join(emu.dataDir, folder.replace('gs://', ''))) as string[];
    const version = versions.sort().at(-1)!;
    const spec = buildService({ ...DEFAULT_DEPLOY, serviceName: 'spec-native', region: 'us-central1', project: 'demo-project',
      image: 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0', container: 'native', modelName: 'recs',
      modelUri: `${folder}/${version}/`, version, links: {} });
    const [op] = await services.createService({ parent: PARENT, serviceId: 'spec-native', service: spec });
    const [svc] = await op.promise();
    assert.ok(svc.uri);
    assert.equal((await fetch(`${svc.uri}/v1/models/recs`)).status, 403);
    const token = emu.identity.issueIdToken(svc.uri);
    const res = await fetch(`${svc.uri}/v1/models/recs/metadata`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const body = await res.json() as any;
    assert.equal(body.model_spec.version, version);
    assert.deepEqual(Object.keys(body.metadata.signature_def.signature_def.serving_default.inputs).sort(), ['city', 'customer_id', 'revenue']);
    const pred = await fetch(`${svc.uri}/v1/models/recs:predict`, { method: 'POST', headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ instances: [{ customer_id: 'c1', city: 'Berlin', revenue: 10 }] }) });
    assert.equal(pred.status, 200);
    const p = await pred.json() as any;
    assert.equal(p.predictions[0].product_ids.length, 10);
  });
});
