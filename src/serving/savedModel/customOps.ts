/**
 * Which op types the stock `tensorflow/serving:2.19.0` binary cannot run, and which Python package
 * registers them. Data first, logic last; extend the tables, not the code.
 *
 * What the stock binary links (tensorflow_serving/model_servers/BUILD, SUPPORTED_TENSORFLOW_OPS):
 * - every TensorFlow core op (plain names such as MatMul, ParseExampleV2, HashTableV2);
 * - the TF Text ops: mostly plain names (SentencepieceOp, WordpieceTokenizeWithOffsets,
 *   RegexSplitWithOffsets, ...), the newer ones namespaced `TFText>` (TFText>NgramsStringJoin,
 *   TFText>FastWordpieceTokenizeWithOffsets, ...);
 * - since 2022 the TF Decision Forests inference ops (SimpleMLInferenceOpWithHandle,
 *   SimpleMLCreateModelResource, SimpleMLLoadModelFromPathWithHandle, ...): plain names.
 *
 * So any op named `Namespace>Op` is custom unless its namespace is listed in
 * STOCK_OP_NAMESPACES; a few plain-named op sets are known to be custom too (KNOWN_CUSTOM_OP_SETS
 * with `ops`). A plain-named op this table does not know is assumed to be a TF core op: a full list
 * of core ops would go stale with every TF release, and the namespace convention is what custom op
 * libraries follow.
 */

/** Op namespaces (the part before `>`) whose kernels are in the stock TF Serving binary. */
export const STOCK_OP_NAMESPACES: readonly string[] = ['TFText'];

/**
 * Plain-named ops of the extra libraries linked into the stock binary, named in reports so a user
 * who sees e.g. SentencepieceOp knows it is fine. Not exhaustive, and not needed for the decision:
 * plain names are treated as stock anyway.
 */
export const STOCK_LIBRARY_OPS: ReadonlyArray<{ library: string; ops?: readonly string[]; prefix?: string }> = [
  {
    library: 'TF Text',
    ops: [
      'CaseFoldUTF8', 'ConstrainedSequence', 'MaxSpanningTree', 'NormalizeUTF8', 'NormalizeUTF8WithOffsetsMap',
      'FindSourceOffsets', 'RegexSplitWithOffsets', 'RougeL', 'SentenceFragments', 'SentencepieceOp',
      'SentencepieceTokenizeOp', 'SentencepieceTokenizeWithOffsetsOp', 'SentencepieceDetokenizeOp',
      'SentencepieceVocabSizeOp', 'SentencepieceIdToStringOp', 'SentencepieceStringToIdOp',
      'SplitMergeTokenizeWithOffsets', 'SplitMergeFromLogitsTokenizeWithOffsets', 'TokenizerFromLogits',
      'UnicodeScriptTokenizeWithOffsets', 'WhitespaceTokenizeWithOffsets', 'WhitespaceTokenizeWithOffsetsV2',
      'WhitespaceTokenizerConfigFromString', 'WordpieceTokenizeWithOffsets',
    ],
    prefix: 'TFText>',
  },
  { library: 'TF Decision Forests', prefix: 'SimpleML' },
];

/** Ops among `ops` that come from the stock binary's extra libraries, grouped by library. */
export function stockLibraryOps(ops: readonly string[]): Array<{ library: string; ops: string[] }> {
  return STOCK_LIBRARY_OPS.map(lib => ({
    library: lib.library,
    ops: ops.filter(op => (lib.ops?.includes(op) ?? false) || (lib.prefix !== undefined && op.startsWith(lib.prefix))),
  })).filter(g => g.ops.length > 0);
}

export interface CustomOpSet {
  /** Short id used in reports (`scann`, `addons`, ...). */
  id: string;
  /** Human name of the library. */
  library: string;
  /** Ops named `<namespace>>Op` belong to this set. */
  namespace?: string;
  /** Plain-named ops of this set (libraries that predate namespaces). */
  ops?: readonly string[];
  /** pip package that registers the ops. */
  pythonPackage: string;
  /** Module the Python server imports before loading the model, so the ops get registered. */
  pythonModule: string;
}

