// Issue 18 in a real VS Code (code-server) in Chromium, served by real TensorFlow: "Compare with…"
// from a revision row shows the verdict (notification and report) and one row per saved request;
// an open-loop load test at a modest rate shows its summary, its chart and its goodput. Two
// revisions of one service: the user's deploy, then a second revision made with Cloud Run's own
// client (setup, not the flow under test). No timing assertions. Needs scripts/test.mjs.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventually as poll, openProject, sleep, workbenchUrl, type workspaceSettings } from './support';
import type { Workbench } from './workbench';
import { grpcClientOptions, parseEndpoints } from '../../src/gcp/endpoints';
import { zooManifest } from '../integration/support/zoo';

const CONTAINER = 'ML Serving';
const MODEL = 'recsys-retrieval';
const SERVICE = 'e2e-evidence';
const NAME = `projects/demo-project/locations/us-central1/services/${SERVICE}`;
const WAIT = 60_000;
const PAYLOADS = [
  { name: 'morning', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_1', hour_of_day: 8 }] }), savedAt: '' },
  { name: 'evening', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_2', hour_of_day: 20 }] }), savedAt: '' },
  { name: 'two users', signature: 'serving_default', body: JSON.stringify({ instances: [{ user_id: 'user_3', hour_of_day: 10 }, { user_id: 'someone_new', hour_of_day: 3 }] }), savedAt: '' },
];

// This file's flows deploy and replay real requests: its waits default to a minute.
const eventually = <T>(what: string, probe: () => Promise<T | undefined | null | false | ''>, timeout = WAIT) => poll(what, probe, timeout);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function runClient(): Promise<{ services: any; close(): Promise<void> }> {
  const endpoints = parseEndpoints(await (await fetch(`${process.env.MLSERVING_EMULATOR}/endpoints`)).json());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const run = require(path.resolve(__dirname, '../../../dist/gcp-run.js'));
  const services = new run.ServicesClient(grpcClientOptions({ kind: 'emulator', endpoints }, 'run', run.grpc));
  return { services, close: () => services.close() };
}

describe('evidence before moving traffic: Compare with… and the open-loop load test (issue 18)', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let requestsFile: string | undefined;
  let requestsBefore: string | undefined;
  // Selecting the project writes the workspace settings; the files after this one (views) expect none.
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    const url = workbenchUrl();
    if (!process.env.MLSERVING_EMULATOR || !zooManifest()) this.skip();
    const endpoints = await (await fetch(`${process.env.MLSERVING_EMULATOR}/endpoints`)).json() as { serving?: string };
    assert.equal(endpoints.serving, 'tensorflow', 'the emulator serves with real TensorFlow, not the stand-in');
    const ws = new URL(url).searchParams.get('folder');
    assert.ok(ws, 'the e2e workbench opens a workspace folder');
    // The payloads the user saved in Test Prediction earlier (the comparison and load test send them).
    requestsFile = path.join(ws!, '.vscode', 'ml-serving', 'requests.json');
    requestsBefore = fs.existsSync(requestsFile) ? fs.readFileSync(requestsFile, 'utf8') : undefined;
    const saved = requestsBefore ? JSON.parse(requestsBefore) : { version: 1, services: {} };
    saved.services[NAME] = PAYLOADS;
    fs.mkdirSync(path.dirname(requestsFile), { recursive: true });
    fs.writeFileSync(requestsFile, JSON.stringify(saved, null, 2));

    ({ wb, settings } = await openProject(url));
    await wb.exactTreeRow('Models', MODEL).waitFor({ timeout: WAIT });

    // The user's deploy of the retrieval model.
    const model = wb.exactTreeRow('Models', MODEL);
    await wb.expandRow(model);
    const versions = await eventually(`versions of ${MODEL}`, async () => {
      const kids = await wb.childRows('Models', model);
      return kids.filter(k => /^v\d+$/.test(k.label)).length ? kids : undefined;
    });
    const version = versions.find(v => /^v\d+$/.test(v.label))!;
    await wb.contextMenu(await wb.childRow('Models', model, version.label), 'Deploy to Cloud Run');
    await eventually('the service-name input box', async () => /service name/i.test(await wb.quickInputTitle()));
    await wb.answerInput(SERVICE);
    await eventually('the deploy confirmation', async () => (await wb.quickInputTitle()).endsWith(SERVICE));
    await sleep(1000);
    await wb.quickPickRow(`Deploy ${SERVICE}`).click();
    await wb.answerDialog('Deploy');
    await wb.notification(new RegExp(`${SERVICE} is serving at http://127\\.0\\.0\\.1:\\d+`)).waitFor({ timeout: 180_000 });

    // A second revision of the same model (another env value), with Cloud Run's own client.
    const { services, close } = await runClient();
    try {
      const [svc] = await services.getService({ name: NAME });
      const template = svc.template;
      template.revision = '';
      template.containers[0].env = [...(template.containers[0].env ?? []).filter((e: { name: string }) => e.name !== 'E2E_EVIDENCE'), { name: 'E2E_EVIDENCE', value: 'b' }];
      // The whole service back (labels included: they mark it as ML Serving's), with one env value changed.
      const [op] = await services.updateService({ service: { ...svc, template } });
      await op.promise();
    } finally {
      await close();
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-evidence-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) await wb.close();
    settings?.restore();
    if (requestsFile) {
      if (requestsBefore === undefined) fs.rmSync(requestsFile, { force: true });
      else fs.writeFileSync(requestsFile, requestsBefore);
    }
    if (process.env.MLSERVING_EMULATOR) {
      const { services, close } = await runClient();
      try {
        const [op] = await services.deleteService({ name: NAME });
        await op.promise();
      } catch { /* not deployed */ }
      await close();
    }
  });

  it('Compare with… from a revision row shows the verdict and a row per request, and moves no traffic', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.openContainer(CONTAINER);
    await wb.soloView('Serving');
    await wb.viewAction('Serving', 'Refresh');
    const service = wb.exactTreeRow('Serving', SERVICE);
    await service.waitFor({ timeout: WAIT });
    const revisions = await eventually('two revision rows', async () => {
      await wb.expandRow(service, 5_000);
      const kids = (await wb.childRows('Serving', service)).filter(k => k.label.startsWith(`${SERVICE}-`));
      return kids.length >= 2 ? kids : undefined;
    });
    const a = revisions.find(r => /-00001-/.test(r.label))!;
    const b = revisions.find(r => r.label !== a.label)!;
    assert.ok(a && b, JSON.stringify(revisions));
    const trafficBefore = revisions.map(r => `${r.label}:${r.description}`).sort();

    await wb.contextMenu(await wb.childRow('Serving', service, a.label), 'Compare with…');
    await wb.quickPickRow(b.label).waitFor({ timeout: WAIT });
    await wb.pick(b.label);
    // Tags give each revision its own URL; the confirmation says no traffic moves.
    assert.match(await wb.answerDialog('Add Tags'), /no traffic moves/);

    const toast = wb.notification(new RegExp(`Roll back to ${a.label}`));
    await toast.waitFor({ timeout: 180_000 });
    const verdict = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim();
    assert.ok(verdict.length > 10, `a verdict line: ${verdict}`);
    assert.ok(await toast.getByRole('button', { name: `Send all traffic to ${b.label}` }).isVisible());

    // The report the user reads (markdown preview): the same verdict and one row per saved request.
    const preview = wb.visibleWebview();
    await preview.locator('h1', { hasText: `${a.label} (A) vs ${b.label} (B)` }).waitFor({ timeout: WAIT });
    const body = ((await preview.locator('body').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.ok(body.includes(verdict.replace(/\s+/g, ' ')), `the report repeats the verdict "${verdict}": ${body.slice(0, 400)}`);
    const table = preview.locator('table').nth(1);
    const rows = await table.locator('tbody tr').evaluateAll(trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => (td.textContent ?? '').trim())));
    assert.deepEqual(rows.map(r => r[0]), PAYLOADS.map(p => p.name), 'one row per saved request, in order');
    for (const r of rows) {
      assert.doesNotMatch(r.join(' '), /error/, `no errors: ${r.join(' | ')}`);
      assert.match(r[1], /^\d+(\.\d)?%$/, `recall@K shown: ${r[1]}`);
      assert.match(r[5], /ms$/, `A's latency: ${r[5]}`);
      assert.match(r[6], /ms/, `B's latency: ${r[6]}`);
    }

    // The comparison itself moved no traffic (only tags were added).
    await wb.viewAction('Serving', 'Refresh');
    const after = await eventually('the revision rows again', async () => {
      await wb.expandRow(service, 5_000);
      const kids = (await wb.childRows('Serving', service)).filter(k => k.label.startsWith(`${SERVICE}-`));
      return kids.length >= 2 ? kids : undefined;
    });
    const pct = (d: string) => /^\d+%/.exec(d)?.[0] ?? '';
    assert.deepEqual(after.map(r => `${r.label}:${pct(r.description)}`).sort(), trafficBefore.map(x => { const [l, d] = [x.slice(0, x.indexOf(':')), x.slice(x.indexOf(':') + 1)]; return `${l}:${pct(d)}`; }).sort());
    await wb.pressEscape();
  });

  it('an open-loop run at a modest rate shows its summary, its latency chart and its goodput', async () => {
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('ML Serving: Open-loop Load Test…');
    await wb.quickPickRow(SERVICE).waitFor({ timeout: WAIT });
    await wb.pick(SERVICE);
    await eventually('the rate input', async () => (await wb.page.locator('.quick-input-widget').textContent() ?? '').includes('Requests per second'));
    await wb.answerInput('2');
    await eventually('the duration input', async () => (await wb.page.locator('.quick-input-widget').textContent() ?? '').includes('Duration in seconds'));
    await wb.answerInput('4');
    await eventually('the target input', async () => (await wb.page.locator('.quick-input-widget').textContent() ?? '').includes('Latency target'));
    await wb.answerInput('60000');
    assert.match(await wb.answerDialog('Start'), new RegExp(`requests to ${SERVICE} over 4 s.*real traffic`));

    // The summary opens in an editor: read what it shows.
    const lines = await eventually('the load-test summary', async () => {
      const t = (await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      return t.includes('Latency over time') && /\d+s [█░]/.test(t) ? t.split('\n') : undefined;
    }, 180_000);
    const text = lines.join('\n');
    assert.match(text, new RegExp(`# Open-loop load: ${SERVICE}`));
    const answered = /scheduled \/ answered \| (\d+) \/ (\d+)/.exec(text);
    assert.ok(answered && Number(answered[1]) > 0 && answered[1] === answered[2], `every request answered: ${answered?.[0]}`);
    assert.match(text, /\| errors \| 0 \|/);
    assert.match(text, /goodput \(successful within 60000 ms\) \| 100\.0% \|/);
    const chart = lines.filter(l => /^\s*\d+s [█░]/.test(l));
    assert.ok(chart.length >= 1, `a chart line per second: ${text}`);
    assert.ok(chart.some(l => /\d+ sent/.test(l)), chart.join('\n'));
  });

  it('Test Prediction: an open-loop run at 5 req/s for 3 s on the saved mix draws latency over time, shows goodput, and saves a report', async () => {
    await wb.runCommand('View: Close All Editors');
    // The load-test command before this one left its summary as an untitled document: not saved.
    await sleep(1000);
    if (await wb.page.locator('.monaco-dialog-box').isVisible()) await wb.answerDialog("Don't Save");
    await wb.runCommand('ML Serving: Test Prediction');
    await wb.quickPickRow(SERVICE).waitFor({ timeout: WAIT });
    await wb.pick(SERVICE);
    const view = wb.visibleWebview();
    // The form is built once the model's signature arrived.
    await view.locator('[data-field="user_id"]').waitFor({ timeout: WAIT });
    await view.locator('[data-testid="bench-mode-open"]').click();
    await view.locator('[data-testid="open-rate"] input').fill('5');
    await view.locator('[data-testid="open-duration"] input').fill('3');
    await view.locator('[data-testid="open-target"] input').fill('60000');
    for (const p of PAYLOADS) await view.locator(`[data-testid="open-mix"] vscode-checkbox[data-payload="${p.name}"]`).click();
    await view.locator('[data-testid="open-run"]').click();

    await view.locator('[data-testid="open-stats"]').waitFor({ timeout: 180_000 });
    const summary = ((await view.locator('[data-testid="open-stats"] + p').textContent()) ?? '').replace(/\s+/g, ' ');
    const answered = /(\d+) of (\d+) scheduled requests answered, 5 req\/s for 3 s \(mix: morning, evening, two users\)/.exec(summary);
    assert.ok(answered && Number(answered[1]) > 0 && answered[1] === answered[2], `every request answered: ${summary}`);
    assert.equal((await view.locator('[data-testid="open-errors"]').textContent())?.trim(), '0');
    assert.equal((await view.locator('[data-testid="open-goodput"]').textContent())?.trim(), '100.0%', 'goodput within 60000 ms');
    // The chart: one dot per request the user sent, and the target line.
    const chart = view.locator('svg[data-testid="latency-chart"]');
    assert.equal(await chart.locator('circle.point').count(), Number(answered![1]), 'a point per answered request');
    assert.equal(await chart.locator('circle.point.error').count(), 0);
    assert.equal(await chart.locator('line.target').count(), 1);
    assert.match((await view.locator('[data-testid="open-cold-start"]').textContent()) ?? '', /^Cold start( not measured: .+|: the first request took .+)/);

    // Save Report writes the run into the workspace; the file reads back with the numbers shown.
    await view.locator('[data-testid="open-save"]').click();
    const notice = await eventually('the saved notice', async () => {
      const t = ((await view.locator('#notice').textContent()) ?? '').trim();
      return t.startsWith('Saved ') ? t : undefined;
    });
    const ws = new URL(workbenchUrl()).searchParams.get('folder')!;
    const file = path.join(ws, '.vscode', 'ml-serving', 'reports', /^Saved (\S+\.json)/.exec(notice)![1]);
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(record.meta.kind, 'load-test');
      assert.equal(record.meta.service, SERVICE);
      assert.equal(record.data.completed, Number(answered![1]));
      assert.equal(record.data.goodput, 1);
      assert.deepEqual(record.data.mix, PAYLOADS.map(p => p.name));
    } finally {
      for (const f of [file, file.replace(/\.json$/, '.md')]) fs.rmSync(f, { force: true });
    }
  });
});
