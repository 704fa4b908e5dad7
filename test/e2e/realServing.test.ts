// The custom-op flow in a real VS Code (code-server) in Chromium, served by real TensorFlow: the
// zoo's custom-op retrieval model (MlServingDemo>TopKDot, a real C++ op, where ScaNN's ops would
// be) forced into native TF Serving fails to start, its logs show TensorFlow's own
// "Op type not registered", the recognised failure offers the Python server, one click redeploys,
// and Test Prediction then shows the top-K that TensorFlow computed in process for the same input
// (the zoo's manifest, not the emulator). Needs scripts/test.mjs (MLSERVING_E2E_URL,
// MLSERVING_EMULATOR, MLSERVING_ZOO).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WAIT, eventually, openProject, sleep, workbenchUrl, type workspaceSettings } from './support';
import type { Workbench } from './workbench';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';
import { startEmulator } from '../emulator/emulator';
import { zooManifest, zooModel, type ZooManifest } from '../integration/support/zoo';

const CONTAINER = 'ML Serving';
const MODEL = 'recsys-retrieval-custom-op';
const SERVICE = 'e2e-custom-op';


describe('a custom-op model served by real TensorFlow, from the failure to the fix', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let manifest: ZooManifest;
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    const url = workbenchUrl();
    const m = zooManifest();
    if (!process.env.MLSERVING_EMULATOR || !m) this.skip();
    manifest = m!;
    const endpoints = await (await fetch(`${process.env.MLSERVING_EMULATOR}/endpoints`)).json() as { serving?: string };
    assert.equal(endpoints.serving, 'tensorflow', 'the emulator serves with real TensorFlow, not the stand-in');
    ({ wb, settings } = await openProject(url));
    await wb.exactTreeRow('Models', MODEL).waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-real-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) {
      await wb.runCommand('ML Serving: Stop Tailing Serving Logs').catch(() => undefined);
      await wb.close();
    }
    settings?.restore();
    // Free the real server the test started (Cloud Run's own client, as the extension uses it).
    const admin = process.env.MLSERVING_EMULATOR;
    if (admin) {
      const endpoints = parseEndpoints(await (await fetch(`${admin}/endpoints`)).json());
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const run = require(path.resolve(__dirname, '../../../dist/gcp-run.js'));
      const services = new run.ServicesClient(grpcClientOptions({ kind: 'emulator', endpoints }, 'run', run.grpc));
      try {
        const [op] = await services.deleteService({ name: `projects/demo-project/locations/us-central1/services/${SERVICE}` });
        await op.promise();
      } catch { /* not deployed */ }
      await services.close();
    }
  });

  it('the EMULATOR status item claims no stand-in when TensorFlow serves', async () => {
    const item = wb.page.locator('.statusbar-item', { hasText: 'ML Serving: EMULATOR' }).first();
    const text = await eventually('the EMULATOR status bar item', async () => ((await item.textContent()) ?? '').trim(), 60_000);
    assert.match(text, /EMULATOR · demo-project/);
    assert.doesNotMatch(text, /stand-in/);
  });

  it('native TF Serving fails on the custom op with TensorFlow\'s text; one click redeploys with the Python server; predictions equal TensorFlow\'s', async () => {
    // Deploy the model's version, switching the routing's choice (Python server) to native TF Serving.
    await wb.openContainer(CONTAINER);
    await wb.soloView('Models');
    const model = wb.exactTreeRow('Models', MODEL);
    await wb.expandRow(model);
    const versions = await eventually(`versions of ${MODEL}`, async () => {
      const kids = await wb.childRows('Models', model);
      return kids.filter(k => /^v\d+$/.test(k.label)).length ? kids : undefined;
    });
    const version = versions.find(v => /^v\d+$/.test(v.label))!;
    await wb.contextMenu(await wb.childRow('Models', model, version.label), 'Deploy to Cloud Run');
    await eventually('the service-name input box', async () => /service name/i.test(await wb.quickInputTitle()), 60_000);
    await wb.answerInput(SERVICE);
    await eventually('the deploy confirmation', async () => (await wb.quickInputTitle()).endsWith(SERVICE), 60_000);
    // The routing found the custom op and picked the Python server; the user overrides it.
    await wb.quickPickRow('Container: Python server').click();
    // The product knows native TF Serving cannot load the custom op: switching, then deploying, each ask.
    assert.match(await wb.answerDialog('Switch Anyway'), /native TF Serving will fail to serve this model.*MlServingDemo>TopKDot/);
    await wb.quickPickRow('Container: native TF Serving').waitFor({ timeout: 60_000 });
    await sleep(1000);
    await wb.quickPickRow(`Deploy ${SERVICE}`).click();
    assert.match(await wb.answerDialog('Deploy Anyway'), new RegExp(`This deploy of ${SERVICE} will fail`));

    const failed = wb.notification(new RegExp(`Deploy of ${SERVICE} failed \\(revision ${SERVICE}-\\d{5}-\\w+\\)`));
    await failed.waitFor({ timeout: 120_000 });
    const revision = /\(revision ([\w-]+)\)/.exec((await failed.textContent()) ?? '')![1];
    await failed.hover();
    await failed.getByRole('button', { name: 'Show Revision Logs' }).click();
    // TensorFlow's own words, from the server that tried to load the model.
    // The server prints a Python traceback after TensorFlow's line: filter the channel for it, as a user would.
    await eventually('the revision\'s lines in its output channel', async () => (await wb.outputLines()).join(' ').includes(revision), 60_000);
    await wb.filterOutput('Op type not registered');
    const channel = await eventually('the revision\'s logs in its output channel', async () => {
      const t = (await wb.outputLines()).join(' ').replace(/\s+/g, ' ');
      return t.includes(revision) && /Op type not registered 'MlServingDemo>TopKDot'/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(channel, new RegExp(`ERROR ${revision} .*Op type not registered 'MlServingDemo>TopKDot' in binary running on`));
    await wb.filterOutput('');

    // The recognised failure offers the Python server; one click (and the confirmation) redeploys.
    const recognised = wb.notification(/TF Serving cannot run this model: op MlServingDemo>TopKDot is not in its binary/);
    await recognised.waitFor({ timeout: WAIT });
    await recognised.hover();
    await recognised.getByRole('button', { name: 'Redeploy with the Python Server' }).click();
    await eventually('the redeploy confirmation', async () => (await wb.quickInputTitle()).endsWith(SERVICE), 60_000);
    await wb.quickPickRow('Container: Python server').waitFor({ timeout: WAIT });
    await sleep(1000);
    await wb.quickPickRow(`Deploy ${SERVICE}`).click();
    assert.match(await wb.answerDialog('Deploy'), /Container: Python server/);
    await wb.notification(new RegExp(`${SERVICE} is serving at http://127\\.0\\.0\\.1:\\d+`)).waitFor({ timeout: 120_000 });

    // Test Prediction now answers with what TensorFlow computes for the same input.
    const sample = zooModel(manifest, 'custom_op_retrieval').samples.find(x => x.signature_name === 'serving_default')!;
    const input = (sample.request as { instances: Array<{ user_id: string; hour_of_day: number }> }).instances[0];
    const expected = (sample.expected.predictions as Array<{ product_ids: string[]; scores: number[] }>)[0];
    await wb.runCommand('ML Serving: Test Prediction');
    await wb.quickPickRow(SERVICE).waitFor({ timeout: WAIT });
    await wb.pick(SERVICE);
    const view = wb.visibleWebview();
    for (const f of ['user_id', 'hour_of_day']) await view.locator(`[data-field="${f}"]`).waitFor({ timeout: 60_000 });
    await view.locator('[data-field="user_id"] input').fill(input.user_id);
    await view.locator('[data-field="hour_of_day"] input').fill(String(input.hour_of_day));
    await view.locator('[data-testid="send"]').click();
    const table = view.locator('[data-testid="ranked-table"]').first();
    await table.waitFor({ timeout: 60_000 });
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => (td.textContent ?? '').trim())));
    assert.equal(rows.length, manifest.k, `the top ${manifest.k} products`);
    rows.forEach((r, i) => {
      assert.equal(r[1], expected.product_ids[i], `row ${i + 1} product id`);
      assert.ok(Math.abs(Number(r[2]) - expected.scores[i]) <= 5e-5 + manifest.float_tolerance, `row ${i + 1} score ${r[2]} vs TensorFlow's ${expected.scores[i]}`);
    });
    await wb.runCommand('View: Close All Editors');
  });

  it('pointed at an emulator without TensorFlow, the EMULATOR status item says "stand-in predictions"', async function () {
    // mlServing.emulator is machine-scoped (a workspace cannot redirect it): code-server reads it
    // from the machine settings of its user-data folder.
    const userData = process.env.MLSERVING_E2E_USER_DATA;
    if (!userData || !fs.existsSync(userData)) this.skip();
    const machineSettings = path.join(userData!, 'Machine', 'settings.json');
    // A second emulator with no Python: its Cloud Run answers with the TypeScript stand-in.
    const standIn = await startEmulator({ demo: true, runs: 4, models: 4, log: () => undefined });
    const before = fs.existsSync(machineSettings) ? fs.readFileSync(machineSettings, 'utf8') : undefined;
    const item = wb.page.locator('.statusbar-item', { hasText: 'ML Serving: EMULATOR' }).first();
    try {
      assert.equal(standIn.serving, 'stand-in');
      fs.mkdirSync(path.dirname(machineSettings), { recursive: true });
      fs.writeFileSync(machineSettings, JSON.stringify({ ...(before ? JSON.parse(before) : {}), 'mlServing.emulator': standIn.endpoints.admin }, null, 2));
      const text = await eventually('the status item to say stand-in predictions', async () => {
        const t = ((await item.textContent()) ?? '').trim();
        return /stand-in predictions/.test(t) ? t : undefined;
      }, 60_000);
      assert.match(text, /EMULATOR · stand-in predictions · demo-project/);
    } finally {
      if (before === undefined) fs.rmSync(machineSettings, { force: true });
      else fs.writeFileSync(machineSettings, before);
      await eventually('the status item back on the TensorFlow emulator', async () => !/stand-in/.test((await item.textContent()) ?? ''), 60_000).catch(() => undefined);
      await standIn.stop();
    }
  });
});
