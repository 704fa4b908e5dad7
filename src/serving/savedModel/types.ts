/** What the SavedModel reader finds in a model folder. Pure data: no vscode, no I/O. */

/** The signature TF Serving calls when a request names none. */
export const DEFAULT_SIGNATURE = 'serving_default';

/** TensorFlow dtype names as TF Serving prints them in metadata (`DT_FLOAT`, `DT_STRING`, ...). */
export type DType = string;

export interface TensorSpec {
  /** Graph tensor name, e.g. `serving_default_x:0`. */
  name: string;
  dtype: DType;
  /** Dimension sizes; -1 is unknown. `undefined` when the rank itself is unknown. */
  shape?: number[];
}

export interface Signature {
  /** e.g. `tensorflow/serving/predict`, `.../classify`, `.../regress`. */
  methodName: string;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
}

export interface MetaGraphSummary {
  tags: string[];
  tensorflowVersion?: string;
  tensorflowGitVersion?: string;
  /** Signatures by key, without `__saved_model_init_op`. */
  signatures: Record<string, Signature>;
  /** Every op type used, in the main graph and inside library functions (sorted, unique). */
  ops: string[];
  /** Where each op was seen: `graph`, `library:<function name>`, or `stripped_op_list`. */
  opSources: Record<string, string[]>;
}

/** The decoded saved_model.pb. */
export interface SavedModelProto {
  schemaVersion: number;
  metaGraphs: MetaGraphSummary[];
}

/** Abstract file access so the reader runs over a local folder or gs:// alike. */
export interface ModelFileSource {
  /** Entries directly under `dir` (names only; folders end with `/`). */
  list(dir: string): Promise<string[]>;
  read(file: string): Promise<Uint8Array>;
  /** Human-readable location for messages (`/path/x` or `gs://b/x`). */
  describe(path: string): string;
}

/** What the project's own encoder writes (the emulator's demo models and test material). */
export interface SavedModelSpec {
  /** Meta graph tags; default `["serve"]`. */
  tags?: string[];
  tensorflowVersion?: string;
  signatures: Record<string, Signature>;
  /** Op types of nodes in the main graph_def. */
  graphOps: string[];
  /** Functions in graph_def.library, each with the op types of its node_def. */
  libraryFunctions?: Array<{ name: string; ops: string[] }>;
  /** meta_info_def.stripped_op_list names (TF1 exports list ops here; TF2 often omits custom ones). */
  strippedOps?: string[];
}
