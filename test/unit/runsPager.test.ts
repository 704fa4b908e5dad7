import { strict as assert } from 'node:assert';
import { RunsPager, serverFilter } from '../../src/features/explorer/runsPager';
import { parseRunFilter } from '../../src/features/explorer/runFilter';
import type { VertexApi } from '../../src/gcp/types';
import type { TrainingRun } from '../../src/serving/domain';

function run(kind: 'pipeline' | 'custom', i: number): TrainingRun {
  return { kind, name: `projects/p/locations/us-central1/${kind}Jobs/${kind}-${i}`, id: `${kind}-${i}`, region: 'us-central1', displayName: `${kind} run ${i}`,
    state: 'succeeded', rawState: 'X', labels: {}, artifacts: [], createTime: new Date(1_700_000_000_000 + i * 1000 * (kind === 'pipeline' ? 2 : 3)) };
}

/** An in-memory VertexApi that pages like the real list calls (token = offset). */
function fakeVertex(pipelines: number, customs: number, calls: string[]): VertexApi {
  const page = (all: TrainingRun[], size: number, token?: string) => {
    const start = Number(token ?? 0);
    const items = all.slice(start, start + size);
    return { items, nextPageToken: start + size < all.length ? String(start + size) : undefined };
  };
  const P = Array.from({ length: pipelines }, (_, i) => run('pipeline', i)).reverse();
  const C = Array.from({ length: customs }, (_, i) => run('custom', i)).reverse();
  return {
    listPipelineRuns: async (_r, p) => { calls.push(`pipelines:${p.pageToken ?? ''}:${p.filter ?? ''}`); return page(P, p.pageSize, p.pageToken); },
    listCustomJobRuns: async (_r, p) => { calls.push(`custom:${p.pageToken ?? ''}:${p.filter ?? ''}`); return page(C, p.pageSize, p.pageToken); },
  } as VertexApi;
}

describe('runs pager', () => {
  it('pages both job kinds together, newest first, with no duplicates', async () => {
    const calls: string[] = [];
    const pager = new RunsPager(fakeVertex(25, 4, calls), 'us-central1', 10);
    await pager.loadMore();
    assert.equal(pager.items.length, 14);
    assert.ok(pager.hasMore);
    const times = pager.items.map(r => r.createTime!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    await pager.loadMore();
    await pager.loadMore();
    assert.equal(pager.items.length, 29);
    assert.equal(new Set(pager.items.map(r => r.name)).size, 29);
    assert.equal(pager.hasMore, false);
    // the custom-job source was exhausted after one page and not called again
    assert.equal(calls.filter(c => c.startsWith('custom')).length, 1);
  });

  it('turns state and label terms into Vertex filters and text into a local match', async () => {
    const f = parseRunFilter('run 1 state:failed label:model_type=retrieval');
    assert.deepEqual(f, { text: 'run 1', state: 'failed', label: { key: 'model_type', value: 'retrieval' } });
    assert.equal(serverFilter(f, 'PIPELINE_STATE_'), 'state="PIPELINE_STATE_FAILED" AND labels.model_type="retrieval"');
    assert.equal(serverFilter({ state: 'pending' }, 'JOB_STATE_'), '(state="JOB_STATE_PENDING" OR state="JOB_STATE_QUEUED")');
    const calls: string[] = [];
    const pager = new RunsPager(fakeVertex(12, 0, calls), 'us-central1', 50, { text: 'run 1' });
    await pager.loadMore();
    assert.deepEqual(pager.items.map(r => r.id).sort(), ['pipeline-1', 'pipeline-10', 'pipeline-11']);
  });

  it('rejects bad filter terms naming the field', () => {
    assert.throws(() => parseRunFilter('state:exploded'), /state: "exploded" is not one of/);
    assert.throws(() => parseRunFilter('label:Bad=1'), /label: "Bad"/);
    assert.throws(() => parseRunFilter('label:novalue'), /label: expected label:key=value/);
  });
});
