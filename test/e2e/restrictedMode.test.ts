// Issue 14: a cloned repository's .vscode/settings.json cannot steer the image, identity or endpoint
// a deploy uses, proved in a genuinely untrusted workspace. VS Code always trusts a workspace opened
// with an extension under development, so this suite starts its own code-server with workspace trust
// on and the extension installed (linked into the extensions dir), then opens a folder it never trusted.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench, repoRoot } from './workbench';
import { WAIT, eventually } from './support';

const CONTAINER = 'ML Serving';
const VIEWS = ['Training Runs', 'Models', 'Serving'];
const NO_PROJECT = 'No Google Cloud project selected';
const DEMO_PROJECT = 'demo-project';
const MODEL = 'recsys-ranking';
const SERVICE = 'e2e-restricted';
const FOREIGN_IMAGE = 'attacker.example/pwn/serving:latest';
const FOREIGN_SA = 'owner@attacker-project.iam.gserviceaccount.com';
// Nothing listens on port 9 (discard): if the extension used this, Select Project would fail.
const FOREIGN_EMULATOR = 'http://127.0.0.1:9/foreign';

interface Server { url: string; stop(): Promise<void> }
interface HostModule {
  cacheDir: string;
  start(o: { workspace: string; env?: Record<string, string>; settings?: Record<string, unknown>; installed?: string[]; workspaceTrust?: boolean }): Promise<Server>;
  workbenchUrl(serverUrl: string, o: { folder: string }): string;
}



