import { strict as assert } from 'node:assert';
import { gcsFileSource, parseGcsUri, type BucketLike, type GetFilesQuery, type StorageLike } from '../../src/gcp/storageSource';
import { encodeSavedModel } from '../../src/serving/savedModel/encode';
import { inspectModelFolder } from '../../src/serving/savedModel/inspect';
import { plainSpec } from './helpers/savedModelFixtures';

/**
 * An in-memory stand-in with the Storage client's listing contract: with a delimiter and
 * autoPaginate:false, getFiles resolves [files, nextQuery|null, apiResponse{prefixes}], one page
 * at a time. The real client against the emulator is covered by the integration tests.
 */
function fakeStorage(objects: Record<string, Uint8Array>, pageSize = 2): StorageLike & { queries: GetFilesQuery[] } {
  const queries: GetFilesQuery[] = [];
  const bucket = (name: string): BucketLike => ({
    async getFiles(query) {
      queries.push(query);
      if (name !== 'models') throw Object.assign(new Error('The specified bucket does not exist.'), { code: 404 });
      const prefix = query.prefix ?? '';
      const entries: Array<{ kind: 'file' | 'prefix'; name: string }> = [];
      const seen = new Set<string>();
      for (const key of Object.keys(objects).sort()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const i = query.delimiter ? rest.indexOf(query.delimiter) : -1;
        if (i < 0) entries.push({ kind: 'file', name: key });
        else if (!seen.has(prefix + rest.slice(0, i + 1))) {
          seen.add(prefix + rest.slice(0, i + 1));
          entries.push({ kind: 'prefix', name: prefix + rest.slice(0, i + 1) });
        }
      }
      const start = Number(query.pageToken ?? 0);
      const page = entries.slice(start, start + pageSize);
      const next = start + pageSize < entries.length ? { ...query, pageToken: String(start + pageSize) } : null;
      return [page.filter(e => e.kind === 'file').map(e => ({ name: e.name })), next, { prefixes: page.filter(e => e.kind === 'prefix').map(e => e.name) }];
    },
    file(key) {
      return {
        async download() {
          const b = objects[key];
          if (!b) throw Object.assign(new Error(`No such object: ${name}/${key}`), { code: 404 });
          return [b];
        },
      };
    },
  });
  return { bucket, queries };
}

describe('gcsFileSource', function () {
  const pb = encodeSavedModel(plainSpec);
  const objects = {
    'pipelines/run1/pushed_model/': new Uint8Array(0), // a "folder" placeholder object
    'pipelines/run1/pushed_model/1700000000/saved_model.pb': pb,
    'pipelines/run1/pushed_model/1700000000/variables/variables.index': new Uint8Array([1]),
    'pipelines/run1/pushed_model/1700000001/saved_model.pb': pb,
    'pipelines/run1/pushed_model/README.md': new TextEncoder().encode('# hi'),
  };

  it('lists files and folder prefixes across pages, with delimiter and autoPaginate:false', async function () {
    const storage = fakeStorage(objects);
    const names = await gcsFileSource(storage).list('gs://models/pipelines/run1/pushed_model/');
    assert.deepEqual(names.sort(), ['1700000000/', '1700000001/', 'README.md']);
    assert.ok(storage.queries.length >= 2, 'followed nextQuery');
    for (const q of storage.queries) {
      assert.equal(q.prefix, 'pipelines/run1/pushed_model/');
      assert.equal(q.delimiter, '/');
      assert.equal(q.autoPaginate, false);
    }
  });

  it('reads objects and inspects a pushed model end to end', async function () {
    const ins = await inspectModelFolder(gcsFileSource(fakeStorage(objects)), 'gs://models/pipelines/run1/pushed_model');
    assert.deepEqual(ins.errors, []);
    assert.equal(ins.version, '1700000001');
    assert.equal(ins.modelDir, 'gs://models/pipelines/run1/pushed_model/1700000001');
    assert.equal(ins.signatures.serving_default.inputs.x.dtype, 'DT_FLOAT');
  });

  it('a missing bucket becomes a not-found error naming the path', async function () {
    const ins = await inspectModelFolder(gcsFileSource(fakeStorage(objects)), 'gs://other/x');
    assert.equal(ins.errorCode, 'not-found');
    assert.match(ins.errors[0], /^gs:\/\/other\/x: not found/);
  });

  it('parseGcsUri checks the bucket and path', function () {
    assert.deepEqual(parseGcsUri('gs://models/a/b/'), { bucket: 'models', key: 'a/b' });
    assert.deepEqual(parseGcsUri('gs://models'), { bucket: 'models', key: '' });
    assert.throws(() => parseGcsUri('gs://Models/a'), /"Models" is not a valid bucket name/);
    assert.throws(() => parseGcsUri('gs:///a'), /"" is not a valid bucket name/);
    assert.throws(() => parseGcsUri('s3://b/a'), /expected gs:\/\/BUCKET\/PATH/);
    assert.throws(() => parseGcsUri('gs://models/a//b'), /empty/);
  });
});
