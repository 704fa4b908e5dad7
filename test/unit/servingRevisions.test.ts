import { strict as assert } from 'node:assert';
import { revisionsWithTraffic, servedBy, serviceLabelsAreServing, withServingLabels } from '../../src/serving/deploy/servingRevisions';
import type { CloudRunService, ModelVersion, Revision } from '../../src/serving/domain';

const NAME = 'projects/p/locations/us-central1/services/recs';
const rev = (id: string) => `${NAME}/revisions/${id}`;
const labelsOf = (model: string, version: string) => ({ 'ml-serving-model': model, 'ml-serving-model-version': version });

function service(o: Partial<CloudRunService>): CloudRunService {
  return { name: NAME, id: 'recs', region: 'us-central1', state: 'ready', labels: {}, traffic: [], trafficStatuses: [], reconciling: false, env: {}, ...o };
}
function version(model: string, versionId: string): ModelVersion {
  return { modelName: `projects/p/locations/us-central1/models/${model}`, displayName: model, versionId, aliases: [], labels: {}, artifactUri: 'gs://b/m' };
}
function revision(id: string, labels: Record<string, string>): Revision {
  return { name: rev(id), id, service: NAME, state: 'ready', labels };
}

describe('what a Cloud Run service really serves', () => {
  it('one revision with all the traffic: the service labels say it, no revision is read', async () => {
    const s = service({ labels: labelsOf('42', '2'), latestCreatedRevision: rev('recs-00002'), latestReadyRevision: rev('recs-00002'), trafficStatuses: [{ type: 'LATEST', percent: 100, revision: 'recs-00002' }] });
    assert.equal(serviceLabelsAreServing(s), true);
    let calls = 0;
    const served = await withServingLabels([s], async () => { calls++; return []; });
    assert.equal(calls, 0);
    assert.deepEqual(servedBy(served, version('42', '2')).map(x => x.id), ['recs']);
    assert.deepEqual(servedBy(served, version('42', '1')), []);
  });

  it('after a failed redeploy the service labels name the failed model; the serving revision\'s labels win', async () => {
    // The update wrote v3's labels on the service, its revision failed, v2's revision keeps the traffic.
    const s = service({
      labels: labelsOf('42', '3'), state: 'failed',
      latestCreatedRevision: rev('recs-00003'), latestReadyRevision: rev('recs-00002'),
      trafficStatuses: [{ type: 'LATEST', percent: 100, revision: 'recs-00002' }],
    });
    assert.equal(serviceLabelsAreServing(s), false);
    assert.deepEqual(revisionsWithTraffic(s), [rev('recs-00002')]);
    const served = await withServingLabels([s], async name => {
      assert.equal(name, NAME);
      return [revision('recs-00003', labelsOf('42', '3')), revision('recs-00002', labelsOf('42', '2')), revision('recs-00001', labelsOf('42', '1'))];
    });
    assert.deepEqual(servedBy(served, version('42', '2')).map(x => x.id), ['recs']);
    assert.deepEqual(servedBy(served, version('42', '3')), [], 'the failed version does not serve');
    assert.deepEqual(servedBy(served, version('42', '1')), [], 'a revision without traffic does not serve');
  });

  it('a canary serves both versions; a LATEST status without a revision means the latest ready one', async () => {
    const s = service({
      labels: labelsOf('42', '3'), latestCreatedRevision: rev('recs-00003'), latestReadyRevision: rev('recs-00003'),
      trafficStatuses: [{ type: 'REVISION', percent: 90, revision: 'recs-00002' }, { type: 'LATEST', percent: 10 }, { type: 'REVISION', percent: 0, revision: 'recs-00001', tag: 'old' }],
    });
    assert.deepEqual(revisionsWithTraffic(s), [rev('recs-00002'), rev('recs-00003')]);
    const served = await withServingLabels([s], async () => [revision('recs-00003', labelsOf('42', '3')), revision('recs-00002', labelsOf('42', '2')), revision('recs-00001', labelsOf('42', '1'))]);
    assert.deepEqual(['1', '2', '3'].map(v => servedBy(served, version('42', v)).length), [0, 1, 1]);
  });

  it('revisions that cannot be read: falls back to the service labels', async () => {
    const s = service({ labels: labelsOf('42', '3'), latestCreatedRevision: rev('recs-00003'), latestReadyRevision: rev('recs-00002'), trafficStatuses: [{ type: 'LATEST', percent: 100, revision: 'recs-00002' }] });
    const served = await withServingLabels([s], async () => { throw Object.assign(new Error('denied'), { code: 7 }); });
    assert.deepEqual(servedBy(served, version('42', '3')).map(x => x.id), ['recs']);
  });
});
