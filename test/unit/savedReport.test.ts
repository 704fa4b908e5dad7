import { strict as assert } from 'node:assert';
import { reportBaseName, reportProblems, savedReport, servingRevisions } from '../../src/serving/reports/savedReport';

describe('saved load-test and comparison reports (issue 18)', () => {
  it('names a load test after the service, revision, model version and UTC time, safe as a file name', () => {
    assert.equal(reportBaseName({ kind: 'load-test', service: 'recsys', revision: 'recsys-00003-abc', modelVersion: '2', savedAt: '2026-11-30T13:15:02.123Z' }),
      'recsys-00003-abc-v2-20261130T131502Z');
    assert.equal(reportBaseName({ kind: 'load-test', service: 'recsys', revision: 'other-rev', savedAt: '2026-01-02T03:04:05Z' }),
      'recsys-other-rev-20260102T030405Z', 'no version: no v part; a foreign revision id is kept whole');
    const hostile = reportBaseName({ kind: 'load-test', service: '../../etc', revision: 'a/b\\c d', modelVersion: '1 ; rm', savedAt: '2026-01-02T03:04:05Z' });
    assert.match(hostile, /^[A-Za-z0-9._-]+$/);
    assert.ok(!hostile.includes('..'), hostile);
  });

  it('names a comparison after both revisions, reference first', () => {
    assert.equal(reportBaseName({ kind: 'comparison', service: 'svc', revision: 'svc-00002-bbb', against: 'svc-00001-aaa', modelVersion: '7', savedAt: '2026-11-30T00:00:00Z' }),
      'svc-vs-00001-aaa-00002-bbb-v7-20261130T000000Z');
  });

  it('two runs a second apart get different names that sort by time', () => {
    const a = reportBaseName({ kind: 'load-test', service: 's', revision: 's-00001-x', savedAt: '2026-11-30T09:59:59Z' });
    const b = reportBaseName({ kind: 'load-test', service: 's', revision: 's-00001-x', savedAt: '2026-11-30T10:00:00Z' });
    assert.notEqual(a, b);
    assert.ok(a < b);
  });

  it('rejects a date that is not one, naming savedAt', () => {
    assert.throws(() => reportBaseName({ kind: 'load-test', service: 's', revision: 'r', savedAt: 'yesterday' }), /savedAt/);
  });

  it('a record it writes validates; a record read back with bad fields names each field', () => {
    const ok = savedReport({ kind: 'load-test', service: 's', revision: 'r', savedAt: '2026-11-30T10:00:00Z' }, { goodput: 1 });
    assert.deepEqual(reportProblems(JSON.parse(JSON.stringify(ok))), []);
    assert.deepEqual(reportProblems([]), ['report: expected a JSON object']);
    const bad = reportProblems({ format: 'x', version: 2, meta: { kind: 'bench', service: '', revision: 3, modelVersion: 4, savedAt: 'never' }, data: [] });
    for (const f of ['format', 'version', 'meta.kind', 'meta.service', 'meta.revision', 'meta.modelVersion', 'meta.savedAt', 'data']) {
      assert.ok(bad.some(p => p.startsWith(`${f}:`)), `${f} named in ${JSON.stringify(bad)}`);
    }
    assert.deepEqual(reportProblems({ ...ok, meta: undefined }), ['meta: expected an object']);
  });

  it('a load test names the revisions its service URL really reaches', () => {
    assert.equal(servingRevisions([{ revision: 'r1', percent: 100 }], 'r2'), 'r1');
    assert.equal(servingRevisions([{ revision: 'r1', percent: 90 }, { revision: 'r2', percent: 10 }, { revision: 'r3', percent: 0 }]), 'r1+r2');
    assert.equal(servingRevisions([], 'r2'), 'r2');
    assert.equal(servingRevisions([]), 'unknown');
    assert.equal(servingRevisions([{ revision: 'projects/p/locations/r/services/s/revisions/s-00002-abc', percent: 100 }]), 's-00002-abc', 'the id, not the resource name');
    assert.equal(servingRevisions([], 'projects/p/locations/r/services/s/revisions/s-00001-x'), 's-00001-x');
  });
});
