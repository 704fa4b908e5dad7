import * as vscode from 'vscode';
import { KEYS, parseSettings, type Settings } from './settingsSchema';

export const SECTION = 'mlServing';

/** The one typed accessor for settings. Problems are returned so the caller can report them once. */
export function readSettings(): { settings: Settings; problems: string[] } {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return parseSettings(k => cfg.get(k), process.env);
}

export async function writeSetting<K extends keyof Settings>(key: K, value: Settings[K], target = vscode.ConfigurationTarget.Workspace): Promise<void> {
  // Without a folder open there is no workspace scope: remember it for the user instead.
  const t = vscode.workspace.workspaceFolders?.length ? target : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update(KEYS[key], value, t);
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