export const KNOWN_CUSTOM_OP_SETS: readonly CustomOpSet[] = [
  { id: 'scann', library: 'ScaNN', namespace: 'Scann', pythonPackage: 'scann', pythonModule: 'scann' },
  {
    // The project's own stand-in for ScaNN (deploy/examples/mlserving_demo_ops): a real op library
    // compiled against the installed TensorFlow, used by the model zoo's custom_op_retrieval.
    id: 'mlserving-demo', library: 'ML Serving demo', namespace: 'MlServingDemo',
    pythonPackage: 'mlserving-demo-ops', pythonModule: 'mlserving_demo_ops',
  },
  { id: 'addons', library: 'TensorFlow Addons', namespace: 'Addons', pythonPackage: 'tensorflow-addons', pythonModule: 'tensorflow_addons' },
  {
    id: 'tfra', library: 'TensorFlow Recommenders Addons', namespace: 'TFRA',
    pythonPackage: 'tensorflow-recommenders-addons', pythonModule: 'tensorflow_recommenders_addons',
  },
  { id: 'tfio', library: 'TensorFlow I/O', namespace: 'IO', pythonPackage: 'tensorflow-io', pythonModule: 'tensorflow_io' },
  {
    // The standalone tf-sentencepiece package (not TF Text's SentencepieceOp, which is stock).
    id: 'tf-sentencepiece', library: 'tf-sentencepiece',
    ops: [
      'SentencepieceEncodeSparse', 'SentencepieceEncodeDense', 'SentencepieceDecode', 'SentencepieceGetPieceSize',
      'SentencepiecePieceToId', 'SentencepieceIdToPiece', 'SentencepieceGetPieceType',
    ],
    pythonPackage: 'tf-sentencepiece', pythonModule: 'tf_sentencepiece',
  },
];

/** A custom op the stock binary lacks, where the graph uses it, and what provides it. */
export interface CustomOpUse {
  op: string;
  /** Where it was seen: `graph`, `library:<function name>`, `stripped_op_list` (MetaGraphSummary.opSources). */
  where: string[];
  /** The known op set, when one matches; absent for an unknown namespace. */
  set?: CustomOpSet;
}

export function opNamespace(op: string): string | undefined {
  const i = op.indexOf('>');
  return i > 0 ? op.slice(0, i) : undefined;
}

/** The known set an op belongs to, if any. */
export function customOpSetFor(op: string): CustomOpSet | undefined {
  const ns = opNamespace(op);
  return KNOWN_CUSTOM_OP_SETS.find(s => (ns !== undefined && s.namespace === ns) || (s.ops?.includes(op) ?? false));
}

/** True when the stock TF Serving binary cannot run `op`. */
export function isCustomOp(op: string): boolean {
  const ns = opNamespace(op);
  if (ns !== undefined) return !STOCK_OP_NAMESPACES.includes(ns);
  return customOpSetFor(op) !== undefined;
}

/** The custom ops among `ops`, sorted by name, with where each was seen. */
export function findCustomOps(ops: readonly string[], opSources: Record<string, string[]>): CustomOpUse[] {
  return ops
    .filter(isCustomOp)
    .sort()
    .map(op => {
      const set = customOpSetFor(op);
      const use: CustomOpUse = { op, where: opSources[op] ?? [] };
      if (set) use.set = set;
      return use;
    });
}

/** `library:__inference_x` -> `library function __inference_x`, for messages. */
export function describeOpSource(where: string): string {
  if (where === 'graph') return 'the main graph';
  if (where === 'stripped_op_list') return 'stripped_op_list';
  if (where.startsWith('library:')) return `library function ${where.slice('library:'.length)}`;
  return where;
}
