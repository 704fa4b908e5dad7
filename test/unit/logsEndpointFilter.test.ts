// The tail engine's second target: a Vertex AI endpoint (or one deployed model). The filter is
// checked as text and, through the emulator's own Cloud Logging filter evaluator, against entries
// shaped as the emulator writes them and as an entry-label variant.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { endpointTailFilter, endpointTargetName, LogFilterError, logTargetProjectOf, parseLogTarget } from '../../src/serving/logs/filter';
import type { LogSource, TailStream } from '../../src/serving/logs/source';
import { TailSession } from '../../src/serving/logs/tailSession';
import { compileLogFilter } from '../emulator/filter/logging';

const ENDPOINT = 'projects/demo-project/locations/us-central1/endpoints/1000000000123';

function endpointEntry(endpointId: string, deployedModelId: string, opts: { location?: string; asEntryLabel?: boolean } = {}) {
  const labels: Record<string, string> = { endpoint_id: endpointId, location: opts.location ?? 'us-central1', resource_container: 'projects/123456' };
  if (!opts.asEntryLabel) labels.deployed_model_id = deployedModelId;
  return {
    logName: 'projects/demo-project/logs/aiplatform.googleapis.com%2Fprediction_container',
    resource: { type: 'aiplatform.googleapis.com/Endpoint', labels },
    ...(opts.asEntryLabel ? { labels: { deployed_model_id: deployedModelId } } : {}),
    severity: 'INFO',
    timestamp: '2026-01-01T00:00:00Z',
    textPayload: 'predict 200',
  };
}

function expectField(fn: () => unknown, field: string): void {
  assert.throws(fn, (e: unknown) => e instanceof LogFilterError && e.field === field && e.message.startsWith(`${field}: `));
}

describe('logs: endpoint filters', () => {
  it('an endpoint: its resource type and id, narrowed to its region', () => {
    assert.equal(
      endpointTailFilter({ endpointId: '1000000000123', location: 'us-central1' }),
      'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="1000000000123" AND resource.labels.location="us-central1"',
    );
  });

  it('one deployed model, a time bound and a severity floor', () => {
    assert.equal(
      endpointTailFilter({ endpointId: '777', location: 'europe-west4', deployedModelId: '42', since: new Date('2026-01-01T00:00:00Z'), minSeverity: 'WARNING' }),
      'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="777" AND resource.labels.location="europe-west4"'
        + ' AND (resource.labels.deployed_model_id="42" OR labels.deployed_model_id="42") AND timestamp>="2026-01-01T00:00:00.000Z" AND severity>=WARNING',
    );
  });

  it('the endpoint filter selects exactly its entries, as the emulator evaluates it', () => {
    const all = compileLogFilter(endpointTailFilter({ endpointId: '123', location: 'us-central1' }));
    assert.equal(all(endpointEntry('123', '1') as never), true);
    assert.equal(all(endpointEntry('123', '2') as never), true);
    assert.equal(all(endpointEntry('124', '1') as never), false, 'another endpoint');
    assert.equal(all(endpointEntry('123', '1', { location: 'europe-west4' }) as never), false, 'the same id in another region');
    const run = { ...endpointEntry('123', '1'), resource: { type: 'cloud_run_revision', labels: { service_name: '123', location: 'us-central1' } } };
    assert.equal(all(run as never), false, 'a Cloud Run entry');

    const one = compileLogFilter(endpointTailFilter({ endpointId: '123', location: 'us-central1', deployedModelId: '1' }));
    assert.equal(one(endpointEntry('123', '1') as never), true, 'deployed model as a resource label (the emulator)');
    assert.equal(one(endpointEntry('123', '1', { asEntryLabel: true }) as never), true, 'deployed model as an entry label');
    assert.equal(one(endpointEntry('123', '2') as never), false, 'the other deployed model');
    assert.equal(one(endpointEntry('123', '2', { asEntryLabel: true }) as never), false, 'the other deployed model (entry label)');
  });

  it('bad ids are refused naming the field, never spliced into the filter', () => {
    expectField(() => endpointTailFilter({ endpointId: '' }), 'endpointId');
    expectField(() => endpointTailFilter({ endpointId: '1" OR "1"="1' }), 'endpointId');
    expectField(() => endpointTailFilter({ endpointId: 'Endpoint 1' }), 'endpointId');
    expectField(() => endpointTailFilter({ endpointId: 7 as unknown as string }), 'endpointId');
    expectField(() => endpointTailFilter({ endpointId: '1', deployedModelId: '2" OR labels.x="y' }), 'deployedModelId');
    expectField(() => endpointTailFilter({ endpointId: '1', deployedModelId: '' }), 'deployedModelId');
    expectField(() => endpointTailFilter({ endpointId: '1', location: 'us" OR "a"="a' }), 'location');
    expectField(() => endpointTailFilter({ endpointId: '1', since: new Date('nope') }), 'since');
    expectField(() => parseLogTarget(`${ENDPOINT}/deployedModels/x"y`), 'deployedModelId');
    expectField(() => parseLogTarget('projects/p/locations/us-central1/endpoints/A B'), 'endpointId');
  });

  it('tail names: endpoint, deployed model, and a service unchanged', () => {
    assert.deepEqual(parseLogTarget(ENDPOINT), { kind: 'endpoint', name: ENDPOINT, id: 'endpoints/1000000000123', project: 'demo-project', location: 'us-central1', endpointId: '1000000000123' });
    const dm = endpointTargetName(ENDPOINT, '55');
    assert.equal(dm, `${ENDPOINT}/deployedModels/55`);
    assert.equal((parseLogTarget(dm) as { deployedModelId?: string }).deployedModelId, '55');
    assert.equal(endpointTargetName(ENDPOINT), ENDPOINT);
    assert.deepEqual(parseLogTarget('projects/p1/locations/us-central1/services/retrieval'), { kind: 'service', name: 'projects/p1/locations/us-central1/services/retrieval', id: 'retrieval', project: 'p1', location: 'us-central1' });
    assert.equal(logTargetProjectOf(dm), 'demo-project');
    assert.equal(logTargetProjectOf('projects/p1/locations/us-central1/services/retrieval'), 'p1');
  });
});

