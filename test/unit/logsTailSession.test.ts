// Tail sessions against an in-memory LogSource: backfill then live, reconnect without duplicates
// or losses, one session per service shared by consumers, suppression notices, fatal errors.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import type { LogItem, MarkerItem } from '../../src/protocol/logs';
import type { LogSource, TailResponse, TailStream } from '../../src/serving/logs/source';
import { MAX_TAILS_PER_PROJECT, TailRegistry } from '../../src/features/logs/tailRegistry';
import { UserError } from '../../src/common/errors';
import { TailSession, type TailEvent, type TailTiming } from '../../src/serving/logs/tailSession';

const SERVICE = 'projects/p/locations/us-central1/services/retrieval';
const FAST: Partial<TailTiming> = { initialBackoffMs: 5, maxBackoffMs: 20, healthyAfterMs: 1000, overlapMs: 1000, backfillSize: 5, reconnectPageSize: 50, suppressionEveryMs: 30 };

class FakeStream extends EventEmitter implements TailStream {
  closed = false;
  constructor(readonly filter: string) {
    super();
  }
  close(): void {
    this.closed = true;
  }
}

/** Entries in LogEntry JSON form; list() honours `timestamp>="..."` and page size, newest first. */
class FakeLogging implements LogSource {
  entries: Array<Record<string, unknown>> = [];
  streams: FakeStream[] = [];
  lists: Array<{ filter: string; pageSize: number }> = [];
  listError?: Error;
  private n = 0;

  write(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const e = {
      insertId: `id${++this.n}`,
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, this.n * 10)).toISOString(),
      textPayload: text,
      logName: 'projects/p/logs/run.googleapis.com%2Fstderr',
      resource: { type: 'cloud_run_revision', labels: { service_name: 'retrieval', revision_name: extra.revision ?? 'retrieval-00001-aaa' } },
      ...extra,
    };
    this.entries.push(e);
    return e;
  }

  /** Write and deliver to open streams. */
  emit(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const e = this.write(text, extra);
    for (const s of this.open()) s.emit('data', { entries: [e] } satisfies TailResponse);
    return e;
  }

  open(): FakeStream[] {
    return this.streams.filter(s => !s.closed);
  }

  async list(filter: string, pageSize: number): Promise<unknown[]> {
    this.lists.push({ filter, pageSize });
    if (this.listError) throw this.listError;
    const since = /timestamp>="([^"]+)"/.exec(filter)?.[1];
    const match = this.entries.filter(e => !since || Date.parse(e.timestamp as string) >= Date.parse(since));
    return match.reverse().slice(0, pageSize);
  }

  tail(filter: string): TailStream {
    const s = new FakeStream(filter);
    this.streams.push(s);
    return s;
  }
}

function collect() {
  const items: LogItem[] = [];
  const states: string[] = [];
  const listener = (e: TailEvent) => {
    if (e.type === 'items') items.push(...e.items);
    else states.push(e.state);
  };
  const texts = () => items.filter(i => i.kind === 'entry').map(i => (i as { message: string }).message);
  const markers = () => items.filter((i): i is MarkerItem => i.kind === 'marker');
  return { items, states, listener, texts, markers };
}

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 2));
  }
}

