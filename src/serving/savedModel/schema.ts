/**
 * The part of TensorFlow's SavedModel protos this project reads and writes, built with protobufjs
 * reflection. Field numbers follow tensorflow/core/protobuf/{saved_model,meta_graph}.proto and
 * tensorflow/core/framework/{graph,node_def,function,op_def,tensor_shape,types}.proto. Every field
 * left out (attrs, constants, variables, the object graph) is skipped by the decoder unread, so a
 * large graph decodes fast and only what inspection needs is kept.
 */
import * as protobuf from 'protobufjs';

/** TF's DataType numbering (types.proto). `*_REF` types are the base value + 100. */
const BASE_DATA_TYPES: Record<string, number> = {
  DT_INVALID: 0, DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_UINT8: 4, DT_INT16: 5, DT_INT8: 6,
  DT_STRING: 7, DT_COMPLEX64: 8, DT_INT64: 9, DT_BOOL: 10, DT_QINT8: 11, DT_QUINT8: 12,
  DT_QINT32: 13, DT_BFLOAT16: 14, DT_QINT16: 15, DT_QUINT16: 16, DT_UINT16: 17,
  DT_COMPLEX128: 18, DT_HALF: 19, DT_RESOURCE: 20, DT_VARIANT: 21, DT_UINT32: 22, DT_UINT64: 23,
  DT_FLOAT8_E5M2: 24, DT_FLOAT8_E4M3FN: 25, DT_FLOAT8_E4M3FNUZ: 26, DT_FLOAT8_E4M3B11FNUZ: 27,
  DT_FLOAT8_E5M2FNUZ: 28, DT_INT4: 29, DT_UINT4: 30, DT_INT2: 31, DT_UINT2: 32,
};

export const DATA_TYPES: Record<string, number> = { ...BASE_DATA_TYPES };
for (const [name, value] of Object.entries(BASE_DATA_TYPES)) {
  if (value > 0) DATA_TYPES[`${name}_REF`] = value + 100;
}

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
const map = (type: string, id: number) => ({ keyType: 'string', type, id });

const descriptor = {
  nested: {
    tensorflow: {
      nested: {
        DataType: { values: DATA_TYPES },
        SavedModel: {
          fields: { savedModelSchemaVersion: { type: 'int64', id: 1 }, metaGraphs: repeated('MetaGraphDef', 2) },
        },
        MetaGraphDef: {
          fields: {
            metaInfoDef: { type: 'MetaInfoDef', id: 1 },
            graphDef: { type: 'GraphDef', id: 2 },
            signatureDef: map('SignatureDef', 5),
          },
        },
        MetaInfoDef: {
          fields: {
            metaGraphVersion: { type: 'string', id: 1 },
            strippedOpList: { type: 'OpList', id: 2 },
            tags: repeated('string', 4),
            tensorflowVersion: { type: 'string', id: 5 },
            tensorflowGitVersion: { type: 'string', id: 6 },
          },
        },
        OpList: { fields: { op: repeated('OpDef', 1) } },
        OpDef: { fields: { name: { type: 'string', id: 1 } } },
        GraphDef: { fields: { node: repeated('NodeDef', 1), library: { type: 'FunctionDefLibrary', id: 2 } } },
        NodeDef: { fields: { name: { type: 'string', id: 1 }, op: { type: 'string', id: 2 } } },
        FunctionDefLibrary: { fields: { function: repeated('FunctionDef', 1) } },
        FunctionDef: { fields: { signature: { type: 'OpDef', id: 1 }, nodeDef: repeated('NodeDef', 3) } },
        SignatureDef: {
          fields: { inputs: map('TensorInfo', 1), outputs: map('TensorInfo', 2), methodName: { type: 'string', id: 3 } },
        },
        TensorInfo: {
          oneofs: { encoding: { oneof: ['name', 'cooSparse'] } },
          fields: {
            name: { type: 'string', id: 1 },
            dtype: { type: 'DataType', id: 2 },
            tensorShape: { type: 'TensorShapeProto', id: 3 },
            cooSparse: { type: 'CooSparse', id: 4 },
          },
          nested: {
            CooSparse: {
              fields: {
                valuesTensorName: { type: 'string', id: 1 },
                indicesTensorName: { type: 'string', id: 2 },
                denseShapeTensorName: { type: 'string', id: 3 },
              },
            },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dim', 2), unknownRank: { type: 'bool', id: 3 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } } },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** The SavedModel message type (the root of saved_model.pb). */
export const SavedModelType: protobuf.Type = root.lookupType('tensorflow.SavedModel');

// Plain-object shapes of the decoded messages (protobufjs toObject with longs as numbers and
// enums as names). Every field is optional: proto3 leaves defaults off the wire.
export interface OpDefObject { name?: string }
export interface NodeDefObject { name?: string; op?: string }
export interface FunctionDefObject { signature?: OpDefObject; nodeDef?: NodeDefObject[] }
export interface TensorShapeObject { dim?: Array<{ size?: number; name?: string }>; unknownRank?: boolean }
export interface TensorInfoObject {
  name?: string;
  dtype?: string | number;
  tensorShape?: TensorShapeObject;
  cooSparse?: { valuesTensorName?: string; indicesTensorName?: string; denseShapeTensorName?: string };
}
export interface SignatureDefObject {
  inputs?: Record<string, TensorInfoObject>;
  outputs?: Record<string, TensorInfoObject>;
  methodName?: string;
}
export interface MetaGraphDefObject {
  metaInfoDef?: {
    metaGraphVersion?: string;
    strippedOpList?: { op?: OpDefObject[] };
    tags?: string[];
    tensorflowVersion?: string;
    tensorflowGitVersion?: string;
  };
  graphDef?: { node?: NodeDefObject[]; library?: { function?: FunctionDefObject[] } };
  signatureDef?: Record<string, SignatureDefObject>;
}
export interface SavedModelObject { savedModelSchemaVersion?: number; metaGraphs?: MetaGraphDefObject[] }
