import { strict as assert } from 'node:assert';
import { compareTag, tagsFor, tagUrl } from '../../src/serving/compare/tags';
import { trafficMoves } from '../../src/serving/deploy/traffic';
import type { CloudRunService, TrafficTarget } from '../../src/serving/domain';

const svc = (traffic: TrafficTarget[]): CloudRunService => ({
  name: 'projects/p/locations/r/services/s', id: 's', region: 'r', state: 'ready', labels: {}, env: {}, reconciling: false,
  latestReadyRevision: 'projects/p/locations/r/services/s/revisions/s-00003-c', traffic, trafficStatuses: traffic,
});

describe('compare tags', () => {
  it('adds tags without moving any traffic, reusing tags that exist', () => {
    const s = svc([
      { type: 'LATEST', percent: 90 },
      { type: 'REVISION', revision: 's-00001-a', percent: 10 },
      { type: 'REVISION', revision: 's-00002-b', percent: 0, tag: 'old' },
    ]);
    const plan = tagsFor(s, ['s-00001-a', 's-00002-b', 's-00003-c']);
    assert.deepEqual(plan.tags, { 's-00001-a': 'cmp-s-00001-a', 's-00002-b': 'old', 's-00003-c': 'cmp-s-00003-c' });
    assert.deepEqual(plan.added, ['cmp-s-00001-a', 'cmp-s-00003-c']);
    assert.deepEqual(trafficMoves(s, plan.traffic!), [], 'no revision gains or loses traffic');
    assert.deepEqual(plan.traffic!.map(t => t.percent), [90, 10, 0, 0]);
    assert.equal(tagsFor(s, ['s-00002-b']).traffic, null, 'nothing to write when the tags exist');
  });

  it('makes valid tag names and finds their URLs', () => {
    assert.match(compareTag('My_Service-00012-XYZ'), /^cmp-[a-z0-9-]+$/);
    assert.ok(compareTag('x'.repeat(80)).length <= 44);
    const s = svc([{ type: 'REVISION', revision: 'a', percent: 100, tag: 't', uri: 'https://t---s.run.app' }]);
    assert.equal(tagUrl(s, 't'), 'https://t---s.run.app');
    assert.equal(tagUrl(s, 'u'), undefined);
  });
});
