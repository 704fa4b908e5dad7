// The logs panel in the real workbench (issue 16 item 14): a log line too long for the panel's
// width is cut with an ellipsis; clicking it shows the whole line, wrapped, and clicking again
// folds it. The service is created with the official Cloud Run client against the emulator, and
// its log lines are written through the emulator's admin API.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';
import { WAIT, eventually, workbenchUrl, workspaceSettings, openProject } from './support';
import { Workbench } from './workbench';

const PROJECT = 'demo-project';
const REGION = 'us-central1';



describe('logs panel: a long line expands on click', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let settings: ReturnType<typeof workspaceSettings> | undefined;
  let services: any;
  const svc = `e2e-long-${Date.now().toString(36)}`;
  const name = `projects/${PROJECT}/locations/${REGION}/services/${svc}`;
  const admin = process.env.MLSERVING_EMULATOR ?? '';

  before(async function () {
    this.timeout(180_000);
    const url = workbenchUrl();
    if (!admin) this.skip();
    settings = workspaceSettings(url);
    // A service of this extension (its label), created as a deploy would, with the official client.
    const run = require(path.resolve(__dirname, '../../../dist/gcp-run.js'));
    const endpoints = parseEndpoints(await (await fetch(`${admin}/endpoints`)).json());
    services = new run.ServicesClient(grpcClientOptions({ kind: 'emulator', endpoints }, 'run', run.grpc));
    const [op] = await services.createService({ parent: `projects/${PROJECT}/locations/${REGION}`, serviceId: svc, service: { labels: { 'managed-by': 'ml-serving' }, template: { containers: [{ image: 'gcr.io/cloudrun/hello' }] } } });
    await op.promise();

    ({ wb, settings } = await openProject(url, { view: 'Serving' }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-logsPanel-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) {
      await wb.runCommand('View: Close All Editors').catch(() => undefined);
      await wb.close();
    }
    if (services) {
      await services.deleteService({ name }).then(([op]: any) => op.promise()).catch(() => undefined);
      await services.close();
    }
    settings?.restore();
  });

  it('clicking a long log line shows all of it; clicking again folds it', async () => {
    await wb.runCommand('ML Serving: Refresh');
    const row = wb.exactTreeRow('Serving', svc);
    await row.waitFor({ timeout: 60_000 });
    await wb.contextMenu(row, 'Open Serving Logs Panel');
    await eventually(`the "Logs: ${svc}" editor tab`, async () => (await wb.editorTabs()).includes(`Logs: ${svc}`));

    const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
    const text = `LONG-START ${words} LONG-END`;
    const res = await fetch(`${admin}/logs`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{
        logName: `projects/${PROJECT}/logs/${encodeURIComponent('run.googleapis.com/stderr')}`,
        resource: { type: 'cloud_run_revision', labels: { service_name: svc, revision_name: `${svc}-00001-abc`, location: REGION, project_id: PROJECT } },
        severity: 'WARNING', textPayload: text,
      }]),
    });
    assert.ok(res.ok, `POST /logs: ${res.status}`);

    const panel = wb.visibleWebview();
    const line = panel.locator('#viewport .row', { hasText: 'LONG-START' });
    await line.waitFor({ timeout: 60_000 });
    // As shown: one line, cut at the panel's edge.
    const cut = await line.evaluate(e => ({ scroll: e.scrollWidth, client: e.clientWidth, expandable: e.classList.contains('expandable') }));
    assert.ok(cut.scroll > cut.client, `the line is not cut (${cut.scroll} <= ${cut.client}): the test needs a longer line`);
    assert.equal(cut.expandable, true, 'the long line is marked expandable');
    assert.equal(await panel.locator('#viewport pre.detail').count(), 0);

    await line.click();
    const detail = panel.locator('#viewport pre.detail');
    await detail.waitFor({ timeout: WAIT });
    assert.equal((await detail.textContent())?.trim(), text, 'the whole line is shown');
    const shown = await detail.evaluate(e => ({ scroll: e.scrollWidth, client: e.clientWidth, height: e.getBoundingClientRect().height, scrollH: e.scrollHeight }));
    assert.ok(shown.scroll <= shown.client, `the expanded text is wrapped, not cut (${shown.scroll} > ${shown.client})`);
    const rowHeight = await line.evaluate(e => e.getBoundingClientRect().height);
    assert.ok(shown.height >= rowHeight * 2, `the expanded block spans several lines (${shown.height} px, a row is ${rowHeight} px)`);
    assert.ok(shown.scrollH <= shown.height + 1, `the whole text fits the block (${shown.scrollH} > ${shown.height})`);
    assert.equal(await line.getAttribute('aria-expanded'), 'true');

    await line.click();
    await detail.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await line.getAttribute('aria-expanded'), 'false');
  });
});
