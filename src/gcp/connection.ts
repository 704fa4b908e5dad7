/**
 * Resolves where clients connect (Google or the local emulator) and which project to use.
 * No vscode import: the CLI shares it.
 */
import { runFile as execFile } from './execFile';
import { parseEndpoints, type Connection } from './endpoints';

/** GET <admin>/endpoints of the emulator. */
export async function fetchEmulatorEndpoints(adminUrl: string, signal?: AbortSignal): Promise<Connection> {
  let res: Response;
  try {
    res = await fetch(`${adminUrl}/endpoints`, { signal: signal ?? AbortSignal.timeout(5000) });
  } catch (e) {
    throw new Error(`The emulator at ${adminUrl} does not answer (${(e as Error).message}). Start it with "npm run emulator -- --demo" or clear the mlServing.emulator setting.`);
  }
  if (!res.ok) throw new Error(`The emulator at ${adminUrl} answered ${res.status} for /endpoints.`);
  return { kind: 'emulator', endpoints: parseEndpoints(await res.json()) };
}

/**
 * Who answers predictions behind the emulator's Cloud Run: `tensorflow` (the real server) or
 * `stand-in` (TypeScript, when the emulator has no Python with TensorFlow); undefined when unknown.
 */
export async function fetchEmulatorServing(adminUrl: string, signal?: AbortSignal): Promise<'tensorflow' | 'stand-in' | undefined> {
  try {
    const res = await fetch(`${adminUrl}/endpoints`, { signal: signal ?? AbortSignal.timeout(5000) });
    const serving = res.ok ? ((await res.json()) as { serving?: unknown }).serving : undefined;
    return serving === 'tensorflow' || serving === 'stand-in' ? serving : undefined;
  } catch {
    return undefined;
  }
}

/** gcloud's active project, or undefined when gcloud is missing or has none. execFile: never a shell. */
export function gcloudProject(timeoutMs = 5000): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile('gcloud', ['config', 'get-value', 'project', '--quiet'], { timeout: timeoutMs }, (err, stdout) => {
      const p = String(stdout ?? '').trim();
      resolve(!err && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(p) ? p : undefined);
    });
  });
}

/** Projects gcloud can list for the signed-in user (for the project picker). */
export function gcloudProjects(timeoutMs = 15000): Promise<Array<{ projectId: string; name?: string }>> {
  return new Promise(resolve => {
    execFile('gcloud', ['projects', 'list', '--format=json(projectId,name)', '--quiet'], { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout) => {
      if (err) return resolve([]);
      try {
        const list = JSON.parse(String(stdout)) as Array<{ projectId: string; name?: string }>;
        resolve(Array.isArray(list) ? list.filter(p => typeof p?.projectId === 'string') : []);
      } catch {
        resolve([]);
      }
    });
  });
}
