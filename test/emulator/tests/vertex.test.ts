import { strict as assert } from 'node:assert';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, startTestEmulator } from './harness';

describe('emulator: Vertex AI with the official clients', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let models: any, jobs: any, pipelines: any;

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    const v = bundle('vertex');
    const opts = clientOptions(started.conn, 'vertex', v.grpc);
    models = new v.ModelServiceClient(opts);
    jobs = new v.JobServiceClient(opts);
    pipelines = new v.PipelineServiceClient(opts);
  });
  after(async () => {
    await Promise.all([models?.close(), jobs?.close(), pipelines?.close()]);
    await emu?.stop();
  });

  it('lists models page by page with pageToken, and filters by label', async () => {
    const [all] = await models.listModels({ parent: PARENT });
    assert.equal(all.length, 8);
    const [page1, next1, resp1] = await models.listModels({ parent: PARENT, pageSize: 3 }, { autoPaginate: false });
    assert.equal(page1.length, 3);
    assert.ok(resp1.nextPageToken);
    const [page2] = await models.listModels({ parent: PARENT, pageSize: 3, pageToken: next1.pageToken }, { autoPaginate: false });
    assert.equal(page2.length, 3);
    assert.equal(new Set([...page1, ...page2].map((m: any) => m.name)).size, 6);
    const [scann] = await models.listModels({ parent: PARENT, filter: 'labels.retrieval_algorithm="scann"' });
    assert.ok(scann.length >= 1);
    for (const m of scann) assert.equal(m.labels.retrieval_algorithm, 'scann');
    const retrieval = all.find((m: any) => m.labels.model_type === 'retrieval');
    assert.match(retrieval.labels.recall_at_100, /^0_\d{4}$/);
    assert.ok(['true', 'false'].includes(retrieval.labels.is_blessed));
    assert.match(retrieval.artifactUri, /^gs:\/\/demo-project-models\/.+\/pushed_model\/\d+$/);
    await assert.rejects(models.listModels({ parent: PARENT, filter: 'colour="red"' }), (e: any) => e.code === 3 && /unsupported field "colour"/.test(e.details));
    await assert.rejects(models.listModels({ parent: PARENT, pageToken: 'garbage' }, { autoPaginate: false }), (e: any) => e.code === 3 && /page_token/.test(e.details));
  });

  it('gets a model by default alias, version id and alias; lists versions', async () => {
    const [all] = await models.listModels({ parent: PARENT });
    const withThree = [];
    for (const m of all) {
      const [versions] = await models.listModelVersions({ name: m.name });
      if (versions.length === 3) withThree.push({ m, versions });
    }
    assert.ok(withThree.length >= 1, 'demo has a model with 3 versions');
    const { m, versions } = withThree[0];
    assert.deepEqual(versions.map((v: any) => v.versionId).sort(), ['1', '2', '3']);
    const [def] = await models.getModel({ name: m.name });
    assert.ok(def.versionAliases.includes('default'));
    const [v3] = await models.getModel({ name: `${m.name}@3` });
    assert.equal(v3.versionId, '3');
    const [challenger] = await models.getModel({ name: `${m.name}@challenger` });
    assert.equal(challenger.versionId, '3');
    await assert.rejects(models.getModel({ name: `${PARENT}/models/404` }), (e: any) => e.code === 5);
    await assert.rejects(models.getModel({ name: 'models/1' }), (e: any) => e.code === 3 && /^name:/.test(e.details));
  });

  it('uploads a new model and a new version as LROs, then deletes the model', async () => {
    const [op] = await models.uploadModel({ parent: PARENT, model: { displayName: 'uploaded-model', artifactUri: 'gs://demo-project-models/recsys-ranking/pushed_model/1', labels: { model_type: 'ranking' } } });
    assert.equal(op.done, false);
    const [resp] = await op.promise();
    assert.match(resp.model, new RegExp(`^${PARENT}/models/\\d+$`));
    assert.equal(resp.modelVersionId, '1');
    const [op2] = await models.uploadModel({ parent: PARENT, parentModel: resp.model, model: { displayName: 'uploaded-model', artifactUri: 'gs://demo-project-models/x/2', versionAliases: ['default'] } });
    const [resp2] = await op2.promise();
    assert.equal(resp2.model, resp.model);
    assert.equal(resp2.modelVersionId, '2');
    const [def] = await models.getModel({ name: resp.model });
    assert.equal(def.versionId, '2');
    const [v1] = await models.getModel({ name: `${resp.model}@1` });
    assert.deepEqual(v1.versionAliases, []);
    await assert.rejects(models.uploadModel({ parent: PARENT, model: { displayName: 'x', labels: { Bad: 'v' } } }), (e: any) => e.code === 3 && /model\.labels/.test(e.details));
    await assert.rejects(models.uploadModel({ parent: PARENT, model: {} }), (e: any) => e.code === 3 && /model\.display_name/.test(e.details));
    const [del] = await models.deleteModel({ name: resp.model });
    await del.promise();
    await assert.rejects(models.getModel({ name: resp.model }), (e: any) => e.code === 5);
  });

  it('lists custom jobs with paging and a state filter; gets one with its output directory', async () => {
    const [page, next] = await jobs.listCustomJobs({ parent: PARENT, pageSize: 2 }, { autoPaginate: false });
    assert.equal(page.length, 2);
    assert.ok(next?.pageToken);
    const [ok] = await jobs.listCustomJobs({ parent: PARENT, filter: 'state="JOB_STATE_SUCCEEDED"' });
    assert.ok(ok.length > 0);
    for (const j of ok) assert.equal(j.state, 'JOB_STATE_SUCCEEDED');
    const [job] = await jobs.getCustomJob({ name: ok[0].name });
    assert.match(job.jobSpec.baseOutputDirectory.outputUriPrefix, /^gs:\/\/demo-project-training\//);
    const [failed] = await jobs.listCustomJobs({ parent: PARENT, filter: 'state="JOB_STATE_FAILED"' });
    assert.ok(failed[0].error.message.length > 0);
  });

  it('lists pipeline jobs newest first, filters by state and label, and gets the Pusher artifacts', async () => {
    const [all] = await pipelines.listPipelineJobs({ parent: PARENT });
    assert.equal(all.length, 30);
    const times = all.map((j: any) => Number(j.createTime.seconds));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const states = new Set(all.map((j: any) => j.state));
    for (const s of ['PIPELINE_STATE_SUCCEEDED', 'PIPELINE_STATE_FAILED', 'PIPELINE_STATE_CANCELLED', 'PIPELINE_STATE_RUNNING', 'PIPELINE_STATE_PENDING']) assert.ok(states.has(s), s);
    const [failed] = await pipelines.listPipelineJobs({ parent: PARENT, filter: 'state="PIPELINE_STATE_FAILED"' });
    assert.ok(failed.length >= 1 && failed.every((j: any) => j.state === 'PIPELINE_STATE_FAILED'));
    assert.match(failed[0].error.message, /The DAG failed because some tasks failed/);
    const [ranking] = await pipelines.listPipelineJobs({ parent: PARENT, filter: 'labels.model_type="ranking" AND display_name="recsys-tfx"' });
    assert.ok(ranking.length >= 1 && ranking.every((j: any) => j.labels.model_type === 'ranking'));
    const [asc] = await pipelines.listPipelineJobs({ parent: PARENT, orderBy: 'create_time' });
    assert.equal(asc[0].name, all[all.length - 1].name);

    let pushed: any;
    for (const j of all.filter((x: any) => x.state === 'PIPELINE_STATE_SUCCEEDED')) {
      const [job] = await pipelines.getPipelineJob({ name: j.name });
      const pusher = job.jobDetail.taskDetails.find((t: any) => t.taskName === 'Pusher');
      if (pusher?.state === 'SUCCEEDED') { pushed = { job, pusher }; break; }
    }
    assert.ok(pushed, 'a succeeded run pushed a model');
    const art = pushed.pusher.outputs.pushed_model.artifacts[0];
    assert.equal(art.schemaTitle, 'tfx.PushedModel');
    assert.match(art.uri, /^gs:\/\/demo-project-models\/.+\/pushed_model\/\d+$/);
    assert.equal(art.metadata.fields.pushed.numberValue, 1);
    assert.equal(art.metadata.fields.pushed_destination.stringValue, art.uri);
    assert.equal(art.uri.endsWith('/' + art.metadata.fields.pushed_version.stringValue), true);
    const evaluator = pushed.job.jobDetail.taskDetails.find((t: any) => t.taskName === 'Evaluator');
    assert.equal(evaluator.outputs.blessing.artifacts[0].schemaTitle, 'tfx.ModelBlessing');
    assert.equal(evaluator.outputs.blessing.artifacts[0].metadata.fields.blessed.numberValue, 1);
    assert.equal(evaluator.outputs.evaluation.artifacts[0].schemaTitle, 'tfx.ModelEvaluation');
    // the pushed SavedModel is really in the GCS folder
    const file = art.uri.replace('gs://', emu.dataDir + '/') + '/saved_model.pb';
    assert.ok(require('node:fs').existsSync(file), file);
  });
});
