/**
 * Saved request payloads per service, in a workspace file meant to be committed
 * (`.vscode/ml-serving/requests.json`) or, without a folder, in workspace state; plus a short
 * history of sent requests in workspace state. No vscode import: the state is passed in.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HistoryEntry, SavedPayload } from '../../protocol/predict';

export const REQUESTS_FILE = path.join('.vscode', 'ml-serving', 'requests.json');
export const HISTORY_LIMIT = 20;

/** The file's shape: payloads by service resource name. */
export interface RequestsFile {
  version: 1;
  services: Record<string, SavedPayload[]>;
}

export interface JsonStore {
  read(): RequestsFile;
  write(f: RequestsFile): void;
  /** For messages: the file path or "workspace state". */
  where: string;
}

/** The subset of vscode.Memento used here. */
export interface KeyValue {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const empty = (): RequestsFile => ({ version: 1, services: {} });

function checkFile(v: unknown, where: string): RequestsFile {
  if (typeof v !== 'object' || v === null || typeof (v as RequestsFile).services !== 'object' || (v as RequestsFile).services === null) {
    throw new Error(`${where}: expected {"version": 1, "services": {...}}`);
  }
  const services: Record<string, SavedPayload[]> = {};
  for (const [k, list] of Object.entries((v as RequestsFile).services)) {
    if (!Array.isArray(list)) throw new Error(`${where}: services["${k}"]: expected a list of payloads`);
    services[k] = list.filter((p): p is SavedPayload => typeof p?.name === 'string' && typeof p?.body === 'string' && typeof p?.signature === 'string')
      .map(p => ({ name: p.name, signature: p.signature, body: p.body, savedAt: typeof p.savedAt === 'string' ? p.savedAt : '' }));
  }
  return { version: 1, services };
}

export function fileStore(file: string): JsonStore {
  return {
    where: file,
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty();
        throw e;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Error(`${file}: not valid JSON (${(e as Error).message}); fix or delete it`);
      }
      return checkFile(json, file);
    },
    write(f) {
      mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: a crash never leaves a half-written file in the user's repository.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(f, null, 2) + '\n');
      renameSync(tmp, file);
    },
  };
}

export function stateStore(state: KeyValue, key = 'mlServing.predict.payloads'): JsonStore {
  return {
    where: 'workspace state',
    read: () => checkFile(state.get(key) ?? empty(), 'workspace state'),
    write: f => void state.update(key, f),
  };
}

export class PayloadStore {
  constructor(private readonly store: JsonStore, private readonly history: KeyValue) {}

  get where(): string {
    return this.store.where;
  }

  list(service: string): SavedPayload[] {
    return [...(this.store.read().services[service] ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Saves or replaces the payload of that name. */
  save(service: string, p: Omit<SavedPayload, 'savedAt'>, now = new Date()): SavedPayload {
    const name = p.name.trim();
    if (!name) throw new Error('name: required');
    const f = this.store.read();
    const saved: SavedPayload = { name, signature: p.signature, body: p.body, savedAt: now.toISOString() };
    f.services[service] = [...(f.services[service] ?? []).filter(x => x.name !== name), saved];
    this.store.write(f);
    return saved;
  }

  delete(service: string, name: string): boolean {
    const f = this.store.read();
    const before = f.services[service] ?? [];
    const after = before.filter(x => x.name !== name);
    if (after.length === before.length) return false;
    if (after.length) f.services[service] = after;
    else delete f.services[service];
    this.store.write(f);
    return true;
  }

  recent(service: string): HistoryEntry[] {
    return this.history.get<HistoryEntry[]>(this.historyKey(service)) ?? [];
  }

  async addHistory(service: string, e: HistoryEntry): Promise<HistoryEntry[]> {
    const list = [e, ...this.recent(service).filter(x => x.body !== e.body || x.signature !== e.signature)].slice(0, HISTORY_LIMIT);
    await this.history.update(this.historyKey(service), list);
    return list;
  }

  private historyKey(service: string): string {
    return `mlServing.predict.history:${service}`;
  }
}
