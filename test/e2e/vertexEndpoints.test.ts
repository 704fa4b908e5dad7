// Issue 17 in the real workbench: right-click a model version → Deploy to Vertex AI Endpoint → a new
// endpoint, the default CPU machine, one replica → the one confirmation (with the traffic diff) →
// the Serving view's "Vertex AI endpoints" group shows the endpoint and its deployed model at 100%.
// Needs scripts/test.mjs (MLSERVING_E2E_URL, MLSERVING_EMULATOR).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { WAIT, eventually, workbenchUrl, workspaceSettings } from './support';
import { Workbench } from './workbench';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';

const CONTAINER = 'ML Serving';
const MODEL = 'recsys-ranking';
const ENDPOINT = 'e2e-ranking-endpoint';

describe('Vertex AI endpoints in the workbench', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    const url = workbenchUrl();
    if (!process.env.MLSERVING_EMULATOR) this.skip();
    settings = workspaceSettings(url);
    wb = await Workbench.open(url);
    await wb.runCommand('View: Close All Editors');
    await wb.openContainer(CONTAINER);
    await wb.soloView('Models');
    const state = await eventually('the Models view to show models or its welcome', async () => {
      if (await wb.view('Models').locator('.welcome-view-content').isVisible()) return 'welcome';
      return (await wb.treeRows('Models').count()) > 0 ? 'models' : undefined;
    }, 60_000);
    if (state === 'welcome') {
      await wb.runCommand('ML Serving: Select Project');
      await wb.quickPickRow('demo-project').waitFor({ timeout: WAIT });
      await wb.pick('demo-project');
    }
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

  it('right-click → Deploy to Vertex AI Endpoint → confirm → the endpoint and its deployed model at 100%', async () => {
    const model = wb.exactTreeRow('Models', MODEL);
    const versions = await eventually(`versions of ${MODEL}`, async () => {
      await wb.expandRow(model, 5_000);
      const kids = await wb.childRows('Models', model);
      return kids.length ? kids : undefined;
    });
    // The oldest version: the demo's plain ranking model (the flows register a custom-op model as a newer
    // version, which an endpoint would serve from a new version registered with the Python image).
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
  });
});
