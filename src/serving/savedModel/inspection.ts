/** The JSON-ready result of inspecting a model folder (what `ml-serving inspect --json` prints). */
import type { ContainerChoice } from '../routing/chooseContainer';
import type { SavedModelErrorCode } from './errors';

export type ModelFormat = 'saved_model' | 'tflite' | 'session_bundle' | 'unknown';

export interface TensorSummary {
  /** Graph tensor name, e.g. `x:0`. */
  name: string;
  dtype: string;
  /** -1 = unknown size; null = unknown rank; [] = scalar. */
  shape: number[] | null;
}

export interface SignatureSummary {
  /** Method name, e.g. `tensorflow/serving/predict`. */
  method: string;
  inputs: Record<string, TensorSummary>;
  outputs: Record<string, TensorSummary>;
}

export interface CustomOpSummary {
  op: string;
  /** `graph`, `library:<function>`, `stripped_op_list`. */
  where: string[];
  /** Library that provides it (e.g. `ScaNN`), null when unknown. */
  library: string | null;
  /** pip package that registers it, null when unknown. */
  package: string | null;
}

export interface ModelInspection {
  /** The folder inspected, as the user gave it (absolute local path or gs:// URI). */
  path: string;
  format: ModelFormat;
  /** Numeric version folders, ascending by value. */
  versions: string[];
  /** The version TF Serving would serve (the highest), null when unversioned or none. */
  version: string | null;
  /** Folder holding saved_model.pb (or the one that should have), null when none was found. */
  modelDir: string | null;
  metaGraphs: Array<{ tags: string[]; tensorflowVersion: string | null }>;
  /** TF version that wrote the served meta graph. */
  tensorflowVersion: string | null;
  /** Signatures of the meta graph tagged `serve`, without `__saved_model_init_op`. */
  signatures: Record<string, SignatureSummary>;
  ops: string[];
  customOps: CustomOpSummary[];
  container: ContainerChoice;
  /** pip packages / modules the Python server needs for the custom ops. */
  pythonPackages: string[];
  pythonModules: string[];
  reasons: string[];
  warnings: string[];
  errors: string[];
  /** Machine-readable kind of the first error, null when servable. */
  errorCode: SavedModelErrorCode | null;
  /** Whether the model can be served in `container` (no error; a forced container that will fail is not). */
  servable: boolean;
}

export function emptyInspection(path: string): ModelInspection {
  return {
    path, format: 'unknown', versions: [], version: null, modelDir: null, metaGraphs: [], tensorflowVersion: null,
    signatures: {}, ops: [], customOps: [], container: 'none', pythonPackages: [], pythonModules: [],
    reasons: [], warnings: [], errors: [], errorCode: null, servable: false,
  };
}

/** A model is servable when inspection found no error. */
export function isServable(ins: ModelInspection): boolean {
  return ins.errors.length === 0 && ins.container !== 'none';
}