describe('logs: tail session on an endpoint', () => {
  it('tails and backfills with the deployed model\'s filter, and re-reads it after a reconnect', async () => {
    const tails: string[] = [];
    const lists: string[] = [];
    const streams: Array<EventEmitter & TailStream> = [];
    const entry = { ...endpointEntry('1000000000123', '55'), insertId: 'a1' };
    const source: LogSource = {
      list: async f => {
        lists.push(f);
        return [entry];
      },
      tail: f => {
        tails.push(f);
        const s = Object.assign(new EventEmitter(), { close: () => undefined }) as EventEmitter & TailStream;
        streams.push(s);
        return s;
      },
    };
    const session = new TailSession({ service: endpointTargetName(ENDPOINT, '55'), source: async () => source, timing: { initialBackoffMs: 1, maxBackoffMs: 1, backfillSize: 5 } });
    const texts: string[] = [];
    session.subscribe(e => {
      if (e.type === 'items') for (const i of e.items) if (i.kind === 'entry') texts.push(i.message);
    });
    try {
      session.start();
      const until = async (cond: () => boolean) => {
        for (let i = 0; i < 500 && !cond(); i++) await new Promise(r => setTimeout(r, 2));
        assert.ok(cond());
      };
      await until(() => session.state === 'live');
      const want = 'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="1000000000123" AND resource.labels.location="us-central1" AND (resource.labels.deployed_model_id="55" OR labels.deployed_model_id="55")';
      assert.deepEqual(tails, [want]);
      assert.deepEqual(lists, [want]);
      assert.deepEqual(texts, ['predict 200']);
      assert.equal(session.serviceId, 'endpoints/1000000000123/deployedModels/55');
      streams[0].emit('error', Object.assign(new Error('unavailable'), { code: 14 }));
      await until(() => lists.length === 2 && session.state === 'live');
      assert.equal(tails[1], want);
      assert.match(lists[1], new RegExp(`^${want.replace(/[().*+?[\]\\]/g, '\\$&')} AND timestamp>="2025-12-31T23:59:55.000Z"$`));
    } finally {
      session.close();
    }
  });
});
