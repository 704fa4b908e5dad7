// Known-failure recognition on real error texts: the ScaNN issue (tf_serving_cases.json), TF
// Serving's own 404 text, and the texts TF Serving, the Python server and Cloud Run print.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { normalizeEntry } from '../../src/serving/logs/entry';
import { adviceFor, FailureTracker, nextMemory, recognizeFailure } from '../../src/serving/logs/failures';
import { FIXTURES, fixture } from './helpers/fixtures';

interface Case { id: string; expected: { body?: string; body_verbatim?: string } }

function caseBody(id: string): string | undefined {
  const file = FIXTURES && fixture('tf_serving_cases.json');
  if (!file || !fs.existsSync(file)) return undefined;
  const c = (JSON.parse(fs.readFileSync(file, 'utf8')).cases as Case[]).find(x => x.id === id);
  const body = c?.expected.body_verbatim ?? c?.expected.body;
  return body ? (JSON.parse(body) as { error: string }).error : undefined;
}

const SERVICE = 'projects/p/locations/us-central1/services/retrieval';

describe('logs: known failures', () => {
  it('ScaNN op not registered (real issue text) → redeploy with the Python server', function () {
    const text = caseBody('issue_scann_op_not_registered');
    if (!text) this.skip();
    const f = recognizeFailure(text);
    assert.deepEqual(f, { kind: 'opNotRegistered', op: 'Scann>ScannSearchBatched' });
    const advice = adviceFor(f!, { service: SERVICE, container: 'native', modelName: 'retrieval' });
    assert.match(advice.title, /Scann>ScannSearchBatched/);
    assert.deepEqual(advice.action, { title: 'Redeploy with the Python Server', command: 'mlServing.deploy', args: [{ service: SERVICE, container: 'python' }] });
  });

  it('the same op failing in the Python server gets no Python redeploy', () => {
    const f = recognizeFailure("tensorflow.python.framework.errors_impl.NotFoundError: Op type not registered 'Addons>ImageProjectiveTransformV2' in binary running on localhost.");
    assert.deepEqual(f, { kind: 'opNotRegistered', op: 'Addons>ImageProjectiveTransformV2' });
    const advice = adviceFor(f!, { service: SERVICE, container: 'python' });
    assert.equal(advice.action, undefined);
    assert.match(advice.detail, /Addons>ImageProjectiveTransformV2/);
  });

  it('Servable not found (TF Serving REST doc text) → the model name the service uses', function () {
    const text = caseBody('doc_404_unknown_model');
    if (!text) this.skip();
    const f = recognizeFailure(text);
    assert.deepEqual(f, { kind: 'servableNotFound', requested: 'half' });
    const advice = adviceFor(f!, { service: SERVICE, modelName: 'retrieval' });
    assert.match(advice.title, /"half".*"retrieval"/);
    assert.match(advice.detail, /\/v1\/models\/retrieval:predict/);
  });

  it('no servable / no saved_model.pb / no version folder → the folder and what TF Serving expects', () => {
    const cases: Array<[string, string, string]> = [
      ['2025-01-01 12:00:00.123456: E tensorflow_serving/sources/storage_path/file_system_storage_path_source.cc:353] FileSystemStoragePathSource encountered a filesystem access error: Could not find base path /models/retrieval for servable retrieval with error NOT_FOUND: /models/retrieval not found', 'noBasePath', '/models/retrieval'],
      ["2025-01-01 12:00:00.123456: W tensorflow_serving/sources/storage_path/file_system_storage_path_source.cc:267] No versions of servable retrieval found under base path /models/retrieval. Did you forget to name your leaf directory as a number (eg. '/1/')?", 'noVersion', '/models/retrieval'],
      ['Loading servable: {name: retrieval version: 1} failed: NOT_FOUND: Could not find SavedModel .pb or .pbtxt at supplied export directory path: /models/retrieval/1. Check that the directory exists and that you have the right permissions for accessing it.', 'noSavedModel', '/models/retrieval/1'],
      ['OSError: SavedModel file does not exist at: /models/retrieval/{saved_model.pbtxt|saved_model.pb}', 'noSavedModel', '/models/retrieval'],
    ];
    for (const [text, problem, path] of cases) {
      const f = recognizeFailure(text);
      assert.deepEqual(f, { kind: 'modelMissing', problem, path }, text);
      const advice = adviceFor(f!, { service: SERVICE, modelName: 'retrieval', modelUri: 'gs://bucket/pushed_model/1712345678' });
      assert.match(advice.detail, /gs:\/\/bucket\/pushed_model\/1712345678/);
      assert.match(advice.detail, /\/models\/retrieval\/<numeric version>\/saved_model\.pb/);
    }
  });

  it('container did not listen on the port (Cloud Run text)', () => {
    const f = recognizeFailure('The user-provided container failed to start and listen on the port defined provided by the PORT=8501 environment variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short.');
    assert.deepEqual(f, { kind: 'portNotListening', port: 8501 });
    assert.match(adviceFor(f!, { service: SERVICE }).title, /port 8501/);
  });

  it('memory limit exceeded (Cloud Run text) → redeploy with more memory', () => {
    const f = recognizeFailure('Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits');
    assert.deepEqual(f, { kind: 'memoryLimit', limitMiB: 512, usedMiB: 530 });
    const advice = adviceFor(f!, { service: SERVICE });
    assert.deepEqual(advice.action?.args, [{ service: SERVICE, memory: '1Gi' }]);
    assert.equal(nextMemory(2048, 2100), '4Gi');
    assert.equal(nextMemory(4096, undefined), '8Gi');
  });

  it('ordinary lines are not failures', () => {
    for (const t of ['Starting gunicorn 23.0.0', 'Successfully loaded servable version {name: retrieval version: 1}', 'GET 200 /v1/models/retrieval']) {
      assert.equal(recognizeFailure(t), undefined, t);
    }
  });

  it('reports each failure once per revision', () => {
    const tracker = new FailureTracker();
    const entry = (rev: string, text: string, id: string) => normalizeEntry({ insertId: id, timestamp: '2025-01-01T00:00:00Z', textPayload: text, resource: { type: 'cloud_run_revision', labels: { service_name: 'retrieval', revision_name: rev } } });
    const scann = "Op type not registered 'Scann>ScannSearchBatched' in binary running on localhost.";
    assert.equal(tracker.observe(entry('retrieval-00001-aaa', scann, '1'))?.kind, 'opNotRegistered');
    assert.equal(tracker.observe(entry('retrieval-00001-aaa', scann, '2')), undefined, 'same revision again');
    assert.equal(tracker.observe(entry('retrieval-00002-bbb', scann, '3'))?.kind, 'opNotRegistered', 'a new revision is reported');
    assert.equal(tracker.observe(entry('retrieval-00001-aaa', 'Memory limit of 512 MiB exceeded with 600 MiB used.', '4'))?.kind, 'memoryLimit', 'another kind on the same revision');
  });
});
