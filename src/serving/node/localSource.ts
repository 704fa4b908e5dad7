/** ModelFileSource over the local file system (node:fs). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SavedModelError } from '../savedModel/errors';
import type { ModelFileSource } from '../savedModel/types';

export function localFileSource(): ModelFileSource {
  return {
    async list(dir) {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw fsError(e, path.resolve(dir), 'folder');
      }
      return Promise.all(
        entries.map(async e => {
          // Follow symlinks: a model folder is often a link into a shared cache.
          const isDir = e.isDirectory() || (e.isSymbolicLink() && (await fs.stat(path.join(dir, e.name)).then(s => s.isDirectory(), () => false)));
          return isDir ? `${e.name}/` : e.name;
        }),
      );
    },
    async read(file) {
      try {
        return new Uint8Array(await fs.readFile(file));
      } catch (e) {
        throw fsError(e, path.resolve(file), 'file');
      }
    },
    describe: p => path.resolve(p),
  };
}

function fsError(e: unknown, where: string, kind: 'folder' | 'file'): SavedModelError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SavedModelError('not-found', `${where}: no such ${kind}`);
  if (code === 'ENOTDIR') return new SavedModelError('not-found', `${where}: not a folder`);
  return new SavedModelError('io', `${where}: ${(e as Error).message}`);
}
