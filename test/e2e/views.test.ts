// UI tests in a real VS Code (code-server) in Chromium. scripts/test.mjs starts the server with the
// extension loaded from source and passes the workbench URL in MLSERVING_E2E_URL; MLSERVING_EMULATOR
// is set when the Google API emulator runs behind it.
import { strict as assert } from 'node:assert';
import { Workbench } from './workbench';

const CONTAINER = 'ML Serving';
const VIEWS = ['Training Runs', 'Models', 'Serving'];
const NO_PROJECT = 'No Google Cloud project selected';
const DEMO_PROJECT = 'demo-project';

describe('ML Serving views in the workbench', function () {
  this.timeout(60_000);
  let wb: Workbench;

  before(async function () {
    this.timeout(120_000);
    const url = process.env.MLSERVING_E2E_URL;
    if (!url) throw new Error('MLSERVING_E2E_URL is not set: run the e2e tests through `npm run test:e2e`');
    wb = await Workbench.open(url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-${this.currentTest.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    if (wb) {
      if (wb.blockedHosts.length) console.log(`      blocked non-loopback hosts: ${wb.blockedHosts.join(', ')}`);
      await wb.close();
    }
  });

  it('shows the "ML Serving" container in the activity bar', async () => {
    const item = wb.activityBarItem(CONTAINER);
    await item.waitFor({ timeout: 60_000 });
    assert.match((await item.getAttribute('aria-label')) ?? '', /^ML Serving/);
  });

  it('opening it shows the Training Runs, Models and Serving views', async () => {
    await wb.openContainer(CONTAINER);
    await wb.view(VIEWS[VIEWS.length - 1]).waitFor();
    const titles = (await wb.viewTitles()).map(t => t.toLowerCase());
    for (const v of VIEWS) assert.ok(titles.includes(v.toLowerCase()), `view "${v}" missing; side bar shows: ${titles.join(', ')}`);
  });

  describe('with no project selected', () => {
    before(function () {
      // Without the emulator the extension has no credentials and shows its sign-in welcome instead.
      if (!process.env.MLSERVING_EMULATOR) this.skip();
    });

    it('each view welcomes with "No Google Cloud project selected" and a Select Project button', async () => {
      await wb.openContainer(CONTAINER);
      for (const v of VIEWS) {
        await wb.expandView(v);
        const welcome = wb.welcome(v);
        await welcome.filter({ hasText: NO_PROJECT }).waitFor();
        const button = welcome.locator('.monaco-button', { hasText: 'Select Project' });
        assert.equal(await button.count(), 1, `view "${v}" has no Select Project button`);
        assert.equal(await button.isVisible(), true);
      }
    });

    it('"ML Serving: Select Project" lists the emulator\'s projects and choosing one clears the welcome', async () => {
      // Start from the state the previous test saw, so "gone" below means something.
      for (const v of VIEWS) await wb.view(v).locator('.welcome-view-content', { hasText: NO_PROJECT }).waitFor();
      await wb.runCommand('ML Serving: Select Project');
      const listed = await wb.quickPickRow(DEMO_PROJECT).waitFor({ timeout: 20_000 }).then(() => true, () => false);
      assert.ok(listed, `quick pick lacks ${DEMO_PROJECT}; it lists: ${(await wb.quickPickItems()).join(', ')}`);
      await wb.pick(DEMO_PROJECT);
      for (const v of VIEWS) {
        await wb.view(v).locator('.welcome-view-content', { hasText: NO_PROJECT }).waitFor({ state: 'hidden', timeout: 20_000 });
        await wb.view(v).waitFor(); // the view itself is still there
      }
      const remaining = await wb.page.locator('.sidebar .welcome-view-content', { hasText: NO_PROJECT }).count();
      assert.equal(remaining, 0);
    });
  });
});
