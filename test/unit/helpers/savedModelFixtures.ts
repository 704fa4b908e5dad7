/** Shared by the SavedModel, routing and CLI tests: fixture paths, temp model folders, in-memory sources. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeSavedModel } from '../../../src/serving/savedModel/encode';
import type { ModelFileSource, SavedModelSpec, Signature } from '../../../src/serving/savedModel/types';

/** Repository root, from out/test/unit/helpers (transpiled) or test/unit/helpers (source). */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../../..' : '../../..');
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures');
export const savedModelsDir = path.join(fixturesDir, 'saved_models');
export const tfServingModels = path.join(savedModelsDir, 'tensorflow_serving');

/** Call from a mocha `before`/`it` with `this`: skips when the shared fixtures are absent. */
export function skipWithoutFixtures(ctx: Mocha.Context): void {
  if (!existsSync(savedModelsDir)) {
    if (/^(true|1|yes)$/i.test(String(process.env.CI ?? '').trim())) throw new Error(`CI is set and the shared fixtures are missing at ${savedModelsDir}`);
    console.log(`    (skipped: shared fixtures not found at ${savedModelsDir})`);
    ctx.skip();
  }
}

/** The half_plus_two signature: x DT_FLOAT [-1,1] -> y DT_FLOAT [-1,1]. */
export const predictSignature: Signature = {
  methodName: 'tensorflow/serving/predict',
  inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
  outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', shape: [-1, 1] } },
};

export const plainSpec: SavedModelSpec = {
  tensorflowVersion: '2.15.0',
  signatures: { serving_default: predictSignature },
  graphOps: ['Placeholder', 'Const', 'StatefulPartitionedCall', 'NoOp'],
  libraryFunctions: [{ name: '__inference_signature_wrapper_42', ops: ['MatMul', 'AddV2', 'Identity'] }],
  strippedOps: ['Const', 'NoOp', 'Placeholder', 'StatefulPartitionedCall'],
};

/** A TF2 retrieval export whose ScaNN op is only inside a library function, as real exports do. */
export const scannSpec: SavedModelSpec = {
  tensorflowVersion: '2.15.0',
  signatures: {
    serving_default: {
      methodName: 'tensorflow/serving/predict',
      inputs: { query: { name: 'serving_default_query:0', dtype: 'DT_STRING', shape: [-1] } },
      outputs: {
        output_1: { name: 'StatefulPartitionedCall:0', dtype: 'DT_FLOAT', shape: [-1, 100] },
        output_2: { name: 'StatefulPartitionedCall:1', dtype: 'DT_STRING', shape: [-1, 100] },
      },
    },
  },
  graphOps: ['Placeholder', 'StatefulPartitionedCall', 'Const', 'NoOp'],
  libraryFunctions: [
    { name: '__inference_call_1234', ops: ['StringToHashBucketFast', 'ResourceGather', 'Scann>ScannSearchBatched', 'Scann>ScannToTensors', 'Identity'] },
    { name: '__inference_signature_wrapper_1300', ops: ['StatefulPartitionedCall', 'Identity'] },
  ],
  // TF2 leaves custom ops out of stripped_op_list; the reader must find them in the library.
  strippedOps: ['Const', 'Identity', 'NoOp', 'Placeholder', 'StatefulPartitionedCall'],
};

export type TreeContent = Uint8Array | string;

/** Writes {relative path: content} under a fresh folder in os.tmpdir(); returns it. */
export function makeTempTree(files: Record<string, TreeContent>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ml-serving-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function modelFiles(spec: SavedModelSpec, prefix = ''): Record<string, TreeContent> {
  return { [`${prefix}saved_model.pb`]: encodeSavedModel(spec), [`${prefix}variables/variables.index`]: 'idx' };
}

/** An in-memory ModelFileSource over 'root/a/b' style keys, to test sources other than the disk. */
export function memorySource(files: Record<string, TreeContent>, scheme = 'mem://'): ModelFileSource {
  const strip = (p: string) => p.replace(scheme, '').replace(/\/+$/, '');
  return {
    async list(dir) {
      const prefix = strip(dir) === '' ? '' : `${strip(dir)}/`;
      const names = new Set<string>();
      for (const key of Object.keys(files)) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : rest.slice(0, slash + 1));
      }
      return [...names];
    },
    async read(file) {
      const c = files[strip(file)];
      if (c === undefined) throw new Error(`${file}: no such object`);
      return typeof c === 'string' ? new TextEncoder().encode(c) : c;
    },
    describe: p => (p.startsWith(scheme) ? p : scheme + p).replace(/\/+$/, ''),
  };
}
