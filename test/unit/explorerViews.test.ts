import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runView, artifactView } from '../../src/features/explorer/present/runView';
import { modelVersionView } from '../../src/features/explorer/present/modelView';
import { revisionView, serviceView, trafficSummary } from '../../src/features/explorer/present/serviceView';
import { errorView } from '../../src/features/explorer/present/errorView';
import { toRevision, toService } from '../../src/gcp/normalize';
import type { TrainingRun } from '../../src/serving/domain';
import { fixture, FIXTURES } from './helpers/fixtures';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const base: TrainingRun = {
  kind: 'pipeline', name: 'projects/p/locations/us-central1/pipelineJobs/run-1', id: 'run-1', region: 'us-central1', displayName: 'retrieval-train',
  pipelineName: 'tfrs-retrieval', state: 'running', rawState: 'PIPELINE_STATE_RUNNING', labels: { model_type: 'retrieval' },
  createTime: new Date(NOW - 2 * 3600e3), startTime: new Date(NOW - 2 * 3600e3 + 60e3), artifacts: [],
};

describe('explorer node presentation', () => {
  it('runs: icon, contextValue and description follow the state', () => {
    const running = runView(base, NOW);
    assert.equal(running.icon?.id, 'sync~spin');
    assert.equal(running.contextValue, 'mlServing.run.pipeline.running');
    assert.match(running.description!, /pipeline · running · retrieval · 2h ago · 1h 59m/);
    const failed = runView({ ...base, state: 'failed', rawState: 'PIPELINE_STATE_FAILED', error: 'Trainer OOMKilled', endTime: new Date(NOW - 3600e3) }, NOW);
    assert.equal(failed.icon?.id, 'error');
    assert.match(failed.tooltip!, /\*\*Error:\*\* Trainer OOMKilled/);
    assert.match(failed.tooltip!, /\| model\\_type \| retrieval \|/);
    assert.equal(runView({ ...base, state: 'succeeded' }, NOW).collapsible, 'collapsed');
    assert.equal(runView({ ...base, kind: 'custom', state: 'cancelled' }, NOW).contextValue, 'mlServing.run.custom.cancelled');
  });

  it('pushed model shows the destination and version', () => {
    const v = artifactView({ type: 'tfx.PushedModel', uri: 'gs://b/x', metadata: { pushed_destination: 'gs://b/serving/1700000000', pushed_version: '1700000000' } });
    assert.equal(v.contextValue, 'mlServing.pushedModel');
    assert.equal(v.description, 'gs://b/serving/1700000000 (version 1700000000)');
  });

  it('model versions show aliases, metrics and who serves them', () => {
    const v = modelVersionView({ modelName: 'projects/p/locations/us-central1/models/42', displayName: 'retrieval', versionId: '3', aliases: ['default'], labels: { recall_at_100: '0_42', is_blessed: 'true' }, artifactUri: 'gs://b/m', createTime: new Date(NOW - 86400e3) },
      [{ id: 'retrieval-svc' } as never], NOW);
    assert.equal(v.label, 'v3');
    assert.equal(v.contextValue, 'mlServing.modelVersion.serving');
    assert.match(v.description!, /@default · recall@100 0\.42 · blessed · serving: retrieval-svc · 1d ago/);
  });

  it('a real Cloud Run v2 service normalises and presents', function () {
    if (!FIXTURES) this.skip();
    const svc = toService(JSON.parse(fs.readFileSync(fixture('gcp/cloud-run/service_v2_real.json'), 'utf8')));
    assert.equal(svc.state, 'ready');
    assert.equal(svc.region, 'us-central1');
    assert.ok(svc.uri?.startsWith('https://'));
    const view = serviceView(svc);
    assert.equal(view.contextValue, 'mlServing.service.ready');
    assert.equal(view.icon?.id, 'pass-filled');
    assert.match(trafficSummary(svc), /^latest .*100%$/);
  });

  it('a service whose latest revision failed while an older one serves says so, not just "failed"', () => {
    const base = 'projects/p/locations/us-central1/services/recs';
    const svc = toService({
      name: base, uri: 'https://recs-abc-uc.a.run.app', labels: { 'ml-serving-model-name': 'recsys-scann', 'ml-serving-model-version': '3' },
      terminalCondition: { state: 'CONDITION_FAILED', message: "Revision 'recs-00003-q' is not ready and cannot serve traffic." },
      latestCreatedRevision: `${base}/revisions/recs-00003-q`, latestReadyRevision: `${base}/revisions/recs-00002-abc`,
      trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', revision: 'recs-00002-abc', percent: 100 }],
    });
    assert.equal(svc.state, 'failed');
    const view = serviceView(svc);
    assert.equal(view.description, 'latest revision failed · serving recs-00002-abc · https://recs-abc-uc.a.run.app');
    assert.equal(view.icon?.id, 'warning');
    assert.equal(view.contextValue, 'mlServing.service.failed', 'the failed-service commands (redeploy, rollback) stay');
    assert.match(String(view.tooltip), /Still serving: recs-00002-abc/);
    assert.match(String(view.tooltip), /Model of the failed revision: `recsys-scann` version 3/);
    // Nothing serving at all: plainly failed.
    const dead = serviceView({ ...svc, latestReadyRevision: undefined, trafficStatuses: [] });
    assert.equal(dead.icon?.id, 'error');
    assert.match(dead.description!, /^failed · recsys-scann v3/);
  });

  it('revisions show their traffic share and tags', () => {
    const svc = toService({ name: 'projects/p/locations/us-central1/services/s', terminalCondition: { state: 'CONDITION_SUCCEEDED' }, latestReadyRevision: 'projects/p/locations/us-central1/services/s/revisions/s-00002-abc',
      trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00002-abc', percent: 10, tag: 'canary' }, { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 's-00001-xyz', percent: 90 }] });
    const r2 = toRevision({ name: 'projects/p/locations/us-central1/services/s/revisions/s-00002-abc', conditions: [{ type: 'Ready', state: 'CONDITION_SUCCEEDED' }] });
    const r1 = toRevision({ name: 'projects/p/locations/us-central1/services/s/revisions/s-00001-xyz', conditions: [{ type: 'Ready', state: 'CONDITION_SUCCEEDED' }] });
    assert.match(revisionView(svc, r2, NOW).description!, /^10% · #canary/);
    assert.equal(revisionView(svc, r1, NOW).contextValue, 'mlServing.revision.ready.serving');
    const failed = toRevision({ name: 'projects/p/locations/us-central1/services/s/revisions/s-00003-q', conditions: [{ type: 'Ready', state: 'CONDITION_FAILED', message: 'Container failed to start' }] });
    assert.equal(revisionView(svc, failed, NOW).icon?.id, 'error');
  });

  it('load failures become error nodes that say what to do', () => {
    const perm = errorView('Cloud Run services', { code: 7, details: "Permission 'run.services.list' denied on resource 'projects/p/locations/us-central1'" });
    assert.equal(perm.contextValue, 'mlServing.error.permission');
    assert.match(perm.description!, /run\.services\.list \(roles\/run\.viewer\)/);
    const down = errorView('models', { code: 14, details: 'unavailable' });
    assert.equal(down.action.command, 'mlServing.explorer.refresh');
    const api = errorView('runs', { code: 7, details: 'Vertex AI API has not been used in project 1 before or it is disabled. SERVICE_DISABLED aiplatform.googleapis.com' });
    assert.equal(api.contextValue, 'mlServing.error.api');
    assert.match(String(api.action.args?.[0]), /apis\/library\/aiplatform\.googleapis\.com$/);
  });
});
