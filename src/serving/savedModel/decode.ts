/** saved_model.pb bytes -> the summary the rest of the product uses (signatures, dtypes, ops). */
import { SavedModelError } from './errors';
import {
  SavedModelType,
  type MetaGraphDefObject,
  type SavedModelObject,
  type SignatureDefObject,
  type TensorInfoObject,
} from './schema';
import type { MetaGraphSummary, SavedModelProto, Signature, TensorSpec } from './types';

/** TF2 exports carry this pseudo-signature for initialisation; TF Serving hides it from clients. */
export const INIT_OP_SIGNATURE = '__saved_model_init_op';

/** Decode a saved_model.pb. Throws SavedModelError('corrupt') when the bytes are not a SavedModel. */
export function decodeSavedModel(bytes: Uint8Array, file = 'saved_model.pb'): SavedModelProto {
  let obj: SavedModelObject;
  try {
    const msg = SavedModelType.decode(bytes);
    obj = SavedModelType.toObject(msg, { longs: Number, enums: String, arrays: true, objects: true }) as SavedModelObject;
  } catch (e) {
    throw new SavedModelError('corrupt', `${file}: not a valid SavedModel protobuf (${(e as Error).message})`);
  }
  const metaGraphs = obj.metaGraphs ?? [];
  // Random bytes can parse as a protobuf with only unknown fields; a real SavedModel has at least
  // one meta graph with tags or a graph. An untagged one is real (TF1 Hub modules export their
  // default graph with an empty tag set): the inspector says TF Serving needs `serve`.
  if (!metaGraphs.some(isRealMetaGraph)) {
    throw new SavedModelError('corrupt', `${file}: no meta graph with tags or a graph found; the file is not a SavedModel or is damaged`);
  }
  return { schemaVersion: obj.savedModelSchemaVersion ?? 0, metaGraphs: metaGraphs.map(summarizeMetaGraph) };
}

function isRealMetaGraph(m: MetaGraphDefObject): boolean {
  return Boolean(m.metaInfoDef?.tags?.length || m.graphDef?.node?.length || m.graphDef?.library?.function?.length || Object.keys(m.signatureDef ?? {}).length);
}

function summarizeMetaGraph(mg: MetaGraphDefObject): MetaGraphSummary {
  const info = mg.metaInfoDef ?? {};
  const signatures: Record<string, Signature> = {};
  for (const [key, sig] of Object.entries(mg.signatureDef ?? {})) {
    if (key !== INIT_OP_SIGNATURE) signatures[key] = toSignature(sig);
  }
  const { ops, opSources } = collectOps(mg);
  const out: MetaGraphSummary = { tags: info.tags ?? [], signatures, ops, opSources };
  if (info.tensorflowVersion) out.tensorflowVersion = info.tensorflowVersion;
  if (info.tensorflowGitVersion) out.tensorflowGitVersion = info.tensorflowGitVersion;
  return out;
}

function toSignature(sig: SignatureDefObject): Signature {
  const tensors = (m: Record<string, TensorInfoObject> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, t]) => [k, toTensorSpec(t)]));
  return { methodName: sig.methodName ?? '', inputs: tensors(sig.inputs), outputs: tensors(sig.outputs) };
}

function toTensorSpec(t: TensorInfoObject): TensorSpec {
  // A sparse tensor has no single name; its values tensor is the one a user recognises.
  const name = t.name ?? t.cooSparse?.valuesTensorName ?? '';
  const dtype = typeof t.dtype === 'number' ? `DT_UNKNOWN_${t.dtype}` : (t.dtype ?? 'DT_INVALID');
  const spec: TensorSpec = { name, dtype };
  // An absent TensorShapeProto is the empty message: rank 0 (a scalar), as TF reads it.
  const shape = t.tensorShape ?? {};
  if (!shape.unknownRank) spec.shape = (shape.dim ?? []).map(d => d.size ?? 0);
  return spec;
}

/**
 * Op types used by the graph, its library functions and the stripped_op_list. Custom ops in TF2
 * exports often appear only inside library functions, so all three are read. A node whose op is
 * the name of a library function is a function call, not an op, and is left out.
 */
function collectOps(mg: MetaGraphDefObject): { ops: string[]; opSources: Record<string, string[]> } {
  const sources = new Map<string, Set<string>>();
  const functions = mg.graphDef?.library?.function ?? [];
  const functionNames = new Set(functions.map(f => f.signature?.name).filter((n): n is string => !!n));
  const add = (op: string | undefined, where: string) => {
    if (!op || functionNames.has(op)) return;
    let set = sources.get(op);
    if (!set) sources.set(op, (set = new Set()));
    set.add(where);
  };
  for (const node of mg.graphDef?.node ?? []) add(node.op, 'graph');
  for (const fn of functions) {
    const where = `library:${fn.signature?.name ?? '?'}`;
    for (const node of fn.nodeDef ?? []) add(node.op, where);
  }
  for (const op of mg.metaInfoDef?.strippedOpList?.op ?? []) add(op.name, 'stripped_op_list');
  const ops = [...sources.keys()].sort();
  return { ops, opSources: Object.fromEntries(ops.map(op => [op, [...sources.get(op)!]])) };
}
