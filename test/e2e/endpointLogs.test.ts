// Issue 17 in the real workbench: the Serving view's endpoint row → right-click → Open Serving Logs
// Panel → a "Logs: endpoint NAME" panel that shows the endpoint's entries with the deployed model
// that wrote each, and not another endpoint's, with the Cloud Console button in its toolbar. The
// endpoint is created with the official Vertex AI client against the emulator; its log lines are
// written through the emulator's admin API, shaped as Vertex AI writes them.
// Needs scripts/test.mjs (MLSERVING_E2E_URL, MLSERVING_EMULATOR).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { eventually, workbenchUrl, workspaceSettings, openProject } from './support';
import { Workbench } from './workbench';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';

const PROJECT = 'demo-project';
const REGION = 'us-central1';

describe('Vertex AI endpoints: the logs panel in the workbench', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let settings: ReturnType<typeof workspaceSettings> | undefined;
  let client: any;
  let endpointName: string | undefined;
  const display = `e2e-eplogs-${Date.now().toString(36)}`;
  const admin = process.env.MLSERVING_EMULATOR ?? '';

  const write = async (endpointId: string, deployedModelId: string, text: string) => {
    const res = await fetch(`${admin}/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{
        logName: `projects/${PROJECT}/logs/${encodeURIComponent('aiplatform.googleapis.com/prediction_container')}`,
        resource: { type: 'aiplatform.googleapis.com/Endpoint', labels: { endpoint_id: endpointId, deployed_model_id: deployedModelId, location: REGION, resource_container: 'projects/123456' } },
        severity: 'ERROR', textPayload: text,
      }]),
    });
    assert.ok(res.ok, `POST /logs: ${res.status}`);
  };

  before(async function () {
    const url = workbenchUrl();
    if (!admin) this.skip();
    settings = workspaceSettings(url);
    const endpoints = parseEndpoints(await (await fetch(`${admin}/endpoints`)).json());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v = require(path.resolve(__dirname, '../../../dist/gcp-vertex.js'));
    client = new v.EndpointServiceClient(grpcClientOptions({ kind: 'emulator', endpoints }, 'vertex', v.grpc));
    const [op] = await client.createEndpoint({ parent: `projects/${PROJECT}/locations/${REGION}`, endpoint: { displayName: display } });
    const [ep] = await op.promise();
    endpointName = ep.name;

    ({ wb, settings } = await openProject(url, { view: 'Serving' }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-endpointLogs-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) {
      await wb.runCommand('View: Close All Editors').catch(() => undefined);
      await wb.close();
    }
    settings?.restore();
    if (client) {
      if (endpointName) await client.deleteEndpoint({ name: endpointName }).then(([op]: any) => op.promise()).catch(() => undefined);
      await client.close();
    }
  });

  it('right-click an endpoint → Open Serving Logs Panel: its entries with their deployed model, a Cloud Console button', async () => {
    const endpointId = endpointName!.split('/').pop()!;
    await wb.viewAction('Serving', 'Refresh');
    const group = wb.exactTreeRow('Serving', 'Vertex AI endpoints');
    await group.waitFor({ timeout: 60_000 });
    await eventually('the endpoint under the group', async () => {
      await wb.expandRow(group, 5_000);
      return (await wb.childRows('Serving', group)).some(k => k.label === display);
    }, 60_000);
    await wb.contextMenu(wb.exactTreeRow('Serving', display), 'Open Serving Logs Panel');
    await eventually(`the "Logs: endpoint ${display}" editor tab`, async () => (await wb.editorTabs()).includes(`Logs: endpoint ${display}`));

    const panel = wb.visibleWebview();
    await panel.locator('#status', { hasText: 'live' }).waitFor({ timeout: 60_000 });
    await write(endpointId, '5550001', 'E2E-EPLOGS model 5550001 failed to load');
    await write('999999', '1', 'E2E-EPLOGS another endpoint');
    const row = panel.locator('#viewport .row', { hasText: 'E2E-EPLOGS model 5550001' });
    await row.waitFor({ timeout: 60_000 });
    assert.equal((await row.locator('.rev').textContent())?.trim(), '5550001', 'the row names the deployed model that wrote it');
    assert.equal((await row.locator('.sev').textContent())?.trim(), 'ERROR');
    const button = panel.locator('vscode-button', { hasText: 'Cloud Console' });
    assert.equal(await button.isVisible(), true, 'the Cloud Console button is in the toolbar');
    assert.equal(await panel.locator('#viewport .row', { hasText: 'E2E-EPLOGS another endpoint' }).count(), 0, 'another endpoint\'s line');
    const file = await wb.screenshot('e2e-endpointLogs-panel');
    console.log(`      screenshot: ${file}`);
  });
});
