/**
 * TF Serving's warm-up records: `tensorflow.serving.PredictionLog` holding a `predict_log.request`
 * (PredictRequest with ModelSpec and TensorProto inputs), built with protobufjs reflection. Field
 * numbers follow tensorflow_serving/apis/{prediction_log,predict,model}.proto and
 * tensorflow/core/framework/{tensor,tensor_shape,types}.proto. Pure: no I/O.
 */
import * as protobuf from 'protobufjs';
import { DATA_TYPES } from '../savedModel/schema';

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

const descriptor = {
  nested: {
    tensorflow: {
      nested: {
        DataType: { values: DATA_TYPES },
        TensorShapeProto: {
          fields: { dim: repeated('Dim', 2), unknownRank: { type: 'bool', id: 3 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'DataType', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            versionNumber: { type: 'int32', id: 3 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: { ...repeated('float', 5), options: { packed: true } },
            doubleVal: { ...repeated('double', 6), options: { packed: true } },
            intVal: { ...repeated('int32', 7), options: { packed: true } },
            stringVal: repeated('bytes', 8),
            int64Val: { ...repeated('int64', 10), options: { packed: true } },
            boolVal: { ...repeated('bool', 11), options: { packed: true } },
            uint32Val: { ...repeated('uint32', 16), options: { packed: true } },
            uint64Val: { ...repeated('uint64', 17), options: { packed: true } },
          },
        },
        serving: {
          nested: {
            ModelSpec: {
              fields: { name: { type: 'string', id: 1 }, signatureName: { type: 'string', id: 3 }, versionLabel: { type: 'string', id: 4 } },
            },
            PredictRequest: {
              fields: {
                modelSpec: { type: 'ModelSpec', id: 1 },
                inputs: { keyType: 'string', type: 'tensorflow.TensorProto', id: 2 },
                outputFilter: repeated('string', 3),
              },
            },
            PredictLog: { fields: { request: { type: 'PredictRequest', id: 1 } } },
            PredictionLog: {
              oneofs: { logType: { oneof: ['predictLog'] } },
              fields: { predictLog: { type: 'PredictLog', id: 6 } },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const PredictionLogType: protobuf.Type = root.lookupType('tensorflow.serving.PredictionLog');
export const TensorProtoType: protobuf.Type = root.lookupType('tensorflow.TensorProto');

/** A JSON value as TF Serving's REST API takes it: nested arrays of numbers, booleans, strings or {"b64": ...}. */
export type JsonTensor = unknown;

export interface TensorValue {
  dtype: string;
  shape: number[];
  /** Flattened, row-major. Strings are bytes. */
  values: Array<number | boolean | Uint8Array>;
}

const isB64 = (v: unknown): v is { b64: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { b64?: unknown }).b64 === 'string';

const INT_RANGES: Record<string, [number, number]> = {
  DT_INT8: [-128, 127], DT_UINT8: [0, 255], DT_INT16: [-32768, 32767], DT_UINT16: [0, 65535],
  DT_INT32: [-2147483648, 2147483647], DT_UINT32: [0, 4294967295],
  DT_INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], DT_UINT64: [0, Number.MAX_SAFE_INTEGER],
};

/** Shape and leaves of a nested JSON array; throws naming `field` when it is ragged or empty-typed. */
function shapeOf(v: unknown, field: string): { shape: number[]; leaves: unknown[] } {
  if (!Array.isArray(v)) return { shape: [], leaves: [v] };
  if (v.length === 0) return { shape: [0], leaves: [] };
  const parts = v.map((x, i) => shapeOf(x, `${field}[${i}]`));
  const first = JSON.stringify(parts[0].shape);
  parts.forEach((p, i) => {
    if (JSON.stringify(p.shape) !== first) throw new Error(`${field}[${i}]: ragged array (shape ${JSON.stringify(p.shape)}, expected ${first})`);
  });
  return { shape: [v.length, ...parts[0].shape], leaves: parts.flatMap(p => p.leaves) };
}

function inferDtype(leaves: unknown[]): string {
  if (leaves.some(l => typeof l === 'string' || isB64(l))) return 'DT_STRING';
  if (leaves.length && leaves.every(l => typeof l === 'boolean')) return 'DT_BOOL';
  if (leaves.every(l => typeof l === 'number' && Number.isInteger(l))) return leaves.length ? 'DT_INT64' : 'DT_FLOAT';
  return 'DT_FLOAT';
}

/** JSON value → tensor; `dtype` from the signature when known, else inferred as TF Serving would. */
export function jsonToTensor(value: JsonTensor, field: string, dtype?: string): TensorValue {
  const { shape, leaves } = shapeOf(value, field);
  const dt = dtype ?? inferDtype(leaves);
  const values = leaves.map((l, i): number | boolean | Uint8Array => {
    const at = `${field}${shape.length ? ` (element ${i})` : ''}`;
    if (dt === 'DT_STRING') {
      if (typeof l === 'string') return new TextEncoder().encode(l);
      if (isB64(l)) return Uint8Array.from(Buffer.from(l.b64, 'base64'));
      throw new Error(`${at}: expected a string or {"b64": ...} for ${dt}, got ${JSON.stringify(l)}`);
    }
    if (dt === 'DT_BOOL') {
      if (typeof l === 'boolean') return l;
      throw new Error(`${at}: expected true or false for ${dt}, got ${JSON.stringify(l)}`);
    }
    if (dt === 'DT_FLOAT' || dt === 'DT_DOUBLE') {
      if (typeof l === 'number') return l;
      if (l === 'NaN') return NaN;
      if (l === 'Infinity') return Infinity;
      if (l === '-Infinity') return -Infinity;
      throw new Error(`${at}: expected a number for ${dt}, got ${JSON.stringify(l)}`);
    }
    const range = INT_RANGES[dt];
    if (!range) throw new Error(`${field}: dtype ${dt} is not supported in warm-up requests`);
    if (typeof l !== 'number' || !Number.isInteger(l) || l < range[0] || l > range[1]) {
      throw new Error(`${at}: expected an integer in [${range[0]}, ${range[1]}] for ${dt}, got ${JSON.stringify(l)}`);
    }
    return l;
  });
  return { dtype: dt, shape, values };
}

function tensorObject(t: TensorValue): Record<string, unknown> {
  const o: Record<string, unknown> = { dtype: DATA_TYPES[t.dtype], tensorShape: { dim: t.shape.map(size => ({ size })) } };
  switch (t.dtype) {
    case 'DT_STRING': o.stringVal = t.values; break;
    case 'DT_BOOL': o.boolVal = t.values; break;
    case 'DT_FLOAT': o.floatVal = t.values; break;
    case 'DT_DOUBLE': o.doubleVal = t.values; break;
    case 'DT_INT64': o.int64Val = t.values; break;
    case 'DT_UINT32': o.uint32Val = t.values; break;
    case 'DT_UINT64': o.uint64Val = t.values; break;
    default: o.intVal = t.values; // int32, int16, int8, uint8, uint16 (tensor.proto)
  }
  return o;
}

export interface WarmupRequest {
  modelName: string;
  signatureName: string;
  inputs: Record<string, TensorValue>;
}

/** One serialized PredictionLog record. */
export function encodePredictionLog(r: WarmupRequest): Uint8Array {
  const inputs: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(r.inputs)) inputs[k] = tensorObject(t);
  const msg = PredictionLogType.fromObject({
    predictLog: { request: { modelSpec: { name: r.modelName, signatureName: r.signatureName }, inputs } },
  });
  return PredictionLogType.encode(msg).finish();
}
