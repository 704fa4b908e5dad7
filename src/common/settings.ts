import * as vscode from 'vscode';
import { KEYS, USER_ONLY, parseJsonc, parseSettings, type Settings } from './settingsSchema';

export const SECTION = 'mlServing';

const USER_ONLY_KEYS = new Set(USER_ONLY.map(k => KEYS[k]));

/**
 * The one typed accessor for settings. Problems are returned so the caller can report them once.
 * Images, the runtime service account and the emulator URL are read from user settings only
 * (`inspect()`): a value a workspace sets (a cloned repository's .vscode/settings.json) is ignored
 * and reported, whatever scope VS Code gave it.
 */
export function readSettings(): { settings: Settings; problems: string[] } {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const ignored: string[] = [];
  const parsed = parseSettings(k => {
    if (!USER_ONLY_KEYS.has(k)) return cfg.get(k);
    const i = cfg.inspect(k);
    const fromWorkspace = i?.workspaceFolderValue ?? i?.workspaceValue;
    if (fromWorkspace !== undefined && fromWorkspace !== '') {
      ignored.push(ignoredMessage(`${SECTION}.${k}`, fromWorkspace));
    }
    return i?.globalValue ?? i?.defaultValue;
  }, process.env);
  return { settings: parsed.settings, problems: [...ignored, ...parsed.problems] };
}

export async function writeSetting<K extends keyof Settings>(key: K, value: Settings[K], target = vscode.ConfigurationTarget.Workspace): Promise<void> {
  // Without a folder open there is no workspace scope: remember it for the user instead.
  // User-only settings are always written to the user's settings.
  const t = vscode.workspace.workspaceFolders?.length && !USER_ONLY.includes(key) ? target : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update(KEYS[key], value, t);
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

function ignoredMessage(key: string, value: unknown): string {
  return `${key}: the workspace's value ${JSON.stringify(value)} is ignored; only your user settings can set it (a repository must not choose the image, identity or endpoint a deploy uses)`;
}

/**
 * User-only settings a workspace tries to set. VS Code drops machine-scoped values from workspace
 * settings before `inspect()` sees them, so the files themselves are read to tell the user.
 */
export async function ignoredWorkspaceValues(): Promise<string[]> {
  const files: Array<{ uri: vscode.Uri; nested: boolean }> = (vscode.workspace.workspaceFolders ?? [])
    .map(f => ({ uri: vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'), nested: false }));
  if (vscode.workspace.workspaceFile?.scheme === 'file') files.push({ uri: vscode.workspace.workspaceFile, nested: true });
  const out: string[] = [];
  for (const f of files) {
    let values: Record<string, unknown> | undefined;
    try {
      const parsed = parseJsonc(new TextDecoder().decode(await vscode.workspace.fs.readFile(f.uri))) as Record<string, unknown>;
      values = (f.nested ? parsed?.settings : parsed) as Record<string, unknown> | undefined;
    } catch {
      continue; // no file, or not JSON: VS Code reports a broken settings file itself
    }
    for (const k of USER_ONLY_KEYS) {
      const v = values?.[`${SECTION}.${k}`];
      if (v !== undefined && v !== '') out.push(ignoredMessage(`${SECTION}.${k}`, v));
    }
  }
  return out;
}

const reported = new Set<string>();

/** Tells the user, once per value, that a workspace tried to set a user-only setting. */
export async function reportIgnoredWorkspaceValues(): Promise<void> {
  for (const m of await ignoredWorkspaceValues()) {
    if (reported.has(m)) continue;
    reported.add(m);
    void vscode.window.showWarningMessage(`ML Serving settings: ${m}.`);
  }
}
