/**
 * Writes a SavedModelSpec as saved_model.pb bytes in TensorFlow's wire format (the same schema the
 * decoder reads). The emulator's demo models and test material are made with it; it writes the
 * graph's op structure and signatures, not weights, so real TensorFlow could not run the result.
 */
import { INIT_OP_SIGNATURE } from './decode';
import { DATA_TYPES, SavedModelType } from './schema';
import type { SavedModelSpec, Signature, TensorSpec } from './types';

export function encodeSavedModel(spec: SavedModelSpec): Uint8Array {
  const tags = spec.tags ?? ['serve'];
  // An empty list is allowed: TF1 Hub modules carry an untagged meta graph.
  if (!Array.isArray(tags) || !tags.every(t => typeof t === 'string' && t)) throw new Error('SavedModelSpec.tags: expected a list of tag names');
  if (!spec.signatures || typeof spec.signatures !== 'object') throw new Error('SavedModelSpec.signatures: expected an object of signatures');
  if (!Array.isArray(spec.graphOps)) throw new Error('SavedModelSpec.graphOps: expected an array of op names');

  const signatureDef: Record<string, unknown> = {};
  for (const [key, sig] of Object.entries(spec.signatures)) {
    if (key === INIT_OP_SIGNATURE) throw new Error(`SavedModelSpec.signatures.${key}: reserved name`);
    signatureDef[key] = signatureObject(sig, `SavedModelSpec.signatures.${key}`);
  }
  const node = spec.graphOps.map((op, i) => nodeObject(op, `node_${i}`, `SavedModelSpec.graphOps[${i}]`));
  const fn = (spec.libraryFunctions ?? []).map((f, i) => {
    if (!f?.name) throw new Error(`SavedModelSpec.libraryFunctions[${i}].name: expected a function name`);
    return {
      signature: { name: f.name },
      nodeDef: (f.ops ?? []).map((op, j) => nodeObject(op, `${f.name}/node_${j}`, `SavedModelSpec.libraryFunctions[${i}].ops[${j}]`)),
    };
  });
  const metaGraph = {
    metaInfoDef: {
      strippedOpList: { op: (spec.strippedOps ?? []).map(name => ({ name })) },
      tags,
      ...(spec.tensorflowVersion ? { tensorflowVersion: spec.tensorflowVersion } : {}),
    },
    graphDef: { node, library: { function: fn } },
    signatureDef,
  };
  const message = SavedModelType.fromObject({ savedModelSchemaVersion: 1, metaGraphs: [metaGraph] });
  return SavedModelType.encode(message).finish();
}

function nodeObject(op: unknown, name: string, field: string): { name: string; op: string } {
  if (typeof op !== 'string' || !op) throw new Error(`${field}: expected an op name`);
  return { name, op };
}

function signatureObject(sig: Signature, field: string): Record<string, unknown> {
  const tensors = (m: Record<string, TensorSpec> | undefined, part: string) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, t]) => [k, tensorInfoObject(t, `${field}.${part}.${k}`)]));
  return { methodName: sig.methodName, inputs: tensors(sig.inputs, 'inputs'), outputs: tensors(sig.outputs, 'outputs') };
}

function tensorInfoObject(t: TensorSpec, field: string): Record<string, unknown> {
  if (!Object.hasOwn(DATA_TYPES, t.dtype)) throw new Error(`${field}.dtype: unknown dtype "${t.dtype}" (expected a name like DT_FLOAT)`);
  if (t.shape !== undefined && !t.shape.every(d => Number.isInteger(d) && d >= -1)) {
    throw new Error(`${field}.shape: expected integers >= -1 (-1 = unknown), got ${JSON.stringify(t.shape)}`);
  }
  const tensorShape = t.shape === undefined ? { unknownRank: true } : { dim: t.shape.map(size => ({ size })) };
  return { name: t.name, dtype: DATA_TYPES[t.dtype], tensorShape };
}
