// Issue 17 in the real workbench: right-click a model version → Deploy to Vertex AI Endpoint → a new
// endpoint, the default CPU machine, one replica → the one confirmation (with the traffic diff) →
// the Serving view's "Vertex AI endpoints" group shows the endpoint and its deployed model at 100%.
// Then right-click the endpoint → Test Prediction: the panel on the endpoint sends the form and shows
// the top-K products TensorFlow ranks (the zoo's answer computed in process), the latency line and a
// curl with the endpoint's URL; after a window reload the panel comes back on the same endpoint.
// Needs scripts/test.mjs (MLSERVING_E2E_URL, MLSERVING_EMULATOR; MLSERVING_ZOO for the prediction).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { WAIT, eventually, workbenchUrl, workspaceSettings, openProject } from './support';
import { Workbench } from './workbench';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';
import { zooManifest, zooModel } from '../integration/support/zoo';

// The two-tower retrieval model: its answer is a ranked list (product_ids, scores), the top-K table.
const MODEL = 'recsys-retrieval';
const ENDPOINT = 'e2e-retrieval-endpoint';
const PAYLOAD = 'e2e endpoint user';

describe('Vertex AI endpoints in the workbench', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    const url = workbenchUrl();
    if (!process.env.MLSERVING_EMULATOR) this.skip();
    ({ wb, settings } = await openProject(url, { view: 'Models' }));
    await wb.exactTreeRow('Models', MODEL).waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-endpoints-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) await wb.close();
    settings?.restore();
    // Leave the emulator as found: undeploy and delete the endpoint this test made.
    const admin = process.env.MLSERVING_EMULATOR;
    if (!admin) return;
    const endpoints = parseEndpoints(await (await fetch(`${admin}/endpoints`)).json());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v = require(path.resolve(__dirname, '../../../dist/gcp-vertex.js'));
    const client = new v.EndpointServiceClient(grpcClientOptions({ kind: 'emulator', endpoints }, 'vertex', v.grpc));
    try {
      const [all] = await client.listEndpoints({ parent: 'projects/demo-project/locations/us-central1' });
      for (const e of all.filter((x: { displayName: string }) => x.displayName === ENDPOINT)) {
        for (const d of e.deployedModels ?? []) { const [op] = await client.undeployModel({ endpoint: e.name, deployedModelId: d.id }); await op.promise(); }
        const [op] = await client.deleteEndpoint({ name: e.name });
        await op.promise();
      }
    } finally {
      await client.close();
    }
  });

  let deployedOk = false;

  it('right-click → Deploy to Vertex AI Endpoint → confirm → the endpoint and its deployed model at 100%', async () => {
    const model = wb.exactTreeRow('Models', MODEL);
    const versions = await eventually(`versions of ${MODEL}`, async () => {
      await wb.expandRow(model, 5_000);
      const kids = await wb.childRows('Models', model);
      return kids.length ? kids : undefined;
    });
    // The oldest version: the demo's plain retrieval model (a custom-op model registered as a newer
    // version would be served from a version registered with the Python image).
    const version = versions.filter(v => /^v\d+$/.test(v.label)).pop();
    assert.ok(version, `${MODEL} lists no version rows`);
    await wb.contextMenu(await wb.childRow('Models', model, version.label), 'Deploy to Vertex AI Endpoint');

    await eventually('the endpoint picker', async () => /to Vertex AI Endpoint/.test(await wb.quickInputTitle()), 60_000);
    await wb.pick('New endpoint…');
    await eventually('the endpoint name box', async () => /New endpoint: display name/.test(await wb.quickInputTitle()), WAIT);
    await wb.answerInput(ENDPOINT);
    await eventually('the machine type picker', async () => /^Machine type/.test(await wb.quickInputTitle()), WAIT);
    const machines = await wb.quickPickItems();
    assert.ok(machines.some(m => /NVIDIA/.test(m)), `GPU choices are offered (${machines.join(', ')})`);
    await wb.pick('n1-standard-2');
    await eventually('the minimum replicas box', async () => /^Minimum replicas/.test(await wb.quickInputTitle()), WAIT);
    await wb.answerInput('1');
    await eventually('the maximum replicas box', async () => /^Maximum replicas/.test(await wb.quickInputTitle()), WAIT);
    await wb.answerInput('1');

    const text = await wb.answerDialog('Deploy');
    assert.match(text, new RegExp(`Deploy ${MODEL} ${version.label} to a new endpoint "${ENDPOINT}"\\?`));
    assert.match(text, new RegExp(`${MODEL} ${version.label}: new → 100%`));
    assert.match(text, /Machine: n1-standard-2; replicas 1–1/);

    await wb.notification(new RegExp(`Deployed ${MODEL} ${version.label} to endpoint ${ENDPOINT}: ${MODEL} ${version.label} 100%`)).waitFor({ timeout: 120_000 });

    await wb.soloView('Serving');
    await wb.viewAction('Serving', 'Refresh');
    const group = wb.exactTreeRow('Serving', 'Vertex AI endpoints');
    await group.waitFor({ timeout: 60_000 });
    const endpoints = await eventually('the endpoints under the group', async () => {
      await wb.expandRow(group, 5_000);
      const kids = await wb.childRows('Serving', group);
      return kids.some(k => k.label === ENDPOINT) ? kids : undefined;
    }, 60_000);
    assert.match(endpoints.find(k => k.label === ENDPOINT)!.description, /^1 deployed model · us-central1$/);
    const endpointRow = wb.exactTreeRow('Serving', ENDPOINT);
    const deployed = await eventually('the deployed model row', async () => {
      await wb.expandRow(endpointRow, 5_000);
      const kids = await wb.childRows('Serving', endpointRow);
      return kids.length ? kids : undefined;
    }, 60_000);
    assert.equal(deployed.length, 1);
    assert.equal(deployed[0].label, `${MODEL} ${version.label}`);
    assert.equal(deployed[0].description, '100% · n1-standard-2 · 1 replica');
    deployedOk = true;
  });

  it('right-click the endpoint → Test Prediction: the top-K table TensorFlow ranks, the latency, the curl; back after a reload', async function () {
    assert.ok(deployedOk, `needs the ${ENDPOINT} endpoint from the deploy test, which did not finish`);
    // The answer TensorFlow computed in process for the same input (the zoo's manifest), not the emulator's.
    const manifest = zooManifest();
    if (!manifest) this.skip();
    const sample = zooModel(manifest!, 'retrieval').samples.find(x => x.signature_name === 'serving_default')!;
    const input = (sample.request as { instances: Array<{ user_id: string; hour_of_day: number }> }).instances[0];
    const expected = (sample.expected.predictions as Array<{ product_ids: string[]; scores: number[] }>)[0];

    await wb.runCommand('View: Close All Editors');
    await wb.soloView('Serving');
    const endpointRow = wb.exactTreeRow('Serving', ENDPOINT);
    await endpointRow.waitFor({ timeout: WAIT });
    await wb.contextMenu(endpointRow, 'Test Prediction');
    await eventually(`the "Test ${ENDPOINT}" tab`, async () => (await wb.editorTabs()).includes(`Test ${ENDPOINT}`), 60_000);

    const view = wb.visibleWebview();
    for (const f of ['user_id', 'hour_of_day']) await view.locator(`[data-field="${f}"]`).waitFor({ timeout: 60_000 });
    await view.locator('[data-field="user_id"] input').fill(input.user_id);
    await view.locator('[data-field="hour_of_day"] input').fill(String(input.hour_of_day));
    // A tree row's hover can still be open over the panel and take the click: move the pointer off it.
    await wb.page.mouse.move(0, 0);
    await view.locator('[data-testid="send"]').click();

    // Any answer first (an error shows its status and body at once), then the table.
    const answered = view.locator('[data-testid="status-line"], [data-testid="request-failed"]').first();
    await answered.waitFor({ timeout: 120_000 });
    const status = ((await answered.textContent()) ?? '').trim();
    assert.match(status, /^HTTP 200 /, `the endpoint answered: ${status} ${(await view.locator('[data-testid="error-body"]').allTextContents()).join(' ')}`);
    const table = view.locator('[data-testid="ranked-table"]').first();
    await table.waitFor({ timeout: WAIT });
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => (td.textContent ?? '').trim())));
    assert.equal(rows.length, manifest!.k, `the top ${manifest!.k} products`);
    rows.forEach((r, i) => {
      assert.equal(r[0], String(i + 1), `row ${i + 1} rank`);
      assert.equal(r[1], expected.product_ids[i], `row ${i + 1} product id`);
      // Shown with 4 decimals.
      assert.ok(Math.abs(Number(r[2]) - expected.scores[i]) <= 5e-5 + manifest!.float_tolerance, `row ${i + 1} score ${r[2]} vs TensorFlow's ${expected.scores[i]}`);
    });
    const scores = rows.map(r => Number(r[2]));
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i] <= scores[i - 1], `scores not in ranked order: ${scores.join(', ')}`);
    // The latency line: the status and how long the endpoint took.
    assert.match(((await view.locator('[data-testid="status-line"]').first().textContent()) ?? '').trim(), /^HTTP 200 \d+(\.\d)? ms/);

    // Copy as curl: Vertex AI's rawPredict URL of the endpoint, with an access token (not an ID token).
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.page.url()).origin });
    await view.locator('[data-testid="copy-curl"]').click();
    await view.locator('#notice', { hasText: 'print-access-token' }).waitFor({ timeout: WAIT });
    const curl = await eventually('the curl on the clipboard', async () => {
      const text = String(await wb.page.evaluate('navigator.clipboard.readText()').catch(() => ''));
      return text.startsWith('curl ') ? text : undefined;
    });
    assert.match(curl, new RegExp(`https://us-central1-aiplatform\\.googleapis\\.com/v1/projects/demo-project/locations/us-central1/endpoints/[^/\\s']+:rawPredict`));
    assert.ok(curl.includes('-H "Authorization: Bearer $(gcloud auth print-access-token)"'), curl);
    assert.ok(curl.includes(input.user_id), `the curl sends the form's body: ${curl}`);

    // A saved payload and a short benchmark, on the endpoint as on a service.
    await view.locator('[data-testid="payload-name"] input').fill(PAYLOAD);
    await view.locator('[data-testid="save-payload"]').click();
    await view.locator(`[data-testid="saved-payloads"] li[data-payload="${PAYLOAD}"]`).waitFor({ timeout: WAIT });
    await view.locator('[data-testid="bench-count"] input').fill('10');
    await view.locator('[data-testid="bench-run"]').click();
    const stats = view.locator('[data-testid="bench-stats"] tbody td');
    await stats.first().waitFor({ timeout: 120_000 });
    const cells = (await stats.allTextContents()).map(t => t.trim());
    assert.equal(cells[5], '0', `benchmark errors through the endpoint: ${cells.join(' | ')}`);
    assert.match(await view.locator('[data-testid="benchmark"], #benchmark').first().textContent() ?? '', /10 of 10 requests at concurrency \d+/);

    // A window reload: the panel comes back on the same endpoint (its saved state names the endpoint).
    await wb.reloadWindow();
    await eventually(`the "Test ${ENDPOINT}" tab after the reload`, async () => (await wb.editorTabs()).includes(`Test ${ENDPOINT}`), 60_000);
    const again = wb.visibleWebview();
    const restored = await eventually('the restored panel (its form, or the page saying why not)', async () => {
      const problem = again.locator('[data-testid="restore-problem"]');
      if (await problem.count()) return `not restored: ${await problem.textContent()}`;
      return (await again.locator('[data-field="user_id"] input').count()) ? 'form' : undefined;
    }, 60_000);
    assert.equal(restored, 'form');
    assert.equal(await again.locator('[data-field="user_id"] input').inputValue(), input.user_id, 'the form as the user left it');
    // A tree row's hover can still be open over the panel and take the click: move the pointer off it.
    await wb.page.mouse.move(0, 0);
    await again.locator('[data-testid="send"]').click();
    const after = again.locator('[data-testid="ranked-table"]').first();
    await after.waitFor({ timeout: 120_000 });
    const firstRow = await after.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(firstRow[1].trim(), expected.product_ids[0], 'the restored panel answers through the endpoint');
    await again.locator(`[data-testid="saved-payloads"] li[data-payload="${PAYLOAD}"]`).waitFor({ timeout: WAIT });
  });
});
