// Issue 17 in the real workbench: right-click a model version → Batch Predict… → the four inputs →
// Start; Serving → Batch Jobs shows the job until it says Succeeded; right-click → Open Output shows
// the first predictions as the ranked top-K table the zoo says TensorFlow computes.
import { strict as assert } from 'node:assert';
import { WAIT, eventually, openProject, workbenchUrl, type workspaceSettings } from './support';
import type { Workbench } from './workbench';
import { zooManifest, zooModel } from '../integration/support/zoo';

const CONTAINER = 'ML Serving';
const MODEL = 'recsys-retrieval';
const BUCKET = 'demo-project-models';

describe('Batch Predict in the workbench (issue 17)', function () {
  this.timeout(400_000);
  let wb: Workbench;
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    const url = workbenchUrl();
    if (!process.env.MLSERVING_EMULATOR || !zooManifest()) this.skip();
    ({ wb, settings } = await openProject(url));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-batch-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) await wb.close();
    settings?.restore();
  });

  it('Batch Predict → the job reaches Succeeded under Batch Jobs → Open Output shows the ranked table', async () => {
    // The input, uploaded through the emulator's Cloud Storage JSON API as gsutil would.
    const state = (await (await fetch(`${process.env.MLSERVING_EMULATOR}/state`)).json()) as { endpoints: { storage: string } };
    const root = `e2e-batch-${Date.now()}`;
    const sample = zooModel(zooManifest()!, 'retrieval').samples.find(s => s.signature_name === 'serving_default')!;
    const rows = [JSON.stringify((sample.request.instances as unknown[])[0]), ...Array.from({ length: 49 }, (_, i) => JSON.stringify({ user_id: `user_${i}`, hour_of_day: i % 24 }))];
    const up = await fetch(`${state.endpoints.storage}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=${encodeURIComponent(`${root}/in/rows.jsonl`)}`, { method: 'POST', body: rows.join('\n') + '\n' });
    assert.equal(up.status, 200, await up.text());

    await wb.openContainer(CONTAINER);
    await wb.soloView('Models');
    const model = wb.exactTreeRow('Models', MODEL);
    const versions = await eventually(`versions of ${MODEL}`, async () => {
      await wb.expandRow(model, 5_000);
      const kids = await wb.childRows('Models', model);
      return kids.length ? kids : undefined;
    });
    await wb.contextMenu(wb.treeRowAt('Models', versions[0].index), 'Batch Predict…');
    // Each step is answered once its own box shows (the widget stays open between steps).
    const step = (n: number) => eventually(`step ${n}/4 of Batch Predict`, async () => (await wb.quickInputTitle()).includes(`(${n}/4)`));
    await step(1);
    await wb.answerInput(`gs://${BUCKET}/${root}/in/*.jsonl`);
    await step(2);
    await wb.answerInput(`gs://${BUCKET}/${root}/out`);
    await step(3);
    await wb.exactQuickPickRow('n1-standard-4').waitFor({ timeout: WAIT });
    await wb.pick('n1-standard-4');
    await step(4);
    await wb.answerInput('1');
    const plan = await wb.answerDialog('Start');
    assert.match(plan, /Start batch prediction job "recsys-retrieval-batch-\d{8}T\d{6}"\?/);
    assert.match(plan, /\(1 file: rows\.jsonl\)/);
    const name = /"(recsys-retrieval-batch-\d{8}T\d{6})"/.exec(plan)![1];

    await wb.soloView('Serving');
    const jobs = wb.exactTreeRow('Serving', 'Batch Jobs');
    const row = await eventually('the job to say Succeeded under Batch Jobs', async () => {
      await wb.expandRow(jobs, 5_000);
      const kids = await wb.childRows('Serving', jobs);
      const hit = kids.find(k => k.label === name);
      return hit && /^Succeeded · 50 done/.test(hit.description) ? hit : undefined;
    }, 240_000);

    await wb.contextMenu(wb.treeRowAt('Serving', row.index), 'Open Output');
    const preview = wb.visibleWebview();
    await preview.locator('h1', { hasText: `Batch job ${name}` }).waitFor({ timeout: WAIT });
    const body = ((await preview.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(body, /Predictions \(first 20 of 50\)/);
    assert.match(body, /Errors \(0\)/);
    const first = preview.locator('table').first();
    const header = await first.locator('thead th').allTextContents();
    assert.deepEqual(header.map(h => h.trim()), ['rank', 'id', 'score']);
    const cells = await first.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => (td.textContent ?? '').trim())));
    const expected = (sample.expected.predictions[0] as { product_ids: string[] }).product_ids.slice(0, 10);
    assert.deepEqual(cells.map(c => c[1]), expected, 'the first instance\'s top 10 as TensorFlow ranks them');
    assert.deepEqual(cells.map(c => c[0]), expected.map((_, i) => String(i + 1)));
  });
});
