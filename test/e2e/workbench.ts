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
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
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
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: label }) }).first();
  }

  /** The rows of the open quick pick, once it shows at least one. */
  async quickPickItems(timeout = 15_000): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout });
    return (await rows.locator('.label-name').allTextContents()).map(t => t.trim());
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