describe('Restricted Mode: an untrusted workspace cannot choose the image, identity or endpoint (issue 14)', function () {
  this.timeout(90_000);
  let server: Server | undefined;
  let wb: Workbench;
  let workspace: string;
  const emulator = process.env.MLSERVING_EMULATOR;

  before(async function () {
    this.timeout(180_000);
    if (!process.env.MLSERVING_E2E_URL) throw new Error('MLSERVING_E2E_URL is not set: run the e2e tests through `npm run test:e2e`');
    const host = require(path.join(repoRoot, 'scripts', 'vscode-host.mjs')) as HostModule;
    fs.mkdirSync(path.join(host.cacheDir, 'runs'), { recursive: true });
    workspace = fs.mkdtempSync(path.join(host.cacheDir, 'runs', 'ws-untrusted-'));
    // What a cloned repository could ship.
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'mlServing.images.native': FOREIGN_IMAGE,
      'mlServing.images.python': FOREIGN_IMAGE,
      'mlServing.deploy.serviceAccount': FOREIGN_SA,
      'mlServing.emulator': FOREIGN_EMULATOR,
    }, null, 2));
    fs.writeFileSync(path.join(workspace, 'README.md'), '# a cloned repository\n');
    const metadataHost = emulator ? new URL(emulator).host : undefined;
    server = await host.start({
      workspace,
      installed: [repoRoot],
      workspaceTrust: true,
      settings: {
        'security.workspace.trust.enabled': true,
        // No "Do you trust the authors?" modal: the folder opens untrusted, in Restricted Mode.
        'security.workspace.trust.startupPrompt': 'never',
        ...(emulator ? { 'mlServing.emulator': emulator } : {}),
      },
      // Only the user's setting may point at the emulator: not the harness's environment variable.
      env: { MLSERVING_EMULATOR: '', ...(metadataHost ? { GCE_METADATA_HOST: metadataHost, METADATA_SERVER_DETECTION: 'assume-present' } : {}) },
    });
    wb = await Workbench.open(host.workbenchUrl(server.url, { folder: workspace }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-restricted-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) await wb.close();
    if (server) await server.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('the workbench shows the folder in Restricted Mode (banner and status bar)', async () => {
    const banner = wb.page.locator('.monaco-workbench .banner', { hasText: 'Restricted Mode' });
    await banner.waitFor({ timeout: 60_000 });
    assert.match((await banner.textContent()) ?? '', /Restricted Mode is intended for safe code browsing/);
    const status = wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
    assert.equal(await status.count(), 1, 'no "Restricted Mode" item in the status bar');
  });

  it('the installed extension still runs in limited mode: its Training Runs, Models and Serving views show', async () => {
    await wb.openContainer(CONTAINER);
    await wb.view(VIEWS[VIEWS.length - 1]).waitFor({ timeout: 60_000 });
    const titles = (await wb.viewTitles()).map(t => t.toLowerCase());
    for (const v of VIEWS) assert.ok(titles.includes(v.toLowerCase()), `view "${v}" missing; side bar shows: ${titles.join(', ')}`);
  });

  it('the extension tells the user each foreign workspace value is ignored', async () => {
    // The warnings show as toasts and stay in the notification center (opened from the status bar's bell).
    const toasts = wb.page.locator('.notifications-toasts .notification-toast');
    const center = wb.page.locator('.notifications-center .notification-list-item');
    const bell = wb.page.locator('[id="status.notifications"]');
    const seen = async () => [...await toasts.allTextContents(), ...await center.allTextContents()];
    for (const key of ['mlServing.images.native', 'mlServing.images.python', 'mlServing.deploy.serviceAccount', 'mlServing.emulator']) {
      let all: string[] = [];
      const text = await eventually(`the warning about ${key}`, async () => {
        all = await seen();
        const found = all.find(t => t.includes(`ML Serving settings: ${key}: the workspace's value`));
        if (!found && !(await wb.page.locator('.notifications-center.visible').isVisible()) && await bell.isVisible()) await bell.click();
        return found;
      }).catch(e => assert.fail(`${e.message}; notifications shown: ${all.join(' | ') || '(none)'}`));
      assert.match(text, /is ignored; only your user settings can set it/);
    }
    if (await wb.page.locator('.notifications-center.visible').isVisible()) await wb.page.keyboard.press('Escape');
  });

  describe('against the emulator', () => {
    before(function () {
      if (!emulator) this.skip();
    });

    it('Select Project reaches the user\'s emulator, not the workspace\'s endpoint', async () => {
      await wb.openContainer(CONTAINER);
      await wb.view('Models').locator('.welcome-view-content', { hasText: NO_PROJECT }).waitFor({ timeout: 60_000 });
      await wb.runCommand('ML Serving: Select Project');
      const listed = await wb.quickPickRow(DEMO_PROJECT).waitFor({ timeout: WAIT }).then(() => true, () => false);
      assert.ok(listed, `quick pick lacks ${DEMO_PROJECT}; it lists: ${(await wb.quickPickItems().catch(() => [])).join(', ')}`);
      await wb.pick(DEMO_PROJECT);
      await wb.view('Models').locator('.welcome-view-content', { hasText: NO_PROJECT }).waitFor({ state: 'hidden', timeout: WAIT });
    });

    it('the deploy confirmation shows the default image from the project\'s registry, not the workspace\'s image', async () => {
      await wb.soloView('Models');
      const model = wb.exactTreeRow('Models', MODEL);
      await model.waitFor({ timeout: 60_000 });
      const versions = await eventually(`versions of ${MODEL}`, async () => {
        await wb.expandRow(model, 5_000);
        const kids = await wb.childRows('Models', model);
        return kids.some(k => /^v\d+$/.test(k.label)) ? kids : undefined;
      }, 60_000);
      const version = versions.find(v => /^v\d+$/.test(v.label) && /@default/.test(v.description)) ?? versions.find(v => /^v\d+$/.test(v.label))!;
      await wb.contextMenu(await wb.childRow('Models', model, version.label), 'Deploy to Cloud Run');
      await eventually('the service-name input box', async () => /service name/i.test(await wb.quickInputTitle()), 60_000);
      await wb.answerInput(SERVICE);
      await eventually('the deploy confirmation', async () => (await wb.quickInputTitle()).endsWith(SERVICE), 60_000);
      const row = wb.quickPickRow('Image:');
      await row.waitFor();
      const image = ((await row.textContent()) ?? '').replace(/\s+/g, ' ');
      // Leave without deploying: this suite only reads the plan.
      await wb.pressEscape();
      assert.ok(!image.includes(FOREIGN_IMAGE), `the plan uses the workspace's image: ${image}`);
      assert.match(image, new RegExp(`Image: [a-z0-9-]+-docker\\.pkg\\.dev/${DEMO_PROJECT}/ml-serving/tf-serving-(native|python):`));
    });
  });
});
