// Entry normalisation and formatting, with the real Cloud Run entries in ../shared/fixtures and
// entries run through the client library's own conversion (Entry.fromApiResponse_).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { Entry } from '@google-cloud/logging';
import { normalizeEntry, shortLogName, durationMs, type LogLine } from '../../src/serving/logs/entry';
import { formatLine, formatLatency } from '../../src/serving/logs/format';
import { inferSeverity, parseSeverity } from '../../src/serving/logs/severity';
import { FIXTURES, fixture } from './helpers/fixtures';

/** The JSON objects of a markdown file: top-level `{ ... }` blocks, found by brace depth outside strings. */
function jsonObjectsIn(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

describe('logs: real Cloud Run entries (fixtures)', function () {
  let raw: Array<Record<string, any>> = [];
  let lines: LogLine[] = [];

  before(function () {
    const file = FIXTURES && fixture('gcp/logging/cloud_run_revision_entries.md');
    if (!file || !fs.existsSync(file)) this.skip();
    raw = jsonObjectsIn(fs.readFileSync(file, 'utf8')) as Array<Record<string, any>>;
    lines = raw.map(normalizeEntry);
  });

  it('reads every entry of the file', () => {
    // The file's own count of insertIds: each object is one entry.
    const text = fs.readFileSync(fixture('gcp/logging/cloud_run_revision_entries.md'), 'utf8');
    assert.equal(raw.length, (text.match(/"insertId"/g) ?? []).length);
    assert.ok(raw.length > 0);
  });

  it('keeps insertId, time, revision, service and the log id of each entry', () => {
    for (const [i, line] of lines.entries()) {
      const e = raw[i];
      assert.equal(line.insertId, e.insertId);
      assert.equal(line.key, e.insertId);
      assert.equal(line.timestamp, Date.parse(e.timestamp));
      assert.equal(line.revision, e.resource.labels.revision_name);
      assert.equal(line.service, e.resource.labels.service_name);
      assert.equal(line.message, e.textPayload);
      assert.ok(['stdout', 'stderr'].includes(line.log), `log ${line.log} from ${e.logName}`);
      assert.equal(line.log, decodeURIComponent(e.logName.split('/logs/')[1]).replace('run.googleapis.com/', ''));
    }
  });

  it('reads the level from gunicorn prefixes when the entry has no severity', () => {
    const gunicorn = lines.filter(l => /^\[[^\]]+\] \[\d+\] \[INFO\]/.test(l.message));
    assert.ok(gunicorn.length >= 3, 'the fixture has gunicorn startup lines');
    for (const l of gunicorn) assert.equal(l.severity, 'INFO');
    const plain = lines.find(l => l.message.startsWith('DEBUG: Effective config name'));
    assert.ok(plain);
    // "DEBUG:" in an app's own text is not a known prefix: it stays DEFAULT, as Cloud Logging has it.
    assert.equal(plain.severity, 'DEFAULT');
  });

  it('formats readable lines: time, severity, revision, message', () => {
    const first = lines[0];
    const text = formatLine(first);
    assert.equal(text, `2025-08-19 20:57:37.523Z INFO    cerberus-backend-00123-kl6 [2025-08-19 20:57:37 +0000] [1] [INFO] Starting gunicorn 23.0.0`);
    for (const l of lines) {
      const t = formatLine(l);
      assert.ok(t.includes(l.revision!), t);
      assert.ok(t.endsWith(l.message.replace(/\n$/, '').split('\n').pop()!), t);
    }
  });
});

