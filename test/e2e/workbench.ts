// Drives VS Code's web workbench (code-server) with Playwright: palette, quick picks,
// notifications, views and tree rows, context menus, webviews, screenshots.
// The browser comes from scripts/vscode-host.mjs, the one place that knows its flags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '../../..');
export const resultsDir = path.join(repoRoot, 'test-results');

interface Browser { context: BrowserContext; newPage(): Promise<Page>; blockedHosts: Set<string>; close(): Promise<void> }
interface HostModule { launchBrowser(opts?: { viewport?: { width: number; height: number } }): Promise<Browser> }

function loadHost(): HostModule {
  // An ES module loaded with require() (Node >= 20.19): the tests are CommonJS.
  return require(path.join(repoRoot, 'scripts', 'vscode-host.mjs')) as HostModule;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// A quick pick row's own label: its second line (the detail) is rendered with a `.label-name` too.
const QUICK_PICK_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';

export class Workbench {
  private constructor(readonly page: Page, private readonly browser: Browser) {}

  /** Opens the workbench at `url` in a fresh headless Chromium and waits until it has rendered. */
  static async open(url: string): Promise<Workbench> {
    const browser = await loadHost().launchBrowser();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(url);
      await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
      return new Workbench(page, browser);
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  /** Hosts the workbench tried to reach outside 127.0.0.1 (all were aborted). */
  get blockedHosts(): string[] {
    return [...this.browser.blockedHosts];
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  // --- activity bar and views -----------------------------------------------------------------

  /** The activity-bar entry of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar [role="tab"][aria-label^="${title}"], .activitybar .action-item a[aria-label^="${title}"]`).first();
  }

  /** Opens a view container from the activity bar (no-op when it is already showing). */
  async openContainer(title: string): Promise<void> {
    const item = this.activityBarItem(title);
    await item.waitFor({ timeout: 60_000 });
    const sideBarTitle = this.page.locator('.sidebar .composite.title', { hasText: new RegExp(escapeRe(title), 'i') }).first();
    // Clicking the entry of the showing container would hide the side bar.
    if (!(await sideBarTitle.isVisible())) await item.click();
    await sideBarTitle.waitFor();
  }

  /** The titles of the views in the side bar, as written in package.json (not upper-cased). */
  async viewTitles(): Promise<string[]> {
    const titles = await this.page.locator('.sidebar .pane-header .title').allTextContents();
    return titles.map(t => t.trim());
  }

  /** A view's pane (header + body) in the side bar, by its title. */
  view(title: string): Locator {
    return this.page.locator('.sidebar .pane').filter({ has: this.page.locator('.pane-header .title', { hasText: new RegExp(`^${escapeRe(title)}$`, 'i') }) });
  }

  /** Expands a view if it is collapsed, and returns its pane. */
  async expandView(title: string): Promise<Locator> {
    const pane = this.view(title);
    const header = pane.locator('.pane-header');
    await header.waitFor();
    // The header's state can lag a click made a moment earlier (soloView collapses the others):
    // re-check and retry instead of trusting one read.
    for (let attempt = 0; attempt < 4; attempt++) {
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      try {
        await pane.locator('.pane-body').waitFor({ timeout: 4000 });
        return pane;
      } catch {
        // not expanded yet: look again
      }
    }
    await pane.locator('.pane-body').waitFor();
    return pane;
  }

  /** A view's welcome content (shown while its tree is empty). */
  welcome(title: string): Locator {
    return this.view(title).locator('.welcome-view-content');
  }

  /** Tree rows of a view; labels are `.label-name` inside. */
  treeRows(viewTitle: string): Locator {
    return this.view(viewTitle).locator('.monaco-list-row[role="treeitem"]');
  }

  treeRow(viewTitle: string, label: string | RegExp): Locator {
    return this.treeRows(viewTitle).filter({ has: this.page.locator('.label-name', { hasText: label }) }).first();
  }

  // --- command palette and quick input --------------------------------------------------------

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** Runs a command by its palette title (e.g. "ML Serving: Select Project"). */
  async runCommand(title: string): Promise<void> {
    const input = this.quickInput;
    // F1 can be swallowed while the workbench is still restoring focus: retry until the palette shows.
    for (let i = 0; i < 10 && !(await input.isVisible()); i++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2_000 }).catch(() => {});
    }
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
    await row.waitFor();
    // Enter runs the focused row: make sure it is ours, not a fuzzy match listed above it.
    for (let i = 0; i < 20 && !/\bfocused\b/.test((await row.getAttribute('class')) ?? ''); i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
  }

  /** A row of the open quick pick whose label contains `label` (items may arrive after the pick opens). */
  quickPickRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: this.page.locator(QUICK_PICK_LABEL, { hasText: label }) }).first();
  }

  /** The rows of the open quick pick, once it shows at least one. */
  async quickPickItems(timeout = 15_000): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout });
    return (await rows.locator(QUICK_PICK_LABEL).allTextContents()).map(t => t.trim());
  }

  /** Chooses a quick-pick row by typing its label into the filter and pressing Enter. */
  async pick(label: string, timeout = 15_000): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout });
    await this.quickInput.fill(label);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout });
    await row.click();
  }

  /** Types into an open input box (showInputBox) and confirms. */
  async answerInput(text: string): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible' });
    await this.quickInput.fill(text);
    await this.page.keyboard.press('Enter');
  }

  // --- notifications, menus, webviews ----------------------------------------------------------

  /** A notification toast containing `text`. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  /** Right-clicks `target` and runs the context-menu entry labelled `entry`. */
  async contextMenu(target: Locator, entry: string): Promise<void> {
    await target.click({ button: 'right' });
    await this.page.locator('.monaco-menu').first().waitFor();
    const labels = (await this.page.locator('.monaco-menu .action-item:not(.disabled) .action-label').allTextContents()).map(t => t.trim());
    if (!labels.includes(entry)) throw new Error(`context menu has no "${entry}"; it has: ${labels.join(' | ')}`);
    // Menu items ignore mouse clicks for ~100 ms after rendering: walk with the keyboard instead.
    for (let i = 0; i < labels.length + 5; i++) {
      await this.page.keyboard.press('ArrowDown');
      const focused = (await this.page.locator('.monaco-menu .action-item.focused .action-label').textContent().catch(() => ''))?.trim();
      if (focused === entry) { await this.page.keyboard.press('Enter'); return; }
    }
    throw new Error(`could not focus context-menu entry "${entry}"`);
  }

  /** The document inside the active webview (two nested iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async pressEscape(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await sleep(100);
  }

  /**
   * A modal dialog's text (white space folded), after answering it with `button`. Focus and Enter,
   * as a keyboard user would: a tall dialog (a deploy plan in full) can put its buttons below the
   * page, out of a mouse's reach.
   */
  async answerDialog(button: string, timeout = 60_000): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout });
    const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
    await dialog.getByRole('button', { name: button, exact: true }).focus();
    await this.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    return text;
  }

  // --- additions for the flow tests (test/e2e/flows.test.ts) ------------------------------------

  /** Runs a view's title-bar action (e.g. "Filter Training Runs"); the actions show on hover. */
  async viewAction(viewTitle: string, actionLabel: string): Promise<void> {
    const header = this.view(viewTitle).locator('.pane-header');
    await header.hover();
    const action = header.locator(`.actions .action-label[aria-label^="${actionLabel}"]`).first();
    await action.waitFor({ state: 'visible' });
    await action.click();
  }

  /** Expands one view of the showing container and collapses the others, so its tree gets the height. */
  async soloView(title: string): Promise<Locator> {
    const headers = this.page.locator('.sidebar .pane .pane-header');
    const n = await headers.count();
    for (let i = 0; i < n; i++) {
      const h = headers.nth(i);
      const t = ((await h.locator('.title').textContent()) ?? '').trim();
      if (t.toLowerCase() !== title.toLowerCase() && (await h.getAttribute('aria-expanded')) === 'true') await h.click();
    }
    return this.expandView(title);
  }

  /** The rendered tree row at list position `index` (its data-index). */
  treeRowAt(viewTitle: string, index: number): Locator {
    return this.treeRows(viewTitle).and(this.page.locator(`[data-index="${index}"]`));
  }

  /** A tree row whose label is exactly `label` (treeRow matches substrings). */
  exactTreeRow(viewTitle: string, label: string): Locator {
    return this.treeRow(viewTitle, new RegExp(`^${escapeRe(label)}$`));
  }

  /** Expands a collapsed tree row (no-op when expanded) and waits until it says so. */
  async expandRow(row: Locator, timeout = 30_000): Promise<void> {
    await row.waitFor({ timeout });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await this.page.waitForFunction(el => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle({ timeout }), { timeout });
  }

  /** Collapses an expanded tree row (no-op when collapsed or gone). */
  async collapseRow(row: Locator): Promise<void> {
    if ((await row.count()) && (await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
  }

  /** Labels and descriptions of the rendered direct children of `parent` (a row of `viewTitle`), in tree order. */
  async childRows(viewTitle: string, parent: Locator): Promise<Array<{ label: string; description: string; index: number }>> {
    const parentIndex = Number(await parent.getAttribute('data-index'));
    const rows = await this.treeRows(viewTitle).evaluateAll(els => els.map(e => ({
      index: Number(e.getAttribute('data-index')),
      level: Number(e.getAttribute('aria-level')),
      label: e.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: e.querySelector('.label-description')?.textContent?.trim() ?? '',
    })));
    rows.sort((a, b) => a.index - b.index);
    const at = rows.findIndex(r => r.index === parentIndex);
    if (at < 0) return [];
    const out: Array<{ label: string; description: string; index: number }> = [];
    for (let i = at + 1; i < rows.length && rows[i].level > rows[at].level; i++) {
      if (rows[i].index !== rows[i - 1].index + 1) break; // not rendered contiguously: stop at the gap
      if (rows[i].level === rows[at].level + 1) out.push({ label: rows[i].label, description: rows[i].description, index: rows[i].index });
    }
    return out;
  }

  /** The child row of `parent` labelled exactly `label`, once rendered. */
  async childRow(viewTitle: string, parent: Locator, label: string, timeout = 30_000): Promise<Locator> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = (await this.childRows(viewTitle, parent).catch(() => [])).find(c => c.label === label);
      if (hit) return this.treeRowAt(viewTitle, hit.index);
      if (Date.now() > deadline) {
        const seen = await this.childRows(viewTitle, parent).catch(() => []);
        throw new Error(`no child "${label}" under the row; children: ${seen.map(c => c.label).join(', ') || '(none)'}`);
      }
      await sleep(250);
    }
  }

  /** A row of the open quick pick whose label is exactly `label` (icons aside). */
  exactQuickPickRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) }).first();
  }

  /** The open quick input's title. */
  async quickInputTitle(): Promise<string> {
    return ((await this.page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '').trim();
  }

  /** The document inside the webview that is showing (others, e.g. retained hidden panels, are skipped). */
  visibleWebview(): FrameLocator {
    return this.page.locator('iframe.webview.ready').filter({ visible: true }).first().contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** The rendered lines of the Output panel's editor, top to bottom, with spaces normalised. */
  async outputLines(): Promise<string[]> {
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines .view-line');
    const items = await lines.evaluateAll(els => els.map(e => ({ top: parseFloat(/top:\s*([\d.]+)px/.exec(e.getAttribute('style') ?? '')?.[1] ?? '0'), text: (e.textContent ?? '').replace(/\u00a0/g, ' ') })));
    return items.sort((a, b) => a.top - b.top).map(i => i.text);
  }

  /**
   * Types into the Output panel's filter box (as a user does to find a line in a long log): only
   * matching lines stay in the view. An empty text clears the filter.
   */
  async filterOutput(text: string): Promise<void> {
    const box = this.page.locator('.part.panel').getByPlaceholder('Filter').first();
    await box.waitFor({ timeout: 15_000 });
    await box.fill(text);
  }

  /** The channel the Output panel shows (its title-bar channel picker). */
  async outputChannel(): Promise<string> {
    const select = this.page.locator('.part.panel select.monaco-select-box').first();
    await select.waitFor({ state: 'attached' });
    // Typed structurally: the tests' tsconfig has no DOM library.
    return select.evaluate(el => { const s = el as unknown as { selectedIndex: number; options: ArrayLike<{ text: string }> }; return (s.options[s.selectedIndex]?.text ?? '').trim(); });
  }

  /** Reloads the page and waits until the workbench renders (state not yet saved may be lost: see reloadWindow). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  }

  /** "Developer: Reload Window" (the workbench saves its state first, unlike a page reload) and waits until it renders again. */
  async reloadWindow(): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await loaded;
    await this.page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  }

  /** The editor tab titles. */
  async editorTabs(): Promise<string[]> {
    return (await this.page.locator('.tabs-container .tab .label-name').allTextContents()).map(t => t.trim());
  }

  /** Saves a full-page screenshot into test-results/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
