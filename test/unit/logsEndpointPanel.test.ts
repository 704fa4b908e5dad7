// The logs panel on a Vertex AI endpoint: entries carry their deployed model (the panel's second
// filter), the endpoint's failure rules on the texts the emulator really writes (its deploy check,
// its faults, TensorFlow's own op error) with Vertex AI's advice, the restored panel's state
// checked field by field, and the Cloud Console link built from the same filter as the tail.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { normalizeEntry } from '../../src/serving/logs/entry';
import { endpointAdviceFor, EndpointFailureTracker, recognizeEndpointFailure, recognizeFailure } from '../../src/serving/logs/failures';
import { endpointTargetName, logsExplorerUrl, parseLogTarget } from '../../src/serving/logs/filter';
import type { LogSource, TailStream } from '../../src/serving/logs/source';
import { TailSession } from '../../src/serving/logs/tailSession';
import { LogModel } from '../../src/serving/logs/viewModel';
import type { EntryItem } from '../../src/serving/logs/items';
import { checkLogsPanelState, parseLogsPanelState, parseWebviewMessage } from '../../src/protocol/logs';
import { Faults } from '../emulator/faults';
import { startDeployedModel, type EndpointLogName } from '../emulator/vertex/endpointsRuntime';

const ENDPOINT = 'projects/demo-project/locations/us-central1/endpoints/1000000000123';

function entry(deployedModelId: string, text: string, opts: { asEntryLabel?: boolean; insertId?: string } = {}) {
  const labels: Record<string, string> = { endpoint_id: '1000000000123', location: 'us-central1', resource_container: 'projects/123456' };
  if (!opts.asEntryLabel) labels.deployed_model_id = deployedModelId;
  return {
    insertId: opts.insertId ?? `${deployedModelId}-${text.length}-${Math.random()}`,
    logName: 'projects/demo-project/logs/aiplatform.googleapis.com%2Fprediction_container',
    resource: { type: 'aiplatform.googleapis.com/Endpoint', labels },
    ...(opts.asEntryLabel ? { labels: { deployed_model_id: deployedModelId } } : {}),
    severity: 'ERROR',
    timestamp: '2026-01-01T00:00:00Z',
    textPayload: text,
  };
}

