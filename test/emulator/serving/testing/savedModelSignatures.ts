/**
 * Test material: reads the signatures of a real saved_model.pb (the TF Serving test models in
 * shared/fixtures) with protobufjs, so the stand-in is tested against signatures it did not
 * author. Only the SavedModel fields the stand-in needs are declared; the rest is skipped.
 */
import * as protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';
import type { Signature, TensorSpec } from '../../../../src/serving/savedModel/types';

// Map fields carry `keyType`, which protobufjs' IField typing omits: hence the separate constant.
const descriptor = {
  nested: {
    sm: {
      nested: {
        SavedModel: { fields: { metaGraphs: { rule: 'repeated', type: 'MetaGraphDef', id: 2 } } },
        MetaGraphDef: { fields: { signatureDef: { keyType: 'string', type: 'SignatureDef', id: 5 } } },
        SignatureDef: {
          fields: {
            inputs: { keyType: 'string', type: 'TensorInfo', id: 1 },
            outputs: { keyType: 'string', type: 'TensorInfo', id: 2 },
            methodName: { type: 'string', id: 3 },
          },
        },
        TensorInfo: { fields: { name: { type: 'string', id: 1 }, dtype: { type: 'int32', id: 2 }, tensorShape: { type: 'Shape', id: 3 } } },
        Shape: { fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 }, unknownRank: { type: 'bool', id: 3 } } },
        Dim: { fields: { size: { type: 'int64', id: 1 } } },
      },
    },
  },
};
const root = protobuf.Root.fromJSON(descriptor);

// tensorflow/core/framework/types.proto enum values.
const DTYPES: Record<number, string> = {
  0: 'DT_INVALID', 1: 'DT_FLOAT', 2: 'DT_DOUBLE', 3: 'DT_INT32', 4: 'DT_UINT8', 5: 'DT_INT16', 6: 'DT_INT8',
  7: 'DT_STRING', 9: 'DT_INT64', 10: 'DT_BOOL', 17: 'DT_UINT16', 19: 'DT_HALF', 22: 'DT_UINT32', 23: 'DT_UINT64',
};

interface RawInfo { name?: string; dtype?: number; tensorShape?: { dim?: Array<{ size?: unknown }>; unknownRank?: boolean } }

function spec(info: RawInfo): TensorSpec {
  const shape = info.tensorShape?.unknownRank ? undefined : (info.tensorShape?.dim ?? []).map(d => Number(String(d.size ?? 0)));
  return { name: info.name ?? '', dtype: DTYPES[info.dtype ?? 0] ?? `DT_${info.dtype}`, shape };
}

/** Signatures of the first meta graph, without `__saved_model_init_op` (like the project's reader). */
export function readSignatures(savedModelPb: string): Record<string, Signature> {
  const msg = root.lookupType('sm.SavedModel').decode(readFileSync(savedModelPb));
  const obj = root.lookupType('sm.SavedModel').toObject(msg, { longs: String }) as {
    metaGraphs?: Array<{ signatureDef?: Record<string, { inputs?: Record<string, RawInfo>; outputs?: Record<string, RawInfo>; methodName?: string }> }>;
  };
  const defs = obj.metaGraphs?.[0]?.signatureDef ?? {};
  const out: Record<string, Signature> = {};
  for (const [key, def] of Object.entries(defs)) {
    if (key === '__saved_model_init_op') continue;
    out[key] = {
      methodName: def.methodName ?? '',
      inputs: Object.fromEntries(Object.entries(def.inputs ?? {}).map(([k, v]) => [k, spec(v)])),
      outputs: Object.fromEntries(Object.entries(def.outputs ?? {}).map(([k, v]) => [k, spec(v)])),
    };
  }
  return out;
}
