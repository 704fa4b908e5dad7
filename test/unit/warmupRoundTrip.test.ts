/**
 * The warm-up round trip: saved payloads (a real requests.json) → the product's encoder → the
 * product's Cloud Storage write (the real Storage client, uploading to the GCS emulator) → the
 * file on the emulator's disk read back by TensorFlow itself and replayed by the real Python
 * server when it loads the zoo's retrieval model from that folder.
 *
 * Needs the venv with TensorFlow and the model zoo (MLSERVING_PYTHON, MLSERVING_ZOO: scripts/test.mjs
 * sets both); skips without them, fails under CI=true.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Storage } from '@google-cloud/storage';
import type { GcpClients } from '../../src/gcp/clients';
import { gcsFileSource, type StorageLike } from '../../src/gcp/storageSource';
import { gcsObjectExists, writeGcsObject } from '../../src/gcp/storageWrite';
import { inspectModelFolder } from '../../src/serving/savedModel/inspect';
import { buildWarmupFile, WARMUP_FILE, type SignatureInputs } from '../../src/serving/warmup/fromPayloads';
import { fileStore, PayloadStore } from '../../src/features/shared/payloadStore';
import { startGcsServer, type GcsServer } from '../emulator/gcs/server';

const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

describe('warm-up round trip through Cloud Storage, TensorFlow and the Python server', function () {
  this.timeout(180_000);
  let tmp: string;
  let gcs: GcsServer;
  let python: string;
  let zooRetrieval: string;

  before(async function () {
    python = process.env.MLSERVING_PYTHON ?? '';
    const zoo = process.env.MLSERVING_ZOO ?? '';
    if (!python || !zoo) {
      if (process.env.CI === 'true') throw new Error('MLSERVING_PYTHON and MLSERVING_ZOO must be set under CI (node scripts/test.mjs sets them)');
      console.log('    (skipped: no Python with TensorFlow; node scripts/test.mjs provides MLSERVING_PYTHON and MLSERVING_ZOO)');
      this.skip();
    }
    const manifest = JSON.parse(readFileSync(path.join(zoo, 'manifest.json'), 'utf8')) as { models: Array<{ name: string; path: string }> };
    const retrieval = manifest.models.find(m => m.name === 'retrieval');
    assert.ok(retrieval, 'the zoo has the retrieval model');
    zooRetrieval = path.join(zoo, retrieval.path);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'warmup-rt-'));
    // The bucket "models" holds a copy of the zoo export as models/retrieval/<version>/.
    const target = path.join(tmp, 'gcs', 'models', 'retrieval', path.basename(zooRetrieval));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(zooRetrieval, target, { recursive: true });
    rmSync(path.join(target, 'assets.extra'), { recursive: true, force: true }); // the exporter's own warm-up file
    gcs = await startGcsServer(path.join(tmp, 'gcs'));
  });
  after(async () => {
    await gcs?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('TensorFlow reads back every saved payload as a PredictionLog and the server replays them before it is available', async () => {
    // Saved payloads as Test Prediction writes them (.vscode/ml-serving/requests.json).
    const payloads = new PayloadStore(fileStore(path.join(tmp, 'ws', '.vscode', 'ml-serving', 'requests.json')), { get: () => undefined, update: async () => undefined });
    const svc = 'projects/p/locations/us-central1/services/recsys';
    payloads.save(svc, { name: 'rows', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_42', hour_of_day: 9 }, { user_id: 'someone_new', hour_of_day: 21.5 }] }) });
    payloads.save(svc, { name: 'columns', signature: '', body: JSON.stringify({ inputs: { user_id: ['user_7'], hour_of_day: [3] } }) });
    payloads.save(svc, { name: 'wrong-signature', signature: 'nope', body: JSON.stringify({ inputs: { user_id: ['x'], hour_of_day: [1] } }) });

    const storage = new Storage({ apiEndpoint: gcs.url, projectId: 'p' });
    const clients = { storage: () => storage } as unknown as GcpClients;
    const inspection = await inspectModelFolder(gcsFileSource(storage as unknown as StorageLike), 'gs://models/retrieval');
    assert.deepEqual(inspection.errors, []);
    const signatures: SignatureInputs = Object.fromEntries(Object.entries(inspection.signatures)
      .map(([k, s]) => [k, Object.fromEntries(Object.entries(s.inputs).map(([n, t]) => [n, { dtype: t.dtype }]))]));
    const file = buildWarmupFile(payloads.list(svc), 'retrieval', signatures);
    assert.equal(file.records, 2);
    assert.deepEqual(file.skipped.map(s => s.name), ['wrong-signature']);
    const uri = `${inspection.modelDir}/${WARMUP_FILE}`;
    assert.equal(await gcsObjectExists(clients, uri), false);
    await writeGcsObject(clients, uri, file.bytes);
    assert.equal(await gcsObjectExists(clients, uri), true);
    const onDisk = path.join(tmp, 'gcs', 'models', 'retrieval', path.basename(zooRetrieval), 'assets.extra', 'tf_serving_warmup_requests');
    assert.ok(existsSync(onDisk), 'the upload landed in the version folder');
    assert.deepEqual(readFileSync(onDisk), Buffer.from(file.bytes));

    const r = spawnSync(python, [path.join(repoRoot, 'test', 'unit', 'helpers', 'warmup_readback.py'), path.join(repoRoot, 'deploy', 'tf_serving_python'), path.join(tmp, 'gcs', 'models'), 'retrieval'], { encoding: 'utf8', timeout: 170_000 });
    assert.equal(r.status, 0, `python failed: ${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      records: Array<{ kind: string; model: string; signature: string; inputs: Record<string, { dtype: string; shape: number[]; values: unknown[] }> }>;
      log: string[];
    };
    // payloads.list sorts by name: "columns" then "rows".
    assert.deepEqual(out.records, [
      { kind: 'predict_log', model: 'retrieval', signature: 'serving_default', inputs: {
        user_id: { dtype: 'string', shape: [1], values: ['user_7'] }, hour_of_day: { dtype: 'float32', shape: [1], values: [3] } } },
      { kind: 'predict_log', model: 'retrieval', signature: 'serving_default', inputs: {
        user_id: { dtype: 'string', shape: [2], values: ['user_42', 'someone_new'] }, hour_of_day: { dtype: 'float32', shape: [2], values: [9, 21.5] } } },
    ]);
    const log = out.log.join('\n');
    assert.match(log, /Number of warmup records read: 2\./);
    const available = out.log.findIndex(l => /AVAILABLE/.test(l));
    const replayed = out.log.findIndex(l => /Number of warmup records read/.test(l));
    assert.ok(available < 0 || replayed < available, 'replayed before the model is reported available');
  });
});
