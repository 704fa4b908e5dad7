import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { encodeSavedModel } from '../../src/serving/savedModel/encode';
import { inspectModelFolder } from '../../src/serving/savedModel/inspect';
import type { ModelInspection } from '../../src/serving/savedModel/inspection';
import { localFileSource } from '../../src/serving/node/localSource';
import {
  makeTempTree,
  memorySource,
  modelFiles,
  plainSpec,
  predictSignature,
  removeTree,
  savedModelsDir,
  scannSpec,
  skipWithoutFixtures,
  tfServingModels,
  type TreeContent,
} from './helpers/savedModelFixtures';

const local = localFileSource();

describe('inspectModelFolder on the shared fixtures', function () {
  before(function () {
    skipWithoutFixtures(this);
  });

  it('2 versions: serves the highest, warns naming it, native container', async function () {
    const dir = path.join(tfServingModels, 'saved_model_half_plus_two_2_versions');
    const ins = await inspectModelFolder(local, dir);
    assert.deepEqual(ins.errors, []);
    assert.equal(ins.format, 'saved_model');
    assert.deepEqual(ins.versions, ['00000123', '00000124']);
    assert.equal(ins.version, '00000124');
    assert.equal(ins.modelDir, path.join(dir, '00000124'));
    assert.deepEqual(ins.metaGraphs, [{ tags: ['serve'], tensorflowVersion: '1.1.0-rc2' }]);
    assert.deepEqual(ins.signatures.serving_default, {
      method: 'tensorflow/serving/predict',
      inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
      outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
    });
    assert.equal(ins.signatures.classify_x_to_y.inputs.inputs.shape, null);
    assert.equal(ins.container, 'native');
    assert.ok(ins.reasons.includes('no custom ops; TF Serving 2.19 runs every op in the graph'), ins.reasons.join('\n'));
    assert.ok(ins.warnings.some(w => w.includes('2 versions') && w.includes('serves only the highest, 00000124')), ins.warnings.join('\n'));
  });

  it('TFX Pusher timestamp folder: version 1584391735, classify serving_default, no warnings', async function () {
    const ins = await inspectModelFolder(local, path.join(savedModelsDir, 'tfx/pusher/model_push'));
    assert.deepEqual(ins.errors, []);
    assert.deepEqual(ins.versions, ['1584391735']);
    assert.equal(ins.version, '1584391735');
    assert.equal(ins.signatures.serving_default.method, 'tensorflow/serving/classify');
    assert.deepEqual(ins.warnings, []);
    assert.equal(ins.container, 'native');
  });

  it('tf_text_regression: TF Text ops are stock, so native, and the report says so', async function () {
    const ins = await inspectModelFolder(local, path.join(tfServingModels, 'tf_text_regression'));
    assert.deepEqual(ins.errors, []);
    assert.equal(ins.version, '01');
    assert.deepEqual(ins.customOps, []);
    assert.equal(ins.container, 'native');
    assert.ok(ins.reasons.some(r => r.includes('TF Text ops') && r.includes('stock')), ins.reasons.join('\n'));
  });

  it('bad_half_plus_two: a legacy SessionBundle, not servable, error names the folder', async function () {
    const dir = path.join(tfServingModels, 'bad_half_plus_two');
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.format, 'session_bundle');
    assert.equal(ins.errorCode, 'session-bundle');
    assert.equal(ins.container, 'none');
    assert.equal(ins.errors.length, 1);
    assert.ok(ins.errors[0].startsWith(path.join(dir, '00000123') + ':'), ins.errors[0]);
    assert.match(ins.errors[0], /SessionBundle.*export\.meta/);
  });

  it('TFLite-only folder: tflite error naming the file', async function () {
    const ins = await inspectModelFolder(local, path.join(tfServingModels, 'saved_model_half_plus_two_tflite'));
    assert.equal(ins.format, 'tflite');
    assert.equal(ins.errorCode, 'tflite');
    assert.equal(ins.container, 'none');
    assert.match(ins.errors[0], /saved_model_half_plus_two_tflite\/00000123: .*TensorFlow Lite model \(model\.tflite\)/);
  });

  it('JSON-ready: survives JSON round trip unchanged', async function () {
    const ins = await inspectModelFolder(local, path.join(tfServingModels, 'saved_model_half_plus_two_tf2_cpu'));
    assert.deepEqual(JSON.parse(JSON.stringify(ins)), ins);
    assert.ok(!('__saved_model_init_op' in ins.signatures));
  });
});

