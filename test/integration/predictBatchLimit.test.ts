// In-host: a service on the native TF Serving image takes at most NATIVE_MAX_INSTANCES instances
// per request (max_batch_size of its batching.config); the Test Prediction panel says so before
// sending, naming the limit, and a request at the limit goes through.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { PredictPanel } from '../../src/features/predict/panelHost';
import { toService } from '../../src/gcp/normalize';
import type { HostMessage } from '../../src/protocol/predict';
import { buildService } from '../../src/serving/deploy/serviceSpec';
import { NATIVE_MAX_INSTANCES } from '../../src/serving/predict/validate';
import { emulatorAdmin, until, useDemoProject } from './support/extension';
import { retrievalRequest } from './support/zoo';
import { rawClients } from './support/rawClients';

const MODELS_BUCKET = 'demo-project-models';
const MODEL_FOLDER = 'recsys-retrieval/pushed_model/';

describe('Test Prediction: the native image\'s request size limit', function () {
  this.timeout(120_000);

  before(function () {
    if (!emulatorAdmin()) this.skip();
  });

  it(`refuses more than ${NATIVE_MAX_INSTANCES} instances before sending, naming the limit; sends ${NATIVE_MAX_INSTANCES}`, async () => {
    const a = await useDemoProject();
    const cloud = await a.services.session.cloud();
    const [files] = await rawClients(cloud).storage().bucket(MODELS_BUCKET).getFiles({ prefix: MODEL_FOLDER });
    const pb = files.map(f => f.name).filter(n => n.endsWith('/saved_model.pb')).sort().pop()!;
    const versionDir = pb.slice(0, -'saved_model.pb'.length);
    const serviceId = `batch-limit-${Date.now().toString(36)}`;
    const spec = buildService({
      serviceName: serviceId, region: cloud.regions[0], project: cloud.project, image: 'tensorflow/serving:2.19.0', container: 'native',
      modelName: 'recs', modelUri: `gs://${MODELS_BUCKET}/${versionDir}`, version: versionDir.split('/').filter(Boolean).pop()!,
      cpu: '1', memory: '2Gi', minInstances: 0, maxInstances: 1, concurrency: 8, timeoutSeconds: 60, links: {},
    });
    spec.template.containers[0].volumeMounts[0].mountPath = '/models/recs';
    spec.template.volumes[0].gcs.mountOptions = [`only-dir=${versionDir.replace(/\/$/, '').split('/').slice(0, -1).join('/')}`];
    const [op] = await rawClients(cloud).run().services.createService({ parent: `projects/${cloud.project}/locations/${cloud.regions[0]}`, serviceId, service: spec });
    const service = toService((await op.promise())[0] as Record<string, unknown>);
    let panel: PredictPanel | undefined;
    try {
      panel = (await vscode.commands.executeCommand<PredictPanel>('mlServing.testPrediction', { service }))!;
      const posted: HostMessage[] = [];
      panel.onDidPost(m => posted.push(m));
      await panel.handle({ type: 'ready' });
      await until(() => posted.find(m => m.type === 'metadata'), 'the model metadata');
      // n instances of the retrieval model's inputs, cycling through the zoo's sample
      const sample = retrievalRequest().instances;
      const body = (n: number) => JSON.stringify({ instances: Array.from({ length: n }, (_, i) => sample[i % sample.length]) });

      await panel.handle({ type: 'send', requestId: 'too-many', signature: 'serving_default', body: body(NATIVE_MAX_INSTANCES + 44) });
      const v = await until(() => posted.find(m => m.type === 'validation' && m.requestId === 'too-many'), 'the validation message') as Extract<HostMessage, { type: 'validation' }>;
      assert.equal(v.errors[0].field, 'instances');
      assert.match(v.errors[0].message, /^300 instances in one request; the native TF Serving image takes at most 256 \(max_batch_size in its batching\.config\)/);
      assert.equal(posted.some(m => (m.type === 'response' || m.type === 'requestFailed') && m.requestId === 'too-many'), false, 'nothing was sent');

      await panel.handle({ type: 'send', requestId: 'at-limit', signature: 'serving_default', body: body(NATIVE_MAX_INSTANCES) });
      const r = await until(() => posted.find(m => (m.type === 'response' || m.type === 'requestFailed' || m.type === 'validation') && m.requestId === 'at-limit'), 'the answer');
      assert.equal(r.type, 'response', JSON.stringify(r).slice(0, 300));
    } finally {
      panel?.dispose();
      await rawClients(cloud).run().services.deleteService({ name: service.name }).then(([d]) => d.promise()).catch(() => undefined);
    }
  });
});
