// Issue 16, items 6, 8 and 11 as pure logic: what a deploy reports after a TFX push, which cause a
// failed revision's log shows first, and what canary, promote, end canary and rollback move.
import { strict as assert } from 'node:assert';
import { toService } from '../../src/gcp/normalize';
import { defaultPlan, planSummary } from '../../src/serving/deploy/plan';
import { failureCause, isSpecific, waitForCause } from '../../src/serving/deploy/failureCause';
import { canaryRevision, canaryTraffic, describeMoves, endCanaryTraffic, promoteTraffic, rollbackTraffic, trafficMoves } from '../../src/serving/deploy/traffic';
import { inspectModelFolder } from '../../src/serving/savedModel/inspect';
import { revisionView } from '../../src/features/explorer/present/serviceView';
import { memorySource, modelFiles, plainSpec } from './helpers/savedModelFixtures';

const NAME = 'projects/p/locations/us-central1/services/s';
const rev = (id: string) => `${NAME}/revisions/${id}`;

describe('a TFX pushed model deploys without a warning (issue 16, item 6)', () => {
  it('the version folder a Pusher writes (pushed_model/<timestamp>) is mounted as that version, with no warning', async () => {
    const src = memorySource(modelFiles(plainSpec, 'run1/pushed_model/1795949202/'), 'gs://');
    const ins = await inspectModelFolder(src, 'gs://run1/pushed_model/1795949202');
    assert.deepEqual(ins.errors, []);
    assert.deepEqual(ins.warnings, [], 'no warning when nothing will go wrong');
    const plan = defaultPlan({ inspection: ins, serviceName: 's', region: 'us-central1', project: 'p', image: 'img', container: 'native', modelName: 'm', links: {}, update: false });
    assert.equal(plan.version, '1795949202');
    assert.doesNotMatch(planSummary(plan), /⚠/);
    assert.match(planSummary(plan), /as \/models\/m\/1795949202\n/);
  });
  it('an unversioned export still warns (it is mounted as version 1, which the summary says)', async () => {
    const src = memorySource(modelFiles(plainSpec, 'export/'), 'gs://');
    const ins = await inspectModelFolder(src, 'gs://export');
    assert.ok(ins.warnings.some(w => w.includes('no numeric version folder')), ins.warnings.join('\n'));
  });
});

describe('the cause of a failed revision, from its log (issue 16, item 8)', () => {
  const cloudRun = "Revision 's-00002-x' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout.";
  const tfServing = "2025-01-01 12:00:00.123456: E tensorflow_serving/util/retrier.cc:40] Loading servable: {name: m version: 1} failed: NOT_FOUND: Op type not registered 'Scann>ScannSearchBatched' in binary running on localhost.";
  it('TF Serving\'s own error wins over Cloud Run\'s generic port message, in any order', () => {
    for (const lines of [[cloudRun, tfServing], [tfServing, cloudRun], ['starting', tfServing, 'exit 1', cloudRun]]) {
      const c = failureCause(lines);
      assert.deepEqual(c, { kind: 'opNotRegistered', op: 'Scann>ScannSearchBatched' });
      assert.ok(isSpecific(c));
    }
  });
  it('only the port message: known but not specific, so the report keeps Cloud Run\'s words', () => {
    const c = failureCause([cloudRun, 'Starting server']);
    assert.equal(c?.kind, 'portNotListening');
    assert.equal(isSpecific(c), false);
    assert.equal(failureCause(['nothing useful']), undefined);
  });
  it('a memory limit beats the port message', () => {
    assert.equal(failureCause([cloudRun, 'Memory limit of 512 MiB exceeded with 530 MiB used.'])?.kind, 'memoryLimit');
  });
});

describe('waiting for the failed revision\'s log is bounded (issue 16, item 8)', () => {
  const op = "Op type not registered 'Scann>ScannSearchBatched' in binary running on localhost.";
  const port = 'The user-provided container failed to start and listen on the port defined provided by the PORT=8501 environment variable';
  it('reads again until the cause arrives (logs land after the container exits)', async () => {
    const reads = [[], [port], [port, op]];
    let n = 0;
    const c = await waitForCause(async () => reads[Math.min(n++, reads.length - 1)], 10_000, 1);
    assert.deepEqual(c, { kind: 'opNotRegistered', op: 'Scann>ScannSearchBatched' });
    assert.equal(n, 3);
  });
  it('a log read that never answers is abandoned at the deadline: the report falls back to Cloud Run\'s words', async () => {
    assert.equal(await waitForCause(() => new Promise<string[]>(() => {}), 30), undefined);
  });
  it('only the generic port message until the deadline: that is what it returns (not specific)', async () => {
    const c = await waitForCause(async () => [port], 30, 5);
    assert.equal(c?.kind, 'portNotListening');
    assert.equal(isSpecific(c), false);
  });
  it('no permission to read logs: fails at once, so the caller falls back', async () => {
    await assert.rejects(waitForCause(async () => { throw new Error('PERMISSION_DENIED'); }, 10_000), /PERMISSION_DENIED/);
  });
});

