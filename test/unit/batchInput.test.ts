import { strict as assert } from 'node:assert';
import { BatchInputError, listPrefix, parseBatchSource, sourceMatches, validateBatchForm } from '../../src/serving/batch/input';

const ok = { input: 'gs://my-bucket/batch/in/*.jsonl', outputPrefix: 'gs://my-bucket/batch/out/', machineType: 'n1-standard-4' };

function rejects(f: Record<string, unknown>, field: string, re: RegExp) {
  assert.throws(() => validateBatchForm({ ...ok, ...f } as never), (e: unknown) => {
    assert.ok(e instanceof BatchInputError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, new RegExp(`^${field}: `));
    assert.match(e.message, re);
    return true;
  });
}

describe('batch prediction input', () => {
  it('accepts a gs:// wildcard in the last segment, a gs:// output prefix, an offered machine type and replica counts', () => {
    const r = validateBatchForm({ ...ok, startingReplicaCount: '2', maxReplicaCount: 5 });
    assert.deepEqual(r.source, { kind: 'gcs', uri: ok.input, bucket: 'my-bucket', dir: 'batch/in/', pattern: '*.jsonl' });
    assert.equal(r.outputPrefix, 'gs://my-bucket/batch/out');
    assert.equal(r.startingReplicaCount, 2);
    assert.equal(r.maxReplicaCount, 5);
    const d = validateBatchForm(ok);
    assert.deepEqual([d.startingReplicaCount, d.maxReplicaCount], [1, 1]);
  });

  it('accepts a BigQuery table id', () => {
    assert.deepEqual(parseBatchSource('bq://my-project.sales_ds.requests_2026'), { kind: 'bigquery', uri: 'bq://my-project.sales_ds.requests_2026', project: 'my-project', dataset: 'sales_ds', table: 'requests_2026' });
  });

  it('names the field of each bad input', () => {
    rejects({ input: '' }, 'input', /required/);
    rejects({ input: 'gs://my-bucket/*/part.jsonl' }, 'input', /only in the last path segment/);
    rejects({ input: 'gs://my-bucket/in/' }, 'input', /names a folder/);
    rejects({ input: 'gs://B!/x.jsonl' }, 'input', /not a valid bucket name/);
    rejects({ input: 's3://b/x.jsonl' }, 'input', /neither a gs:\/\/ URI nor a bq:\/\/ table id/);
    rejects({ input: 'bq://my-project.only_dataset' }, 'input', /not a BigQuery table id/);
    rejects({ outputPrefix: 'my-bucket/out' }, 'outputPrefix', /not a gs:\/\/ URI/);
    rejects({ outputPrefix: 'gs://my-bucket/out/*' }, 'outputPrefix', /wildcard/);
    rejects({ outputPrefix: undefined }, 'outputPrefix', /required/);
    rejects({ machineType: 'n1-standard-3' }, 'machineType', /not a machine type batch prediction offers/);
    rejects({ machineType: 42 }, 'machineType', /not a machine type/);
    rejects({ startingReplicaCount: 0 }, 'startingReplicaCount', /whole number from 1/);
    rejects({ startingReplicaCount: '1.5' }, 'startingReplicaCount', /whole number/);
    rejects({ startingReplicaCount: 3, maxReplicaCount: 2 }, 'maxReplicaCount', /less than the starting replica count 3/);
    rejects({ maxReplicaCount: 1001 }, 'maxReplicaCount', /1 to 1000/);
    rejects({ displayName: ' ' }, 'displayName', /must not be empty/);
  });

  it('matches object names the way the job reads them: the wildcard stays in its folder', () => {
    const s = parseBatchSource('gs://bkt/in/part-*.jsonl');
    if (s.kind !== 'gcs') throw new Error('gcs');
    assert.equal(listPrefix(s), 'in/part-');
    assert.ok(sourceMatches(s, 'in/part-0.jsonl'));
    assert.ok(sourceMatches(s, 'in/part-.jsonl'));
    assert.ok(!sourceMatches(s, 'in/sub/part-0.jsonl'));
    assert.ok(!sourceMatches(s, 'in/part-0.jsonl.bak'));
    assert.ok(!sourceMatches(s, 'other/part-0.jsonl'));
    const exact = parseBatchSource('gs://bkt/one.jsonl');
    if (exact.kind !== 'gcs') throw new Error('gcs');
    assert.ok(sourceMatches(exact, 'one.jsonl'));
    assert.ok(!sourceMatches(exact, 'one.jsonl2'));
  });
});
