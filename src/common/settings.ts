import * as vscode from 'vscode';
import { KEYS, USER_ONLY, parseSettings, type Settings } from './settingsSchema';

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
      ignored.push(`${SECTION}.${k}: the workspace's value ${JSON.stringify(fromWorkspace)} is ignored; only your user settings can set it (a repository must not choose the image, identity or endpoint a deploy uses)`);
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
