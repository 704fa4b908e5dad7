import { strict as assert } from 'node:assert';
import { DedupeWindow } from '../../src/serving/logs/dedupe';
import { quoteFilterValue, serviceIdOf, serviceLogFilter } from '../../src/serving/logs/filter';

describe('logs: de-duplication window', () => {
  it('reports a key seen before, once per key', () => {
    const d = new DedupeWindow(10);
    assert.equal(d.seen('a'), false);
    assert.equal(d.seen('b'), false);
    assert.equal(d.seen('a'), true);
    assert.equal(d.size, 2);
  });

  it('forgets the oldest keys beyond its capacity, and only those', () => {
    const d = new DedupeWindow(3);
    for (const k of ['1', '2', '3', '4', '5']) d.seen(k);
    assert.equal(d.has('1'), false);
    assert.equal(d.has('2'), false);
    assert.deepEqual(['3', '4', '5'].map(k => d.has(k)), [true, true, true]);
    assert.equal(d.size, 3);
    // many rounds keep the bound
    for (let i = 0; i < 1000; i++) d.seen(`k${i}`);
    assert.equal(d.size, 3);
    assert.equal(d.seen('k999'), true);
    assert.equal(d.seen('k996'), false);
  });

  it('rejects a bad capacity', () => {
    assert.throws(() => new DedupeWindow(0), /capacity/);
  });
});

describe('logs: filters', () => {
  it('service, revision and time', () => {
    assert.equal(serviceLogFilter({ service: 'retrieval' }), 'resource.type="cloud_run_revision" AND resource.labels.service_name="retrieval"');
    assert.equal(
      serviceLogFilter({ service: 'retrieval', revision: 'retrieval-00002-abc', since: new Date('2025-01-01T00:00:00Z'), minSeverity: 'WARNING' }),
      'resource.type="cloud_run_revision" AND resource.labels.service_name="retrieval" AND resource.labels.revision_name="retrieval-00002-abc" AND timestamp>="2025-01-01T00:00:00.000Z" AND severity>=WARNING',
    );
  });

  it('quotes values', () => {
    assert.equal(quoteFilterValue('a"b\\c'), '"a\\"b\\\\c"');
  });

  it('bad ids name the field', () => {
    assert.throws(() => serviceLogFilter({ service: 'Bad Name' }), /^Error: service:/);
    assert.throws(() => serviceLogFilter({ service: 'x" OR "1"="1' }), /^Error: service:/);
    assert.throws(() => serviceLogFilter({ service: 'ok', revision: 'a"b' }), /^Error: revision:/);
    assert.throws(() => serviceLogFilter({ service: 'ok', since: new Date('nope') }), /^Error: since:/);
  });

  it('service id from a resource name', () => {
    assert.equal(serviceIdOf('projects/p/locations/us-central1/services/retrieval'), 'retrieval');
    assert.equal(serviceIdOf('retrieval'), 'retrieval');
  });
});
