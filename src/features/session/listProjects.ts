import { gcloudProjects } from '../../gcp/connection';

export interface ProjectChoice {
  projectId: string;
  name?: string;
}

/** Projects to offer: the emulator's own (GET <admin>/projects) or those gcloud can list. */
export async function listProjects(emulatorAdmin: string): Promise<ProjectChoice[]> {
  if (!emulatorAdmin) return gcloudProjects();
  try {
    const res = await fetch(`${emulatorAdmin}/projects`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return [];
    const body = (await res.json()) as unknown;
    return Array.isArray(body) ? body.filter((p): p is ProjectChoice => typeof p?.projectId === 'string') : [];
  } catch {
    return [];
  }
}