/** The line the emulator's deploy writes for a version with no saved_model.pb under artifact_uri. */
async function emulatorMissingArtifactText(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eplogs-'));
  const lines: string[] = [];
  try {
    const r = await startDeployedModel(
      { artifactUri: 'gs://demo-bucket/models/ranking/7', containerSpec: { imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest' } },
      { gcsRoot: root, startStandIn: (() => { throw new Error('not started'); }) as never, predictors: new Map() },
      (_log: EndpointLogName, _sev, p) => { if (p.textPayload) lines.push(p.textPayload); },
    );
    assert.equal(r.ok, false);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(lines.length, 1);
  return lines[0];
}

describe('logs panel on an endpoint: entries and filters', () => {
  it('an entry names its deployed model, from the resource label or an entry label', () => {
    assert.equal(normalizeEntry(entry('55', 'x')).deployedModelId, '55');
    assert.equal(normalizeEntry(entry('56', 'x', { asEntryLabel: true })).deployedModelId, '56');
    assert.equal(normalizeEntry({ timestamp: '2026-01-01T00:00:00Z', textPayload: 'run', resource: { type: 'cloud_run_revision', labels: { revision_name: 'svc-00001-abc' } } }).deployedModelId, undefined);
  });

  it('the panel\'s second filter picks one deployed model on an endpoint\'s panel', () => {
    const m = new LogModel(100);
    const items: EntryItem[] = [entry('55', 'from 55'), entry('66', 'from 66')].map((e, i) => ({ ...normalizeEntry(e), kind: 'entry', seq: i + 1 }));
    m.add(items);
    m.setFilters({ revision: '66' });
    assert.deepEqual(m.visible.map(i => (i as EntryItem).message), ['from 66']);
    m.setFilters({ revision: '', text: '55' });
    assert.deepEqual(m.visible.map(i => (i as EntryItem).message), ['from 55'], 'the deployed model id is searchable');
  });

  it('an endpoint tail lists the deployed models it saw (the panel\'s choices)', async () => {
    const streams: Array<EventEmitter & TailStream> = [];
    const source: LogSource = {
      list: async () => [entry('55', 'a'), entry('66', 'b')],
      tail: () => {
        const s = Object.assign(new EventEmitter(), { close: () => undefined }) as EventEmitter & TailStream;
        streams.push(s);
        return s;
      },
    };
    const session = new TailSession({ service: ENDPOINT, source: async () => source, timing: { initialBackoffMs: 1, maxBackoffMs: 1 } });
    try {
      session.start();
      for (let i = 0; i < 500 && session.state !== 'live'; i++) await new Promise(r => setTimeout(r, 2));
      assert.equal(session.state, 'live');
      assert.deepEqual(session.revisions, ['66', '55']);
    } finally {
      session.close();
    }
  });
});

describe('logs panel on an endpoint: known failures', () => {
  it('a custom-op model on the prebuilt TF container (TensorFlow\'s text, as the emulator\'s prebuilt container logs it)', () => {
    // endpointsRuntime.ts OP_NOT_REGISTERED, prefixed as TensorFlow raises it.
    const text = "tensorflow.python.framework.errors_impl.NotFoundError: Op type not registered 'MlServingDemo>TopKDot' in binary running on localhost. Make sure the Op and Kernel are registered in the binary running in this process.";
    const f = recognizeEndpointFailure(text);
    assert.deepEqual(f, { kind: 'opNotRegistered', op: 'MlServingDemo>TopKDot' });
    const facts = { endpoint: ENDPOINT, deployedModelId: '55', model: 'projects/demo-project/locations/us-central1/models/9', modelVersionId: '2', container: 'prebuilt' as const };
    const advice = endpointAdviceFor(f!, facts);
    assert.match(advice.title, /prebuilt TensorFlow container.*MlServingDemo>TopKDot/);
    assert.match(advice.detail, /needs the Python image; redeploy with Deploy to Vertex AI Endpoint.*routes custom-op models to it/);
    assert.deepEqual(advice.action, { title: 'Deploy to Vertex AI Endpoint…', command: 'mlServing.endpoints.deploy', args: [{ model: facts.model, version: '2', endpoint: ENDPOINT }] });
    // Never Cloud Run's redeploy of a service.
    assert.ok(!JSON.stringify(advice).includes('mlServing.deploy"'));
    // A model that never started is not on the endpoint: the advice stands without the one-click fix.
    assert.equal(endpointAdviceFor(f!, { endpoint: ENDPOINT, deployedModelId: '55' }).action, undefined);
    // Already on a custom container: the Python image lacks the op's package.
    const custom = endpointAdviceFor(f!, { ...facts, container: 'custom' });
    assert.equal(custom.action, undefined);
    assert.match(custom.detail, /Add the package that registers MlServingDemo>TopKDot/);
  });

  it('a SavedModel not found under artifact_uri (the emulator\'s deploy writes it; Vertex AI\'s upload wording too)', async () => {
    const text = await emulatorMissingArtifactText();
    assert.deepEqual(recognizeEndpointFailure(text), { kind: 'artifactMissing', uri: 'gs://demo-bucket/models/ranking/7' });
    const advice = endpointAdviceFor(recognizeEndpointFailure(text)!, { endpoint: ENDPOINT, deployedModelId: '55' });
    assert.match(advice.title, /No SavedModel for deployed model 55: nothing to load at gs:\/\/demo-bucket\/models\/ranking\/7\./);
    assert.match(advice.detail, /saved_model\.pb directly under the model version's artifact_uri/);
    assert.deepEqual(
      recognizeEndpointFailure('Model directory gs://b/exported/ is expected to contain exactly one of: [saved_model.pb, saved_model.pbtxt].'),
      { kind: 'artifactMissing', uri: 'gs://b/exported/' },
    );
    // TF Serving's own texts inside the prebuilt container keep their reading.
    assert.deepEqual(recognizeEndpointFailure('Could not find base path /models/model for servable model with error NOT_FOUND'), { kind: 'modelMissing', problem: 'noBasePath', path: '/models/model' });
  });

  it('the emulator\'s machineQuota text (Vertex AI\'s RESOURCE_EXHAUSTED shape)', () => {
    // test/emulator/vertex/endpoints.ts, the DeployModel operation's error under a machineQuota fault.
    const text = 'The following quota metrics exceed quota limits: aiplatform.googleapis.com/custom_model_serving_cpus_per_machine_type (machine type n1-standard-2) in region us-central1.';
    const f = recognizeEndpointFailure(text);
    assert.deepEqual(f, { kind: 'quotaExceeded', metric: 'aiplatform.googleapis.com/custom_model_serving_cpus_per_machine_type', machineType: 'n1-standard-2', region: 'us-central1' });
    assert.match(endpointAdviceFor(f!, { endpoint: ENDPOINT }).title, /quota exceeded: aiplatform\.googleapis\.com\/custom_model_serving_cpus_per_machine_type \(machine type n1-standard-2\) in us-central1/);
    // Vertex AI's own wording, without the emulator's machine type and region.
    assert.deepEqual(recognizeEndpointFailure('code: 8 message: "The following quota metrics exceed quota limits: aiplatform.googleapis.com/custom_model_serving_nvidia_t4_gpus"'), { kind: 'quotaExceeded', metric: 'aiplatform.googleapis.com/custom_model_serving_nvidia_t4_gpus' });
  });

  it('the emulator\'s modelStartFails fault text, and Vertex AI\'s "Model server exited unexpectedly"', () => {
    const faults = new Faults();
    faults.add({ kind: 'modelStartFails' });
    const text = faults.takeModelStartFailure()!;
    const f = recognizeEndpointFailure(text);
    assert.equal(f?.kind, 'modelStartFailed');
    assert.match(endpointAdviceFor(f!, { endpoint: ENDPOINT, deployedModelId: '77' }).title, /model server of deployed model 77 exited while starting/);
    assert.equal(recognizeEndpointFailure('Model server exited unexpectedly. Model server logs can be found at https://console.cloud.google.com/logs/viewer?x')?.kind, 'modelStartFailed');
    assert.equal(recognizeEndpointFailure('model model version 1 AVAILABLE'), undefined);
    // Cloud Run's rules do not read endpoint-only texts.
    assert.equal(recognizeFailure(text), undefined);
  });

  it('each failure is reported once per deployed model', () => {
    const t = new EndpointFailureTracker();
    const op = "Op type not registered 'A>B' in binary running on localhost.";
    assert.equal(t.observe(normalizeEntry(entry('55', op)))?.kind, 'opNotRegistered');
    assert.equal(t.observe(normalizeEntry(entry('55', op))), undefined, 'a crash loop repeats itself');
    assert.equal(t.observe(normalizeEntry(entry('66', op)))?.kind, 'opNotRegistered', 'another deployed model is reported');
  });
});

describe('logs panel on an endpoint: restore and messages', () => {
  it('restores an endpoint or a deployed model with its title; a service as before', () => {
    assert.deepEqual(parseLogsPanelState({ service: ENDPOINT, label: 'endpoint recsys' }), { service: ENDPOINT, label: 'endpoint recsys' });
    const dm = endpointTargetName(ENDPOINT, '55');
    assert.deepEqual(parseLogsPanelState({ service: dm, revision: 'x-00001-abc' }), { service: dm }, 'an endpoint panel has no revision');
    const svc = 'projects/p/locations/us-central1/services/svc';
    assert.deepEqual(parseLogsPanelState({ service: svc, revision: 'svc-00002-abc' }), { service: svc, revision: 'svc-00002-abc' });
  });

  it('a bad restored state is refused naming the field', () => {
    const error = (v: unknown) => {
      const r = checkLogsPanelState(v);
      assert.equal(r.ok, false, JSON.stringify(v));
      return (r as { error: string }).error;
    };
    assert.match(error(null), /^state: /);
    assert.match(error({ service: 42 }), /^service: /);
    assert.match(error({ service: 'projects/p/locations/us-central1/things/x' }), /^service: /);
    assert.match(error({ service: `${ENDPOINT}/deployedModels/1" OR "1"="1` }), /^deployedModelId: /);
    assert.match(error({ service: 'projects/p/locations/Nowhere/endpoints/1' }), /^location: /);
    assert.match(error({ service: 'projects/p/locations/us-central1/endpoints/ID WITH SPACE' }), /^endpointId: /);
    assert.match(error({ service: 'projects/P"x/locations/us-central1/endpoints/1' }), /^project: /);
    assert.match(error({ service: ENDPOINT, label: 'evil\u001b[2J' }), /^label: /);
    assert.match(error({ service: ENDPOINT, label: 'x'.repeat(201) }), /^label: /);
  });

  it('the console button is a message without a URL: the webview cannot choose where it goes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openConsole' }), { type: 'openConsole' });
    assert.throws(() => parseWebviewMessage({ type: 'openConsole', url: 'https://evil.example' }), /url/);
  });

  it('the Cloud Console link shows the same entries as the tail', () => {
    const url = logsExplorerUrl(parseLogTarget(endpointTargetName(ENDPOINT, '55')))!;
    const m = /^https:\/\/console\.cloud\.google\.com\/logs\/query;query=([^?]+)\?project=demo-project$/.exec(url);
    assert.ok(m, url);
    assert.equal(decodeURIComponent(m[1]), 'resource.type="aiplatform.googleapis.com/Endpoint" AND resource.labels.endpoint_id="1000000000123" AND resource.labels.location="us-central1" AND (resource.labels.deployed_model_id="55" OR labels.deployed_model_id="55")');
    assert.equal(logsExplorerUrl(parseLogTarget('svc')), undefined, 'a bare service id has no project');
  });
});
