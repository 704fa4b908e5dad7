/** Test material: where the repository and the shared fixtures are, and the half_plus_N predictors. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DemoPredictor, TensorValue } from '../tensors';

export function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ml-serving-gcp') return dir;
  }
  throw new Error(`no ml-serving-gcp package.json above ${__dirname}`);
}

/** shared/fixtures, or undefined when this machine does not have it. */
export function fixturesDir(): string | undefined {
  const dir = path.resolve(repoRoot(), '../shared/fixtures');
  if (existsSync(path.join(dir, 'tf_serving_cases.json'))) return dir;
  // Under CI the tests that need it fail instead of skipping.
  if (/^(true|1|yes)$/i.test(String(process.env.CI ?? '').trim())) throw new Error(`CI is set and ${dir}/tf_serving_cases.json is missing`);
  return undefined;
}

const mapNested = (v: TensorValue, f: (x: number) => number): TensorValue =>
  Array.isArray(v) ? v.map(x => mapNested(x, f)) : f(Number(v));

const exampleX = (e: TensorValue, feature: string) => Number((e as Record<string, unknown[]>)[feature]?.[0]);

/**
 * What TF Serving's half_plus_two test models compute (saved_model_half_plus_two.py):
 * y = a*x + b, y2 = a*x + c, y3 = a*x2 + c with a = 0.5, b = 2, c = 3; half_plus_three has b = 3.
 */
export function halfPlus(b: number, c = 3): DemoPredictor {
  const a = 0.5;
  return (sig, inputs): Record<string, TensorValue> => {
    const [input] = Object.values(inputs);
    const examples = Array.isArray(input) ? input : [input];
    switch (sig) {
      case 'serving_default': return { y: mapNested(inputs.x, x => a * x + b) };
      case 'classify_x_to_y': return { scores: examples.map(e => [a * exampleX(e, 'x') + b]) };
      case 'regress_x_to_y': return { outputs: examples.map(e => [a * exampleX(e, 'x') + b]) };
      case 'tensorflow/serving/regress': return { outputs: examples.map(e => a * exampleX(e, 'x') + b) };
      case 'regress_x_to_y2': return { outputs: examples.map(e => [a * exampleX(e, 'x') + c]) };
      case 'regress_x2_to_y3': return { outputs: mapNested(inputs.inputs, x => a * x + c) };
      case 'classify_x2_to_y3': return { scores: mapNested(inputs.inputs, x => a * x + c) };
      default: throw new Error(`half_plus predictor: no signature ${sig}`);
    }
  };
}