describe('inspectModelFolder on built folders', function () {
  const temp: string[] = [];
  const tree = (files: Record<string, TreeContent>) => {
    const d = makeTempTree(files);
    temp.push(d);
    return d;
  };
  after(function () {
    for (const d of temp) removeTree(d);
  });

  it('unversioned: saved_model.pb directly in the folder -> warning, still servable', async function () {
    const dir = tree(modelFiles(plainSpec));
    const ins = await inspectModelFolder(local, dir);
    assert.deepEqual(ins.errors, []);
    assert.deepEqual(ins.versions, []);
    assert.equal(ins.version, null);
    assert.equal(ins.modelDir, dir);
    assert.ok(ins.warnings.some(w => w.includes('no numeric version folder')), ins.warnings.join('\n'));
    assert.equal(ins.container, 'native');
  });

  it('several versions compare numerically (9 < 10 < 1700000000), served one named', async function () {
    const dir = tree({ ...modelFiles(plainSpec, '9/'), ...modelFiles(plainSpec, '1700000000/'), ...modelFiles(plainSpec, '10/'), 'tmp-export/x': 'y' });
    const ins = await inspectModelFolder(local, dir + '/');
    assert.deepEqual(ins.versions, ['9', '10', '1700000000']);
    assert.equal(ins.version, '1700000000');
    assert.ok(ins.warnings.some(w => w.startsWith('3 versions (9, 10, 1700000000)') && w.endsWith('1700000000')), ins.warnings.join('\n'));
  });

  it('no serve tag: error no-serve-tag listing the tags found', async function () {
    const dir = tree({ '1/saved_model.pb': encodeSavedModel({ ...plainSpec, tags: ['train'] }) });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.errorCode, 'no-serve-tag');
    assert.equal(ins.container, 'none');
    assert.match(ins.errors[0], new RegExp(`^${escape(path.join(dir, '1'))}: no meta graph tagged exactly 'serve' \\(found \\[train\\]\\)`));
    assert.deepEqual(ins.metaGraphs, [{ tags: ['train'], tensorflowVersion: '2.15.0' }]);
  });

  it('an untagged meta graph (TF1 Hub module): a valid SavedModel, no-serve-tag saying TF Serving needs serve, not corrupt (issue 16 item 3)', async function () {
    const dir = tree({ '1/saved_model.pb': encodeSavedModel({ ...plainSpec, tags: [] }) });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.errorCode, 'no-serve-tag');
    assert.equal(ins.servable, false);
    assert.deepEqual(ins.metaGraphs, [{ tags: [], tensorflowVersion: '2.15.0' }]);
    assert.equal(ins.errors[0], `${path.join(dir, '1')}: no meta graph tagged exactly 'serve' (found [] (untagged, as in a TF1 Hub module)); the SavedModel is valid, but TF Serving loads the 'serve' meta graph, so re-export it with tags=['serve'] (tf.saved_model.save does)`);
  });

  it('an eval-only export: names its tag and what TF Serving needs', async function () {
    const dir = tree({ '1/saved_model.pb': encodeSavedModel({ ...plainSpec, tags: ['eval'] }) });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.errorCode, 'no-serve-tag');
    assert.match(ins.errors[0], /\(found \[eval\]\); the SavedModel is valid, but TF Serving loads the 'serve' meta graph, so re-export it with tags=\['serve'\]/);
  });

  it('a forced native container on a ScaNN model is not servable (issue 16 item 2)', async function () {
    const dir = tree(modelFiles(scannSpec, '1/'));
    const forced = await inspectModelFolder(local, dir, { override: 'native' });
    assert.equal(forced.container, 'native');
    assert.equal(forced.servable, false);
    assert.equal(forced.errorCode, 'container-will-fail');
    const routed = await inspectModelFolder(local, dir);
    assert.equal(routed.container, 'python');
    assert.equal(routed.servable, true);
    assert.equal(routed.errorCode, null);
  });

  it('serve plus another tag is not what TF Serving loads by default', async function () {
    const dir = tree({ '1/saved_model.pb': encodeSavedModel({ ...plainSpec, tags: ['serve', 'gpu'] }) });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.errorCode, 'no-serve-tag');
    assert.match(ins.errors[0], /found \[serve, gpu\].*--saved_model_tags/);
  });

  it('corrupt saved_model.pb: corrupt error naming the file', async function () {
    const dir = tree({ '3/saved_model.pb': 'this is not a protobuf', '3/variables/variables.index': 'x' });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.format, 'saved_model');
    assert.equal(ins.errorCode, 'corrupt');
    assert.ok(ins.errors[0].startsWith(path.join(dir, '3', 'saved_model.pb') + ':'), ins.errors[0]);
  });

  it('highest version without saved_model.pb: error on that version, not a silent fallback', async function () {
    const dir = tree({ ...modelFiles(plainSpec, '1/'), '2/variables/variables.index': 'x' });
    const ins = await inspectModelFolder(local, dir);
    assert.equal(ins.version, '2');
    assert.equal(ins.errorCode, 'no-saved-model');
    assert.match(ins.errors[0], /\/2: no saved_model\.pb .*found: variables\//);
  });

  it('missing and empty folders: not-found errors', async function () {
    const missing = path.join(tree({ 'a.txt': 'a' }), 'nope');
    const a = await inspectModelFolder(local, missing);
    assert.equal(a.errorCode, 'not-found');
    assert.equal(a.errors[0], `${missing}: no such folder`);
    const empty = path.join(tree({ 'empty/.keep': '' }), 'empty');
    removeTree(path.join(empty, '.keep'));
    const b = await inspectModelFolder(local, empty);
    assert.equal(b.errorCode, 'not-found');
    assert.match(b.errors[0], /folder is empty or does not exist/);
  });

  it('no serving_default: warning listing the signatures to name', async function () {
    const dir = tree(modelFiles({ ...plainSpec, signatures: { predict: predictSignature, other: predictSignature } }, '5/'));
    const ins = await inspectModelFolder(local, dir);
    assert.deepEqual(ins.errors, []);
    assert.ok(ins.warnings.some(w => w.includes("no 'serving_default' signature") && w.includes("'predict', 'other'")), ins.warnings.join('\n'));
  });

  it('ScaNN op only in a library function -> python, reasons name the op and the function', async function () {
    const dir = tree(modelFiles(scannSpec, '1700000000/'));
    const ins = await inspectModelFolder(local, dir, { labels: { retrieval_algorithm: 'scann' } });
    assert.deepEqual(ins.errors, []);
    assert.equal(ins.container, 'python');
    assert.deepEqual(ins.customOps.map(c => [c.op, c.where, c.package]), [
      ['Scann>ScannSearchBatched', ['library:__inference_call_1234'], 'scann'],
      ['Scann>ScannToTensors', ['library:__inference_call_1234'], 'scann'],
    ]);
    assert.ok(ins.reasons.some(r => r.startsWith('Scann>ScannSearchBatched in library function __inference_call_1234')), ins.reasons.join('\n'));
    assert.ok(ins.reasons.some(r => r.includes('imports scann before loading')), ins.reasons.join('\n'));
    assert.deepEqual(ins.pythonPackages, ['scann']);
    assert.deepEqual(ins.warnings, []);
  });

  it('works over a non-disk source (gs://-like paths) the same way', async function () {
    const pb = encodeSavedModel(scannSpec);
    const src = memorySource({ 'b/models/m/1/saved_model.pb': pb, 'b/models/m/2/saved_model.pb': pb, 'b/models/m/2/variables/variables.index': 'i' }, 'gs://');
    const ins: ModelInspection = await inspectModelFolder(src, 'gs://b/models/m');
    assert.equal(ins.path, 'gs://b/models/m');
    assert.equal(ins.modelDir, 'gs://b/models/m/2');
    assert.equal(ins.container, 'python');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
