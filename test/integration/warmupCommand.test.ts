// In-host, against the emulator (issue 18): Generate Warm-up Requests writes the workspace's saved
// payloads into the model version's assets.extra/tf_serving_warmup_requests in Cloud Storage only
// after a modal naming the object; the file it wrote is read back by TensorFlow and replayed by
// the real Python server (skipped without the venv with TensorFlow; CI fails instead).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorAdmin, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';
import { zooManifest } from './support/zoo';
import { rawClients } from './support/rawClients';

const repoRoot = path.resolve(__dirname, '../../..');
type Bucket = {
  file(n: string): { save(d: Buffer, o: object): Promise<void>; download(): Promise<[Buffer]>; exists(): Promise<[boolean]> };
  getFiles(q: object): Promise<[Array<{ name: string }>]>;
};

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap(n => (statSync(path.join(dir, rel, n)).isDirectory() ? files(dir, path.join(rel, n)) : [path.join(rel, n)]));
}

describe('Generate Warm-up Requests (issue 18)', function () {
  this.timeout(300_000);
  let a: ExtensionApi;
  let tmp = '';

  before(async function () {
    const m = zooManifest();
    if (!emulatorAdmin() || !m || !process.env.MLSERVING_PYTHON || !vscode.workspace.workspaceFolders?.length) {
      console.log('    (skipped: needs the emulator with real TensorFlow and a workspace folder)');
      this.skip();
    }
    a = await useDemoProject();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'warmup-cmd-'));
  });
  after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

  it('asks naming the object, writes saved payloads TensorFlow reads back, and the server replays them', async () => {
    const zoo = zooManifest()!;
    const retrieval = zoo.models.find(m => m.name === 'retrieval')!;
    const local = path.join(process.env.MLSERVING_ZOO!, retrieval.path);
    const cloud = await a.services.session.cloud();
    const bucket = (rawClients(cloud).storage() as unknown as { bucket(b: string): Bucket }).bucket('demo-project-models');
    const prefix = `itest-warmup-${Date.now()}/retrieval`;
    for (const f of files(local).filter(f => !f.startsWith('assets.extra'))) {
      await bucket.file(`${prefix}/${retrieval.version}/${f.split(path.sep).join('/')}`).save(readFileSync(path.join(local, f)), { resumable: false });
    }
    const folder = `gs://demo-project-models/${prefix}`;
    const object = `${folder}/${retrieval.version}/assets.extra/tf_serving_warmup_requests`;

    // Saved payloads, as Test Prediction keeps them in the workspace.
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'ml-serving', 'requests.json');
    let saved: { version: 1; services: Record<string, unknown[]> } = { version: 1, services: {} };
    try { saved = JSON.parse(readFileSync(file, 'utf8')); } catch { /* none yet */ }
    const key = 'projects/demo-project/locations/us-central1/services/itest-warmup';
    saved.services[key] = [
      { name: 'warm rows', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_5', hour_of_day: 8 }, { user_id: 'user_6', hour_of_day: 20 }] }), savedAt: '' },
      { name: 'warm columns', signature: 'serving_default', body: JSON.stringify({ inputs: { user_id: ['user_8'], hour_of_day: [1.5] } }), savedAt: '' },
    ];
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(saved, null, 2));

    let answer: string | undefined;
    const messages = captureMessages(m => (m.modal ? answer : undefined));
    try {
      // Dismissed: nothing is written.
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mlServing.predict.generateWarmup', folder, { payloads: ['warm rows', 'warm columns'] })).then(r => {
        if (r === undefined) throw new Error('cancelled');
        return r;
      }));
      const first = await messages.waitFor(m => !!m.modal, 'the write confirmation');
      assert.equal(first.text, `Write ${object} with 2 warm-up requests?`);
      assert.equal((await bucket.file(object.replace('gs://demo-project-models/', '')).exists())[0], false, 'dismissing writes nothing');
      answer = 'Write';
      const r = await vscode.commands.executeCommand<{ uri: string; records: number }>('mlServing.predict.generateWarmup', folder, { payloads: ['warm rows', 'warm columns'] });
      assert.deepEqual(r, { uri: object, records: 2, skipped: [] });
    } finally {
      messages.restore();
    }

    // What the extension wrote, downloaded with the model, read by TensorFlow and replayed by the server.
    const [objects] = await bucket.getFiles({ prefix: `${prefix}/` });
    for (const o of objects) {
      const target = path.join(tmp, 'models', 'retrieval', ...o.name.slice(prefix.length + 1).split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, (await bucket.file(o.name).download())[0]);
    }
    const p = spawnSync(process.env.MLSERVING_PYTHON!, [path.join(repoRoot, 'test', 'unit', 'helpers', 'warmup_readback.py'), path.join(repoRoot, 'deploy', 'tf_serving_python'), path.join(tmp, 'models'), 'retrieval'], { encoding: 'utf8', timeout: 200_000 });
    assert.equal(p.status, 0, `python: ${(p.stderr ?? '').split('\n').slice(-10).join('\n')}`);
    const out = JSON.parse(p.stdout.trim().split('\n').pop()!) as { records: Array<{ signature: string; inputs: Record<string, { shape: number[]; values: unknown[] }> }>; log: string[] };
    // In the order the payloads are saved.
    assert.deepEqual(out.records.map(x => [x.signature, x.inputs.user_id.values, x.inputs.hour_of_day.values]), [
      ['serving_default', ['user_5', 'user_6'], [8, 20]],
      ['serving_default', ['user_8'], [1.5]],
    ]);
    assert.ok(out.log.some(l => /Number of warmup records read: 2\./.test(l)), out.log.join('\n'));
  });
});
