import { strict as assert } from 'node:assert';
import { parseFilter, FilterSyntaxError } from '../filter/parse';
import { compileLogFilter } from '../filter/logging';
import { compileResourceFilter } from '../filter/resource';
import { LogStore } from '../logging/store';

describe('filter parser', () => {
  it('parses comparisons, implicit AND, and OR binding tighter than AND', () => {
    const n = parseFilter('resource.type="cloud_run_revision" a OR b AND severity>=WARNING');
    assert.equal(n.kind, 'and');
    if (n.kind !== 'and') return;
    assert.equal(n.items.length, 3);
    assert.deepEqual(n.items[0], { kind: 'compare', field: ['resource', 'type'], op: '=', value: { text: 'cloud_run_revision', quoted: true } });
    assert.equal(n.items[1].kind, 'or');
    assert.deepEqual(n.items[2], { kind: 'compare', field: ['severity'], op: '>=', value: { text: 'WARNING', quoted: false } });
  });

  it('parses NOT, -term, parentheses, value lists, quoted path segments and log_id()', () => {
    assert.equal(parseFilter('NOT severity=INFO').kind, 'not');
    assert.equal(parseFilter('-"timeout"').kind, 'not');
    const list = parseFilter('severity=(ERROR OR CRITICAL)');
    assert.equal(list.kind, 'or');
    const quoted = parseFilter('labels."a key"="v"');
    assert.deepEqual(quoted.kind === 'compare' && quoted.field, ['labels', 'a key']);
    const call = parseFilter('log_id("run.googleapis.com/stderr")');
    assert.deepEqual(call, { kind: 'call', name: 'log_id', args: [{ text: 'run.googleapis.com/stderr', quoted: true }] });
    assert.deepEqual(parseFilter('  '), { kind: 'all' });
  });

  it('rejects malformed filters with the position', () => {
    assert.throws(() => parseFilter('severity>='), FilterSyntaxError);
    assert.throws(() => parseFilter('(a AND b'), /expected "\)"/);
    assert.throws(() => parseFilter('textPayload="open'), /unterminated string/);
    assert.throws(() => parseFilter('a AND'), /unexpected end/);
  });
});

describe('Cloud Logging filter semantics', () => {
  const store = new LogStore();
  const base = { logName: 'projects/p/logs/run.googleapis.com%2Fstderr', resource: { type: 'cloud_run_revision', labels: { service_name: 'svc', revision_name: 'svc-00001-abc' } } };
  const e1 = store.append({ ...base, severity: 'INFO', textPayload: 'Model loaded', timestamp: '2024-01-01T00:00:00Z' });
  const e2 = store.append({ ...base, severity: 'ERROR', textPayload: "Op type not registered 'Scann>ScannSearchBatched'", timestamp: '2024-01-02T00:00:00Z' });
  const e3 = store.append({ ...base, logName: 'projects/p/logs/run.googleapis.com%2Frequests', resource: { type: 'cloud_run_revision', labels: { service_name: 'other', revision_name: 'other-00001-xyz' } }, jsonPayload: { message: 'predict', latency_ms: 42 }, timestamp: '2024-01-03T00:00:00Z' });
  const pick = (f: string) => [e1, e2, e3].filter(compileLogFilter(f)).map(e => e.insertId);

  it('compares severity by rank, timestamps by time', () => {
    assert.deepEqual(pick('severity>=WARNING'), [e2.insertId]);
    assert.deepEqual(pick('severity<ERROR'), [e1.insertId, e3.insertId]); // unset severity is DEFAULT
    assert.deepEqual(pick('timestamp>="2024-01-02T00:00:00Z" AND timestamp<="2024-01-02T23:59:59Z"'), [e2.insertId]);
  });

  it('matches resource labels, logName, log_id(), jsonPayload fields and free text', () => {
    assert.deepEqual(pick('resource.type="cloud_run_revision" AND resource.labels.service_name="svc"'), [e1.insertId, e2.insertId]);
    assert.deepEqual(pick('resource.labels.revision_name="other-00001-xyz"'), [e3.insertId]);
    assert.deepEqual(pick('logName="projects/p/logs/run.googleapis.com%2Frequests"'), [e3.insertId]);
    assert.deepEqual(pick('log_id("run.googleapis.com/stderr")'), [e1.insertId, e2.insertId]);
    assert.deepEqual(pick('jsonPayload.latency_ms>40'), [e3.insertId]);
    assert.deepEqual(pick('"scannsearchbatched"'), [e2.insertId]);
    assert.deepEqual(pick('textPayload:"loaded"'), [e1.insertId]);
    assert.deepEqual(pick('NOT resource.labels.service_name="svc"'), [e3.insertId]);
  });

  it('rejects unknown severities and bad times', () => {
    assert.throws(() => compileLogFilter('severity>=WARN'), /severity: unknown level "WARN"/);
    assert.throws(() => compileLogFilter('timestamp>="yesterday"'), /not an RFC 3339 time/);
  });
});

describe('Vertex list filters', () => {
  const items = [
    { name: 'a', displayName: 'recsys-retrieval', state: 'PIPELINE_STATE_SUCCEEDED', created: Date.parse('2024-05-01T00:00:00Z'), labels: { model_type: 'retrieval' } },
    { name: 'b', displayName: 'recsys-ranking', state: 'PIPELINE_STATE_FAILED', created: Date.parse('2024-06-01T00:00:00Z'), labels: {} as Record<string, string> },
  ];
  const schema = {
    fields: {
      display_name: { type: 'string' as const, get: (i: typeof items[0]) => i.displayName },
      state: { type: 'string' as const, get: (i: typeof items[0]) => i.state },
      create_time: { type: 'time' as const, get: (i: typeof items[0]) => i.created },
    },
    labels: (i: typeof items[0]) => i.labels,
  };
  const pick = (f: string) => items.filter(compileResourceFilter(f, schema)).map(i => i.name);

  it('supports =, !=, : wildcards, labels and times in snake or camel case', () => {
    assert.deepEqual(pick('state="PIPELINE_STATE_FAILED"'), ['b']);
    assert.deepEqual(pick('state!="PIPELINE_STATE_FAILED"'), ['a']);
    assert.deepEqual(pick('displayName:"recsys-r*"'), ['a', 'b']);
    assert.deepEqual(pick('display_name:"*ranking"'), ['b']);
    assert.deepEqual(pick('labels.model_type="retrieval"'), ['a']);
    assert.deepEqual(pick('labels.model_type:*'), ['a']);
    assert.deepEqual(pick('create_time>"2024-05-15T00:00:00Z"'), ['b']);
    assert.deepEqual(pick('state="PIPELINE_STATE_FAILED" OR labels:model_type'), ['a', 'b']);
  });

  it('names an unsupported field', () => {
    assert.throws(() => pick('owner="me"'), /filter: unsupported field "owner"/);
    assert.throws(() => pick('create_time>"soon"'), /RFC 3339/);
  });
});