describe('logs: entries as the client library hands them over', () => {
  const ts = { seconds: '1755637057', nanos: 523504000 };
  const resource = { type: 'cloud_run_revision', labels: { service_name: 'retrieval', revision_name: 'retrieval-00002-abc', location: 'us-central1' } };

  it('a request log: method, status, latency, URL', () => {
    const e = Entry.fromApiResponse_({
      logName: 'projects/p/logs/run.googleapis.com%2Frequests', resource, timestamp: ts, severity: 'WARNING', insertId: 'req1',
      httpRequest: { requestMethod: 'POST', requestUrl: 'https://retrieval-xyz.a.run.app/v1/models/retrieval:predict', status: 404, latency: { seconds: '0', nanos: 23_400_000 }, responseSize: '65', userAgent: 'curl/8.5.0' },
    } as any);
    const line = normalizeEntry(e);
    assert.deepEqual(line.request, { method: 'POST', url: 'https://retrieval-xyz.a.run.app/v1/models/retrieval:predict', status: 404, latencyMs: 23.4, responseSize: 65, userAgent: 'curl/8.5.0' });
    assert.equal(line.log, 'requests');
    assert.equal(line.severity, 'WARNING');
    assert.equal(line.message, 'POST 404 23 ms https://retrieval-xyz.a.run.app/v1/models/retrieval:predict');
    // The client turns the Timestamp into a Date: millisecond precision.
    assert.equal(line.timestamp, 1755637057523);
  });

  it('a JSON payload: its message as the line, the object kept for expand', () => {
    const e = Entry.fromApiResponse_({
      logName: 'projects/p/logs/run.googleapis.com%2Fstdout', resource, timestamp: ts, severity: 'ERROR', insertId: 'j1', payload: 'jsonPayload',
      // Struct values as the gRPC decoder gives them (oneof `kind` named).
      jsonPayload: { fields: { message: { kind: 'stringValue', stringValue: 'predict failed' }, model: { kind: 'stringValue', stringValue: 'retrieval' }, k: { kind: 'numberValue', numberValue: 100 }, tags: { kind: 'listValue', listValue: { values: [{ kind: 'stringValue', stringValue: 'a' }] } } } },
    } as any);
    const line = normalizeEntry(e);
    assert.equal(line.message, 'predict failed');
    assert.deepEqual(line.json, { message: 'predict failed', model: 'retrieval', k: 100, tags: ['a'] });
    assert.equal(line.severity, 'ERROR');
  });

  it('a JSON payload without a message field shows as compact JSON', () => {
    const line = normalizeEntry({ timestamp: '2025-01-01T00:00:00Z', jsonPayload: { a: 1 }, insertId: 'x' });
    assert.equal(line.message, '{"a":1}');
  });

  it('a text payload from the client, severity given as a number', () => {
    const e = Entry.fromApiResponse_({ logName: 'projects/p/logs/run.googleapis.com%2Fstderr', resource, timestamp: ts, severity: 500, insertId: 't1', payload: 'textPayload', textPayload: 'boom' } as any);
    const line = normalizeEntry(e);
    assert.equal(line.message, 'boom');
    assert.equal(line.severity, 'ERROR');
  });

  it('an audit log (protoPayload in JSON form): method and status message', () => {
    const line = normalizeEntry({ timestamp: '2025-01-01T00:00:00Z', logName: 'projects/p/logs/cloudaudit.googleapis.com%2Fsystem_event', protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', methodName: 'v1.run.services.replaceService', status: { message: 'Ready condition status changed to False' } } });
    assert.equal(line.protoType, 'google.cloud.audit.AuditLog');
    assert.equal(line.message, 'v1.run.services.replaceService Ready condition status changed to False');
    assert.equal(line.log, 'cloudaudit.googleapis.com/system_event');
  });

  it('bad input names the field', () => {
    assert.throws(() => normalizeEntry(null), /entry: expected an object/);
    assert.throws(() => normalizeEntry({ textPayload: 'x' }), /entry\.timestamp/);
  });

  it('small pieces', () => {
    assert.equal(shortLogName('projects/p/logs/run.googleapis.com%2Fvarlog%2Fsystem'), 'varlog/system');
    assert.equal(durationMs('0.0125s'), 12.5);
    assert.equal(durationMs({ seconds: 2, nanos: 500_000_000 }), 2500);
    assert.equal(formatLatency(0.42), '0.4 ms');
    assert.equal(formatLatency(1250), '1.25 s');
    assert.equal(parseSeverity('warning'), 'WARNING');
    assert.equal(parseSeverity(undefined), 'DEFAULT');
    assert.equal(inferSeverity('2025-01-01 12:00:00.123456: E tensorflow_serving/util/retrier.cc:40] Loading servable failed'), 'ERROR');
    assert.equal(inferSeverity('2025-01-01 12:00:00.123456: W tensorflow_serving/sources/storage_path/file_system_storage_path_source.cc:267] No versions'), 'WARNING');
    assert.equal(inferSeverity('hello'), undefined);
  });

  it('indents continuation lines of a multi-line message', () => {
    const line = normalizeEntry({ timestamp: '2025-01-01T00:00:00Z', textPayload: 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n', resource });
    assert.equal(line.severity, 'ERROR');
    assert.equal(formatLine(line), '2025-01-01 00:00:00.000Z ERROR   retrieval-00002-abc Traceback (most recent call last):\n      File "x.py", line 1\n    ValueError: bad');
  });
});
