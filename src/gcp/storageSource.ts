/**
 * ModelFileSource over Cloud Storage (`gs://bucket/prefix`). Typed against the few Storage client
 * members it uses, so src/serving needs no @google-cloud import and tests can pass the real client
 * pointed at the emulator (the Storage class comes from bundles.ts `loadStorage()`).
 */
import { SavedModelError } from '../serving/savedModel/errors';
import type { ModelFileSource } from '../serving/savedModel/types';

/** The part of `@google-cloud/storage` Storage this source calls. */
export interface StorageLike {
  bucket(name: string): BucketLike;
}
export interface GetFilesQuery {
  prefix?: string;
  delimiter?: string;
  autoPaginate?: boolean;
  pageToken?: string;
}
export interface BucketLike {
  getFiles(query: GetFilesQuery): Promise<[Array<{ name: string }>, unknown, unknown]>;
  file(name: string): { download(): Promise<[Uint8Array]> };
}

export interface GcsLocation {
  bucket: string;
  /** Object name or folder prefix, without a leading or trailing slash ('' for the bucket root). */
  key: string;
}

/** Parse `gs://bucket[/path]`; throws an Error naming what is wrong. */
export function parseGcsUri(uri: string): GcsLocation {
  const m = /^gs:\/\/([^/]*)(?:\/(.*))?$/.exec(uri);
  if (!m) throw new Error(`"${uri}": expected gs://BUCKET/PATH`);
  const bucket = m[1];
  // Bucket names: 3-63 (or dotted up to 222) lowercase letters, digits, -, _ and dots.
  if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket)) throw new Error(`"${uri}": "${bucket}" is not a valid bucket name`);
  const key = (m[2] ?? '').replace(/\/+$/, '');
  if (key !== '' && key.split('/').some(s => s === '' || s === '.' || s === '..')) throw new Error(`"${uri}": the path has an empty, '.' or '..' segment`);
  return { bucket, key };
}

export function gcsFileSource(storage: StorageLike): ModelFileSource {
  return {
    async list(dir) {
      const { bucket, key } = parseGcsUri(dir);
      const prefix = key ? `${key}/` : '';
      const out: string[] = [];
      let query: GetFilesQuery | null = { prefix, delimiter: '/', autoPaginate: false };
      try {
        while (query) {
          // autoPaginate:false is what makes the folder prefixes come back (third element).
          const [files, next, response]: [Array<{ name: string }>, unknown, unknown] = await storage.bucket(bucket).getFiles(query);
          for (const f of files) if (f.name !== prefix) out.push(f.name.slice(prefix.length));
          for (const p of ((response as { prefixes?: string[] } | undefined)?.prefixes ?? [])) out.push(p.slice(prefix.length));
          // nextQuery is the same query plus a pageToken, or null after the last page.
          query = next && typeof next === 'object' && (next as GetFilesQuery).pageToken ? (next as GetFilesQuery) : null;
        }
      } catch (e) {
        throw gcsError(e, dir);
      }
      return out;
    },
    async read(file) {
      const { bucket, key } = parseGcsUri(file);
      try {
        const [bytes] = await storage.bucket(bucket).file(key).download();
        return bytes;
      } catch (e) {
        throw gcsError(e, file);
      }
    },
    describe: p => p.replace(/\/+$/, ''),
  };
}

function gcsError(e: unknown, where: string): SavedModelError {
  const code = (e as { code?: unknown }).code;
  const message = (e as Error)?.message ?? String(e);
  if (code === 404) return new SavedModelError('not-found', `${where}: not found (${message})`);
  if (code === 401 || code === 403) return new SavedModelError('io', `${where}: access denied (${message}); check your credentials and the bucket's IAM`);
  return new SavedModelError('io', `${where}: ${message}`);
}