describe('logs: tail session', () => {
  let session: TailSession | undefined;
  afterEach(() => session?.close());

  /** A started session over `source`, with a collector subscribed before the start. */
  function started(source: () => Promise<LogSource>, timing = FAST) {
    session = new TailSession({ service: SERVICE, source, timing });
    const c = collect();
    session.subscribe(c.listener);
    session.start();
    return c;
  }

  it('backfills the newest entries in time order, then streams live ones', async () => {
    const fake = new FakeLogging();
    for (let i = 1; i <= 8; i++) fake.write(`old ${i}`);
    const c = started(async () => fake);
    assert.equal(session!.state, 'connecting');
    await until(() => session!.state === 'live', 'live');
    // backfillSize 5: the 5 newest, oldest first
    assert.deepEqual(c.texts(), ['old 4', 'old 5', 'old 6', 'old 7', 'old 8']);
    assert.equal(fake.streams.length, 1);
    assert.equal(fake.streams[0].filter, 'resource.type="cloud_run_revision" AND resource.labels.service_name="retrieval" AND resource.labels.location="us-central1"');
    fake.emit('new 1');
    fake.emit('new 2');
    assert.deepEqual(c.texts().slice(-2), ['new 1', 'new 2']);
    assert.deepEqual(c.states, ['live']);
  });

  it('holds live entries that arrive during the backfill and shows each once', async () => {
    const fake = new FakeLogging();
    fake.write('a');
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const slow: LogSource = { tail: f => fake.tail(f), list: async (f, n) => { await gate; return fake.list(f, n); } };
    const c = started(async () => slow);
    await until(() => fake.streams.length === 1, 'stream opened');
    fake.emit('b'); // written after the stream opened, before the history read: in both
    release();
    await until(() => session!.state === 'live', 'live');
    assert.deepEqual(c.texts(), ['a', 'b']);
    assert.equal(session!.stats.duplicates, 1);
  });

  it('reconnects after the stream drops: entries written meanwhile arrive once, none lost, with a marker', async () => {
    const fake = new FakeLogging();
    const c = started(async () => fake);
    await until(() => session!.state === 'live', 'live');
    fake.emit('live 1');
    fake.emit('live 2');
    fake.streams[0].emit('error', Object.assign(new Error('14 UNAVAILABLE: The tail session was closed by the server.'), { code: 14 }));
    fake.write('while down 1');
    fake.write('while down 2');
    await until(() => session!.state === 'live' && fake.open().length === 1 && fake.streams.length === 2, 'reconnected');
    fake.emit('after');
    assert.deepEqual(c.texts(), ['live 1', 'live 2', 'while down 1', 'while down 2', 'after']);
    const keys = c.items.filter(i => i.kind === 'entry').map(i => (i as { key: string }).key);
    assert.equal(new Set(keys).size, keys.length, 'no duplicates');
    const m = c.markers();
    assert.equal(m.length, 1);
    assert.equal(m[0].level, 'reconnected');
    assert.match(m[0].text, /2 entries written meanwhile recovered/);
    // the re-read asked only for entries since the last one seen ("live 2" at .020) minus the 1 s overlap
    assert.match(fake.lists[1].filter, / AND timestamp>="2024-12-31T23:59:59\.020Z"$/);
    assert.ok(c.states.includes('reconnecting'));
    assert.equal(fake.streams[0].closed, true);
  });

  it('marks a possible gap when more was written than one re-read returns', async () => {
    const fake = new FakeLogging();
    const c = started(async () => fake, { ...FAST, reconnectPageSize: 3 });
    await until(() => session!.state === 'live', 'live');
    fake.emit('seen');
    fake.streams[0].emit('end');
    for (let i = 0; i < 6; i++) fake.write(`down ${i}`);
    await until(() => fake.streams.length === 2 && session!.state === 'live', 'reconnected');
    const gap = c.markers().find(m => m.level === 'gap');
    assert.ok(gap, 'a gap marker');
    assert.match(gap.text, /may be missing/);
    // the marker sits before the entries that follow the gap
    const gapIndex = c.items.indexOf(gap);
    const firstAfter = c.items.findIndex(i => i.kind === 'entry' && (i as { message: string }).message.startsWith('down'));
    assert.ok(gapIndex < firstAfter);
  });

  it('backs off between failed reconnects and stops on a permission error', async () => {
    const fake = new FakeLogging();
    let calls = 0;
    const failing = async () => {
      calls++;
      if (calls > 1) throw Object.assign(new Error('7 PERMISSION_DENIED: Permission logging.logEntries.list denied'), { code: 7 });
      return fake;
    };
    const c = started(failing);
    await until(() => session!.state === 'live', 'live');
    fake.streams[0].emit('error', Object.assign(new Error('unavailable'), { code: 14 }));
    await until(() => session!.state === 'failed', 'failed');
    assert.match(session!.detail ?? '', /PERMISSION_DENIED/);
    const before = calls;
    await new Promise(r => setTimeout(r, 60));
    assert.equal(calls, before, 'no retry after a fatal error');
  });

  it('shows suppressed entries as one merged notice per window', async () => {
    const fake = new FakeLogging();
    const c = started(async () => fake);
    await until(() => session!.state === 'live', 'live');
    const s = fake.streams[0];
    s.emit('data', { entries: [], suppressionInfo: [{ reason: 'RATE_LIMIT', suppressedCount: 40 }] });
    s.emit('data', { entries: [], suppressionInfo: [{ reason: 'RATE_LIMIT', suppressedCount: 2 }] });
    s.emit('data', { entries: [], suppressionInfo: [{ reason: 2, suppressedCount: 1 }] });
    await until(() => c.markers().length >= 2, 'two notices');
    const [first, second] = c.markers();
    assert.equal(first.level, 'suppressed');
    assert.match(first.text, /did not stream 40 entries: 40 \(rate limit/);
    assert.match(second.text, /did not stream 3 entries: 2 \(rate limit.*1 \(not consumed/);
  });

  it('close() ends the stream and stops reconnecting', async () => {
    const fake = new FakeLogging();
    session = new TailSession({ service: SERVICE, source: async () => fake, timing: FAST });
    session.start();
    await until(() => session!.state === 'live', 'live');
    session.close();
    assert.equal(fake.streams[0].closed, true);
    fake.streams[0].emit('error', new Error('late'));
    await new Promise(r => setTimeout(r, 30));
    assert.equal(fake.streams.length, 1);
    assert.equal(session.state, 'stopped');
  });

  it('rejects a bad service id at construction', () => {
    assert.throws(() => new TailSession({ service: 'projects/p/locations/r/services/Bad"Id', source: async () => new FakeLogging() }), /service:/);
  });
});

describe('logs: tail registry', () => {
  it('one tail per service shared by its consumers, closed when the last leaves', async () => {
    const fake = new FakeLogging();
    fake.write('history');
    const reg = new TailRegistry({ source: async () => fake, timing: FAST });
    const a = collect();
    const b = collect();
    const subA = reg.subscribe(SERVICE, a.listener);
    await until(() => reg.get(SERVICE)?.state === 'live', 'live');
    const subB = reg.subscribe(SERVICE, b.listener);
    assert.equal(reg.size, 1);
    assert.equal(fake.streams.length, 1, 'one TailLogEntries call for two consumers');
    assert.equal(reg.consumers(SERVICE), 2);
    // the late consumer got the history replayed
    assert.deepEqual(b.texts(), ['history']);
    fake.emit('live');
    assert.deepEqual(a.texts(), ['history', 'live']);
    assert.deepEqual(b.texts(), ['history', 'live']);
    subA.dispose();
    assert.equal(fake.open().length, 1, 'still open for the other consumer');
    subB.dispose();
    assert.equal(reg.size, 0);
    assert.equal(fake.open().length, 0, 'closed when none listens');
    reg.dispose();
  });

  it('filters by revision per consumer without a second tail', async () => {
    const fake = new FakeLogging();
    const reg = new TailRegistry({ source: async () => fake, timing: FAST });
    const all = collect();
    const one = collect();
    reg.subscribe(SERVICE, all.listener);
    reg.subscribe(SERVICE, one.listener, { revision: 'retrieval-00002-bbb' });
    await until(() => reg.get(SERVICE)?.state === 'live', 'live');
    fake.emit('r1', { revision: 'retrieval-00001-aaa' });
    fake.emit('r2', { revision: 'retrieval-00002-bbb' });
    assert.deepEqual(all.texts(), ['r1', 'r2']);
    assert.deepEqual(one.texts(), ['r2']);
    assert.equal(fake.streams.length, 1);
    reg.dispose();
  });

  it('taps see every session without keeping one open', async () => {
    const fake = new FakeLogging();
    const reg = new TailRegistry({ source: async () => fake, timing: FAST });
    const seen: string[] = [];
    reg.tap((s, e) => {
      if (e.type === 'items') for (const i of e.items) if (i.kind === 'entry') seen.push(`${s.serviceId}:${i.message}`);
    });
    const sub = reg.subscribe(SERVICE, () => {});
    await until(() => reg.get(SERVICE)?.state === 'live', 'live');
    fake.emit('x');
    assert.deepEqual(seen, ['retrieval:x']);
    sub.dispose();
    assert.equal(reg.size, 0);
    reg.dispose();
  });
});

describe('logs: bounds, limits and reconnects that matter', () => {
  let session: TailSession | undefined;
  afterEach(() => session?.close());

  function startedOn(source: LogSource, timing: Partial<TailTiming> = FAST) {
    session = new TailSession({ service: SERVICE, source: async () => source, timing });
    const c = collect();
    session.subscribe(c.listener);
    session.start();
    return c;
  }

  it('a reconnect shows one marker, after the entries it recovered, in time order', async () => {
    const fake = new FakeLogging();
    const c = startedOn(fake);
    await until(() => session!.state === 'live', 'live');
    fake.emit('live 1');
    fake.streams[0].emit('error', Object.assign(new Error('14 UNAVAILABLE: closed by the server'), { code: 14 }));
    fake.write('while down');
    await until(() => session!.state === 'live' && fake.streams.length === 2, 'reconnected');
    fake.emit('after');
    const markers = c.markers();
    assert.equal(markers.length, 1);
    const order = c.items.map(i => (i.kind === 'entry' ? i.message : `marker:${i.level}`));
    assert.deepEqual(order, ['live 1', 'while down', 'marker:reconnected', 'after']);
    const times = c.items.filter(i => i.kind === 'entry' && i.message !== 'after').map(i => i.timestamp);
    assert.ok(markers[0].timestamp >= Math.max(...times), 'the marker is not dated before the entries above it');
  });

  it('RESOURCE_EXHAUSTED on the stream stops the session with a message, no reconnect loop', async () => {
    const fake = new FakeLogging();
    const c = startedOn(fake);
    await until(() => session!.state === 'live', 'live');
    fake.streams[0].emit('error', Object.assign(new Error('8 RESOURCE_EXHAUSTED: Too many concurrent tail sessions for projects/p: the limit is 10.'), { code: 8 }));
    await until(() => session!.state === 'failed', 'failed');
    const m = c.markers().pop()!;
    assert.equal(m.level, 'error');
    assert.match(m.text, /refused the live tail .*Too many concurrent tail sessions/);
    assert.match(m.detail ?? '', /10 live tails per project/);
    await new Promise(r => setTimeout(r, 60));
    assert.equal(fake.streams.length, 1, 'no reconnect');
  });

  it('RESOURCE_EXHAUSTED on the history read stops it too', async () => {
    const fake = new FakeLogging();
    fake.listError = Object.assign(new Error('8 RESOURCE_EXHAUSTED: Quota exceeded for Read requests'), { code: 8 });
    const c = startedOn(fake);
    await until(() => session!.state === 'failed', 'failed');
    assert.match(c.markers().pop()!.text, /refused to read .*Quota exceeded/);
    await new Promise(r => setTimeout(r, 60));
    assert.equal(fake.lists.length, 1, 'no retry');
  });

  it('keeps its history under a byte budget; long entries are cut with a marker', async () => {
    const fake = new FakeLogging();
    const c = startedOn(fake, { ...FAST, historyBytes: 400_000 });
    await until(() => session!.state === 'live', 'live');
    for (let i = 0; i < 40; i++) fake.emit(`${i} ${'x'.repeat(40_000)}`);
    const line = c.items.filter(i => i.kind === 'entry').pop() as { message: string; truncated?: number };
    assert.match(line.message, /… \[truncated: 23,6\d\d more characters\]$/);
    assert.ok(line.message.length < 16_500);
    assert.ok(line.truncated! > 40_000);
    assert.ok(session!.historyBytes <= 400_000, `history holds ${session!.historyBytes} bytes`);
    const kept = session!.snapshot().filter(i => i.kind === 'entry');
    assert.ok(kept.length >= 5 && kept.length < 40, `kept ${kept.length}`);
    assert.match((kept[kept.length - 1] as { message: string }).message, /^39 /, 'the newest are kept');
  });

  it('bounds what the live stream delivers while the history loads', async () => {
    const fake = new FakeLogging();
    let release!: () => void;
    const gate = new Promise<void>(r => { release = r; });
    const slow: LogSource = { list: async (f, n) => { await gate; return fake.list(f, n); }, tail: f => fake.tail(f) };
    const c = startedOn(slow, { ...FAST, heldEntries: 10 });
    await until(() => fake.streams.length === 1, 'the stream opened');
    for (let i = 0; i < 25; i++) fake.streams[0].emit('data', { entries: [fake.write(`burst ${i}`)] });
    release();
    await until(() => session!.state === 'live', 'live');
    const dropped = c.markers().find(m => /dropped while recent history loaded/.test(m.text));
    assert.ok(dropped, 'a marker says live entries were dropped');
    assert.match(dropped.text, /^15 live entries dropped/);
  });
});

describe('logs: registry limits and settings changes', () => {
  const svc = (id: string, project = 'p') => `projects/${project}/locations/us-central1/services/${id}`;

  it(`opens at most ${MAX_TAILS_PER_PROJECT} tails per project, with a message naming them`, () => {
    const reg = new TailRegistry({ source: async () => new FakeLogging(), timing: FAST });
    for (let i = 0; i < MAX_TAILS_PER_PROJECT; i++) reg.subscribe(svc(`s${i}`), () => {});
    assert.throws(() => reg.subscribe(svc('one-more'), () => {}), (e: Error) => e instanceof UserError
      && /Already following 8 services' logs in p: ML Serving opens at most 8 live tails per project \(Cloud Logging allows 10/.test(e.message)
      && /Stop one first.*Following: s0, s1/.test((e as UserError).next ?? ''));
    // Joining a tail already open, or another project, is fine.
    reg.subscribe(svc('s0'), () => {});
    reg.subscribe(svc('s0', 'other'), () => {});
    assert.equal(reg.size, MAX_TAILS_PER_PROJECT + 1);
    reg.dispose();
  });

  it('reconnects only when the project or connection changed: one marker then, none otherwise', async () => {
    const fake = new FakeLogging();
    const reg = new TailRegistry({ source: async () => fake, timing: FAST });
    const c = collect();
    reg.subscribe(SERVICE, c.listener);
    reg.noteConnection('|p');
    await until(() => reg.get(SERVICE)?.state === 'live', 'live');
    fake.emit('before');
    for (let i = 0; i < 3; i++) assert.equal(reg.connectionChanged('|p'), false, 'an unrelated setting changed');
    await new Promise(r => setTimeout(r, 30));
    assert.equal(fake.streams.length, 1, 'no reconnect');
    assert.equal(c.markers().length, 0);
    assert.equal(reg.connectionChanged('|q'), true);
    await until(() => fake.streams.length === 2 && reg.get(SERVICE)?.state === 'live', 'reconnected');
    assert.equal(c.markers().length, 1);
    assert.match(c.markers()[0].text, /Stream reconnected \(project or connection changed\)/);
    reg.dispose();
  });
});

