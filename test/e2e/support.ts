// What every UI test file needs besides the Workbench driver: polling without timed assertions,
// the workspace settings a test changes (selecting the project writes them) put back after it, so
// the next file sees the workspace as it would alone, and the setup each file starts from.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './workbench';

export const WAIT = 30_000;

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; on timeout the error says what was last seen. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false | ''>, timeout = WAIT): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as T;
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] : e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await sleep(300);
  }
}

/** The workbench URL of scripts/test.mjs (MLSERVING_E2E_URL); throws when the tests run without it. */
export function workbenchUrl(): string {
  const url = process.env.MLSERVING_E2E_URL;
  if (!url) throw new Error('MLSERVING_E2E_URL is not set: run the e2e tests through `node scripts/test.mjs --only=e2e`');
  return url;
}

/** Remembers the workspace's `.vscode/settings.json` of a workbench URL (`?folder=`); `restore()` puts it back. */
export function workspaceSettings(url: string): { file?: string; restore(): void } {
  const ws = new URL(url).searchParams.get('folder');
  if (!ws) return { restore() {} };
  const file = path.join(ws, '.vscode', 'settings.json');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  return {
    file,
    restore() {
      if (before === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, before);
    },
  };
}

const NO_PROJECT = 'No Google Cloud project selected';

/**
 * What a UI test file starts from: the workbench at `url` with no editor open, the ML Serving
 * container showing `view` (alone, or expanded among the others), and `project` selected (through
 * Select Project when the welcome asks for one; the pick closes once the project is set, and the
 * view's first row waits for that). `settings.restore()` in after() puts back the workspace
 * settings selecting it wrote; when the setup itself fails they are put back here.
 */
export async function openProject(url: string, o: { view?: string; solo?: boolean; project?: string } = {}): Promise<{ wb: Workbench; settings: ReturnType<typeof workspaceSettings> }> {
  const { view = 'Models', solo = true, project = 'demo-project' } = o;
  const settings = workspaceSettings(url);
  const wb = await Workbench.open(url);
  try {
    await wb.runCommand('View: Close All Editors');
    await wb.openContainer('ML Serving');
    if (solo) await wb.soloView(view);
    else await wb.expandView(view);
    const state = await eventually(`the ${view} view to show rows or its welcome`, async () => {
      if (await wb.view(view).locator('.welcome-view-content', { hasText: NO_PROJECT }).isVisible()) return 'welcome';
      return (await wb.treeRows(view).count()) > 0 ? 'rows' : undefined;
    }, 60_000);
    if (state === 'welcome') {
      await wb.runCommand('ML Serving: Select Project');
      await wb.quickPickRow(project).waitFor({ timeout: WAIT });
      await wb.pick(project);
      await wb.treeRows(view).first().waitFor({ timeout: 60_000 });
    }
    return { wb, settings };
  } catch (e) {
    await wb.close();
    settings.restore();
    throw e;
  }
}
