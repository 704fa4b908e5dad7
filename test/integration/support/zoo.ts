// The model zoo's manifest (scripts/model-zoo.mjs): each export's signatures as TensorFlow reports
// them and, per signature, a sample request with the answer TensorFlow computed in process. Tests
// compare what the product shows against it. No vscode import: the e2e tests use it too.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ZooTensor { dtype: string; shape: Array<number | null> | null }
export interface ZooSample { signature_name: string; request: Record<string, unknown>; outputs: Record<string, unknown>; expected: { predictions: unknown[] } }
export interface ZooModel {
  name: string;
  version: string;
  path: string;
  signatures: Record<string, { inputs: Record<string, ZooTensor>; outputs: Record<string, ZooTensor> }>;
  samples: ZooSample[];
  custom_ops: string[];
}
export interface ZooManifest { tensorflow: string; candidates: number; k: number; float_tolerance: number; models: ZooModel[] }

/** The demo project's model (Models tree label) behind each zoo export (test/emulator/demo/project.ts). */
export const DEMO_MODEL_OF: Record<string, string> = {
  retrieval: 'recsys-retrieval',
  ranking: 'recsys-ranking',
  multitask: 'recsys-multitask',
  tfx_example: 'recsys-tfx-example',
  custom_op_retrieval: 'recsys-retrieval-custom-op',
};

/**
 * The manifest of MLSERVING_ZOO (scripts/test.mjs sets it), or undefined when the tests run
 * without real TensorFlow; under CI=true that is an error (tests never fall back to the stand-in).
 */
export function zooManifest(): ZooManifest | undefined {
  const dir = process.env.MLSERVING_ZOO;
  if (!dir) {
    if (process.env.CI === 'true') throw new Error('MLSERVING_ZOO is not set: CI runs the serving tests with real TensorFlow (node scripts/test.mjs makes the zoo)');
    return undefined;
  }
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ZooManifest;
}

/**
 * A request the demo's recsys-retrieval model answers: the zoo's sample for its serving_default
 * signature, or (without the zoo, stand-in serving) instances with that signature's inputs.
 */
export function retrievalRequest(): { instances: Array<Record<string, unknown>> } {
  const m = zooManifest();
  if (!m) return { instances: [{ user_id: 'user_42', hour_of_day: 9 }, { user_id: 'user_7', hour_of_day: 21.5 }] };
  const sample = zooModel(m, 'retrieval').samples.find(x => x.signature_name === 'serving_default');
  assert.ok(sample, 'the zoo has a serving_default sample for retrieval');
  return { instances: sample.request.instances as Array<Record<string, unknown>> };
}

export function zooModel(m: ZooManifest, name: string): ZooModel {
  const model = m.models.find(x => x.name === name);
  assert.ok(model, `the zoo manifest has ${name} (it has ${m.models.map(x => x.name).join(', ')})`);
  return model;
}

/** Equal, with floats within `tol` (relative to the larger magnitude, at least absolute `tol`). */
export function assertClose(actual: unknown, expected: unknown, tol: number, where = 'value'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: expected a number, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= tol * Math.max(1, Math.abs(expected)), `${where}: ${a} is not ${expected} (±${tol})`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list, got ${JSON.stringify(actual)?.slice(0, 100)}`);
    assert.equal((actual as unknown[]).length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, tol, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)?.slice(0, 100)}`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const k of Object.keys(expected)) assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], tol, `${where}.${k}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** TensorFlow's shape (None = unknown) as TF Serving and the inspector write it (-1; null = unknown rank). */
export function tfShape(shape: Array<number | null> | null): number[] | null {
  return shape === null ? null : shape.map(d => (d === null ? -1 : d));
}
