// Log memory is bounded in bytes: an entry's text and JSON payload are cut with a visible marker,
// the panel's kept lines and its paused buffer have byte budgets, the output channel is trimmed.
// And the filter narrows a tail to the service's region.
import { strict as assert } from 'node:assert';
import type { EntryItem } from '../../src/protocol/logs';
import { BoundedText } from '../../src/serving/logs/boundedText';
import { MAX_ENTRY_CHARS, normalizeEntry, TRUNCATED_JSON_KEY } from '../../src/serving/logs/entry';
import { serviceLocationOf, serviceLogFilter } from '../../src/serving/logs/filter';
import { LogModel } from '../../src/serving/logs/viewModel';

const base = { timestamp: '2025-01-01T00:00:00Z', logName: 'projects/p/logs/run.googleapis.com%2Fstdout', resource: { type: 'cloud_run_revision', labels: { service_name: 's', location: 'europe-west4' } } };
let seq = 0;
const entry = (text: string): EntryItem => ({ ...normalizeEntry({ ...base, insertId: `i${++seq}`, textPayload: text }), kind: 'entry', seq });

describe('logs: bounded in bytes', () => {
  it('cuts a long text payload at 16 K characters with a marker saying how much was cut', () => {
    const line = normalizeEntry({ ...base, textPayload: 'a'.repeat(100_000) });
    assert.equal(line.message.slice(0, MAX_ENTRY_CHARS), 'a'.repeat(MAX_ENTRY_CHARS));
    assert.match(line.message, /a … \[truncated: 83,616 more characters\]$/);
    assert.equal(line.truncated, 100_000);
    assert.equal(line.location, 'europe-west4');
    const short = normalizeEntry({ ...base, textPayload: 'fine' });
    assert.equal(short.message, 'fine');
    assert.equal(short.truncated, undefined);
  });

  it('replaces a JSON payload over 16 K characters by a cut preview, keeping a short message', () => {
    const line = normalizeEntry({ ...base, jsonPayload: { message: 'big request', body: 'b'.repeat(50_000) } });
    assert.equal(line.message, 'big request');
    const preview = (line.json as Record<string, string>)[TRUNCATED_JSON_KEY];
    assert.ok(preview.startsWith('{"message":"big request","body":"bbb'));
    assert.match(preview, /\[truncated: [\d,]+ more characters\]$/);
    assert.ok(JSON.stringify(line.json).length < MAX_ENTRY_CHARS + 200);
  });

  it('the panel keeps at most its byte budget, dropping the oldest', () => {
    const model = new LogModel(20_000, 1_000_000, 200_000);
    for (let i = 0; i < 100; i++) model.add([entry(`${i} ${'x'.repeat(15_000)}`)]);
    assert.ok(model.bytes <= 1_000_000, `${model.bytes} bytes kept`);
    assert.ok(model.items.length < 100 && model.items.length > 10);
    assert.equal(model.dropped, 100 - model.items.length);
    assert.match((model.items[model.items.length - 1] as EntryItem).message, /^99 /);
  });

  it('the paused buffer has its own byte budget', () => {
    const model = new LogModel(20_000, 10_000_000, 200_000);
    model.pause();
    for (let i = 0; i < 50; i++) model.add([entry(`${i} ${'y'.repeat(15_000)}`)]);
    assert.ok(model.bufferedBytes <= 200_000, `${model.bufferedBytes} bytes buffered`);
    assert.ok(model.buffered.length < 50 && model.buffered.length >= 5);
    assert.equal(model.dropped, 50 - model.buffered.length);
    const r = model.resume();
    assert.equal(r.appended, model.items.length);
    assert.equal(model.bufferedBytes, 0);
  });

  it('an output channel is replaced by its newest lines and a note once it passes its bound', () => {
    const t = new BoundedText(10_000, 4_000);
    let replaced: string | undefined;
    for (let i = 0; i < 30; i++) replaced = t.add(`${String(i).padStart(3, '0')} ${'z'.repeat(496)}`) ?? replaced;
    assert.ok(replaced, 'the channel was trimmed');
    assert.match(replaced, /^---- older lines dropped: this channel keeps about the newest/);
    assert.ok(replaced.length <= 4_000 + 200, `${replaced.length} characters after trimming`);
    assert.ok(t.chars <= 10_000);
    assert.ok(t.dropped >= 1);
  });
});

describe('logs: the tail filter names the region', () => {
  it('adds resource.labels.location for a full service name, and checks it', () => {
    assert.equal(serviceLocationOf('projects/p/locations/europe-west4/services/s'), 'europe-west4');
    assert.equal(serviceLocationOf('s'), undefined);
    assert.equal(serviceLogFilter({ service: 's', location: 'europe-west4' }), 'resource.type="cloud_run_revision" AND resource.labels.service_name="s" AND resource.labels.location="europe-west4"');
    assert.throws(() => serviceLogFilter({ service: 's', location: 'eu" OR "1"="1' }), /location: expected a Cloud Run region/);
  });
});
