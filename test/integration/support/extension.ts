// Shared by the in-host integration tests: the activated extension's API, the emulator's admin
// URL, and a settings helper that points the extension at the demo project.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { activate } from '../../../src/extension';

export type ExtensionApi = ReturnType<typeof activate>;

export const EXTENSION_ID = 'ml-serving.ml-serving-gcp';
export const DEMO_PROJECT = 'demo-project';
export const DEMO_REGION = 'us-central1';

export function emulatorAdmin(): string | undefined {
  return process.env.MLSERVING_EMULATOR || undefined;
}

export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not loaded`);
  return ext.activate();
}

/** Points the extension at the emulator's demo project and waits until the session has reset. */
export async function useDemoProject(): Promise<ExtensionApi> {
  const a = await api();
  const cfg = vscode.workspace.getConfiguration('mlServing');
  const changed = new Promise<void>(resolve => {
    const sub = a.services.session.onDidChange(() => { sub.dispose(); resolve(); });
    setTimeout(() => { sub.dispose(); resolve(); }, 3000);
  });
  if (cfg.get('project') !== DEMO_PROJECT) await cfg.update('project', DEMO_PROJECT, vscode.ConfigurationTarget.Workspace);
  if (JSON.stringify(cfg.get('regions')) !== JSON.stringify([DEMO_REGION])) await cfg.update('regions', [DEMO_REGION], vscode.ConfigurationTarget.Workspace);
  await changed;
  return a;
}

export async function emulatorPost(path: string, body: unknown): Promise<unknown> {
  const admin = emulatorAdmin();
  assert.ok(admin, 'MLSERVING_EMULATOR is not set');
  const res = await fetch(`${admin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `POST ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function emulatorDelete(path: string): Promise<void> {
  const admin = emulatorAdmin();
  assert.ok(admin);
  await fetch(`${admin}${path}`, { method: 'DELETE' });
}

/** Every node label under a tree node (one level), as VS Code would show them. */
export async function labels(provider: vscode.TreeDataProvider<any>, node?: unknown): Promise<string[]> {
  const kids = (await provider.getChildren(node as never)) ?? [];
  return Promise.all(kids.map(async k => String((await provider.getTreeItem(k)).label)));
}

/** Polls `get` until it returns something truthy; fails naming `what` after `ms`. */
export async function until<T>(get: () => T | undefined | false | 0, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}