describe('canary, promote, end canary, rollback (issue 16, item 11)', () => {
  const latest = toService({ name: NAME, latestReadyRevision: rev('s-00002-b'), trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }] });
  const canaryOnA = toService({ name: NAME, latestReadyRevision: rev('s-00002-b'), trafficStatuses: [
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00001-a', percent: 10, tag: 'canary' },
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00002-b', percent: 90 }] });
  const canaryOnLatest = toService({ name: NAME, latestReadyRevision: rev('s-00002-b'), trafficStatuses: [
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00002-b', percent: 10, tag: 'canary' },
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00001-a', percent: 90 }] });

  it('the confirmation of a canary says what moves, naming the revision reached through LATEST', () => {
    const t = canaryTraffic(latest, 's-00001-a', 10);
    assert.equal(describeMoves(trafficMoves(latest, t)), 'latest (s-00002-b) 100% → 90%, s-00001-a 0% → 10%');
  });
  it('the running canary is the revision tagged canary with traffic', () => {
    assert.equal(canaryRevision(canaryOnA), 's-00001-a');
    assert.equal(canaryRevision(latest), undefined);
  });
  it('promote gives the canary everything, untagged; the newest revision goes back to following LATEST', () => {
    assert.deepEqual(promoteTraffic(canaryOnA, 's-00001-a'), [{ type: 'REVISION', revision: 's-00001-a', percent: 100 }]);
    assert.equal(describeMoves(trafficMoves(canaryOnA, promoteTraffic(canaryOnA, 's-00001-a'))), 's-00002-b 90% → 0%, s-00001-a 10% → 100%');
    assert.deepEqual(promoteTraffic(canaryOnLatest, 's-00002-b'), [{ type: 'LATEST', percent: 100 }]);
    assert.equal(describeMoves(trafficMoves(canaryOnLatest, promoteTraffic(canaryOnLatest, 's-00002-b'))), 's-00001-a 90% → 0%, s-00002-b 10% → 100%');
  });
  it('end canary gives the canary\'s share back to the others in proportion, summing to 100', () => {
    assert.deepEqual(endCanaryTraffic(canaryOnA, 's-00001-a'), [{ type: 'REVISION', revision: 's-00002-b', percent: 100 }]);
    const three = toService({ name: NAME, trafficStatuses: [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'c', percent: 20, tag: 'canary' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'a', percent: 60 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'b', percent: 20 }] });
    const t = endCanaryTraffic(three, 'c');
    assert.deepEqual(t.map(x => [x.revision, x.percent]), [['a', 75], ['b', 25]]);
    const only = toService({ name: NAME, trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'c', percent: 100, tag: 'canary' }] });
    assert.throws(() => endCanaryTraffic(only, 'c'), /no other revision serves/);
  });
  it('rollback from LATEST says the latest revision loses everything', () => {
    assert.equal(describeMoves(trafficMoves(latest, rollbackTraffic('s-00001-a'))), 'latest (s-00002-b) 100% → 0%, s-00001-a 0% → 100%');
    assert.equal(describeMoves(trafficMoves(latest, [{ type: 'LATEST', percent: 100 }])), 'no traffic moves');
  });
  it('revision rows keep their traffic actions during a canary: context values by share and tag', () => {
    const r = (id: string) => ({ name: rev(id), id, service: NAME, state: 'ready' as const, labels: {} });
    assert.equal(revisionView(canaryOnA, r('s-00001-a')).contextValue, 'mlServing.revision.ready.serving.canary');
    assert.equal(revisionView(canaryOnA, r('s-00002-b')).contextValue, 'mlServing.revision.ready.serving');
    assert.equal(revisionView(latest, r('s-00002-b')).contextValue, 'mlServing.revision.ready.serving.all');
    assert.equal(revisionView(latest, r('s-00001-a')).contextValue, 'mlServing.revision.ready');
  });
});
