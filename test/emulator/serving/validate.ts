/**
 * Predict request bodies to tensors, with TF Serving's checks and error texts
 * (util/json_tensor.cc FillPredictRequestFromJson and helpers), in the same order.
 */
import type { TensorSpec } from '../../../src/serving/savedModel/types';
import { jsonTypeString, jsonValueToString } from './json/describe';
import { isInt, isInt64, isUint, isUint64, JsonParseError, member, parseJson, type JValue } from './json/parse';
import { dataTypeString, invalidArgument, TfServingError, unimplemented } from './status';
import type { Tensor, TensorScalar } from './tensors';

export type RequestFormat = 'row' | 'columnar';

export interface PredictRequest {
  signatureName: string;
  format: RequestFormat;
  inputs: Record<string, Tensor>;
}

/** ParseJson: the body must be a JSON object. */
export function parseBody(body: string): JValue {
  if (body.length === 0) throw invalidArgument('JSON Parse error: The document is empty');
  let doc: JValue;
  try {
    doc = parseJson(body);
  } catch (e) {
    if (e instanceof JsonParseError) throw invalidArgument(`JSON Parse error: ${e.reason} at offset: ${e.offset}`);
    throw e;
  }
  if (doc.t !== 'obj') throw formatError(doc, 'Is not object');
  return doc;
}

export const formatError = (v: JValue, ...parts: string[]) =>
  invalidArgument('JSON Value: ', jsonValueToString(v), ' ', ...parts);

/** The optional `signature_name` (empty string when absent). */
export function signatureNameOf(doc: JValue): string {
  const s = member(doc, 'signature_name');
  if (s === undefined) return '';
  if (s.t !== 'str') {
    throw invalidArgument('JSON Value: ', jsonValueToString(doc), " not formatted correctly. 'signature_name' key must be a string value.");
  }
  return s.v;
}

/**
 * Fills the inputs of a predict request. `inputInfo` resolves the model and signature (it throws
 * NOT_FOUND / INVALID_ARGUMENT like GetInfoMap), so its errors come after JSON errors, as in TF Serving.
 */
export function readPredictRequest(body: string, inputInfo: (signatureName: string) => Record<string, TensorSpec>): PredictRequest {
  const doc = parseBody(body);
  const signatureName = signatureNameOf(doc);
  const infoMap = inputInfo(signatureName);
  if (Object.keys(infoMap).length === 0) {
    throw invalidArgument('Failed to get input map for signature: ', signatureName || 'DEFAULT');
  }
  const instances = member(doc, 'instances');
  const inputs = member(doc, 'inputs');
  if (instances !== undefined) {
    if (inputs !== undefined) {
      throw formatError(doc, "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
    }
    if (instances.t !== 'arr') throw formatError(doc, "Excepting 'instances' to be an list/array");
    if (instances.items.length === 0) throw formatError(doc, "No values in 'instances' array");
    return { signatureName, format: 'row', inputs: fromInstances(instances.items, infoMap) };
  }
  if (inputs !== undefined) return { signatureName, format: 'columnar', inputs: fromInputs(inputs, infoMap) };
  throw invalidArgument("Missing 'inputs' or 'instances' key");
}

function isB64Object(v: JValue): boolean {
  return v.t === 'obj' && v.members.length === 1 && v.members[0][0] === 'b64' && v.members[0][1].t === 'str';
}

function fromInstances(items: JValue[], infoMap: Record<string, TensorSpec>): Record<string, Tensor> {
  const names = Object.keys(infoMap);
  const isElementObject = (v: JValue) => v.t === 'obj' && !isB64Object(v);
  if (items[0].t !== 'obj' && names.length > 1) {
    throw invalidArgument('instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map');
  }
  const objects = isElementObject(items[0]);
  const sorted = [...names].sort();
  const acc = new Map<string, { first: Tensor; values: TensorScalar[] }>();
  const addItem = (item: JValue, name: string) => {
    const info = infoMap[name];
    if (!info) throw invalidArgument('JSON object: does not have named input: ', name);
    const t = toTensor(item, info.dtype);
    const seen = acc.get(name);
    if (!seen) { acc.set(name, { first: t, values: [...t.values] }); return; }
    if (seen.first.values.length !== t.values.length) {
      throw invalidArgument('Expecting tensor size: ', seen.first.values.length, ' but got: ', t.values.length);
    }
    if (!sameShape(seen.first.shape, t.shape)) {
      throw invalidArgument('Expecting shape ', shapeString(seen.first.shape), ' but got: ', shapeString(t.shape));
    }
    seen.values.push(...t.values);
  };
  items.forEach((elem, index) => {
    if (objects) {
      if (!isElementObject(elem)) throw invalidArgument('Expecting object but got list at item ', index, ' of input list');
      if (elem.t !== 'obj') return;
      const keys = new Set<string>();
      for (const [name, value] of elem.members) {
        keys.add(name);
        try {
          addItem(value, name);
        } catch (e) {
          throw wrap(e, `Failed to process element: ${index} key: ${name} of 'instances' list. Error: `);
        }
      }
      if (keys.size !== sorted.length || sorted.some(n => !keys.has(n))) {
        throw invalidArgument('Failed to process element: ', index, " of 'instances' list. JSON object: ",
          jsonValueToString(elem), ' keys must be equal to: ', sorted.join(','));
      }
    } else {
      if (isElementObject(elem)) throw invalidArgument('Expecting value/list but got object at item ', index, ' of input list');
      try {
        addItem(elem, names[0]);
      } catch (e) {
        throw wrap(e, `Failed to process element: ${index} of 'instances' list. Error: `);
      }
    }
  });
  const out: Record<string, Tensor> = {};
  for (const [name, { first, values }] of acc) {
    out[name] = { dtype: infoMap[name].dtype, shape: [items.length, ...first.shape], values };
  }
  return out;
}

function fromInputs(val: JValue, infoMap: Record<string, TensorSpec>): Record<string, Tensor> {
  const names = Object.keys(infoMap);
  if (val.t !== 'obj' || isB64Object(val)) {
    if (names.length > 1) {
      throw invalidArgument('inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map');
    }
    return { [names[0]]: toTensor(val, infoMap[names[0]].dtype) };
  }
  const out: Record<string, Tensor> = {};
  for (const name of names) {
    const item = member(val, name);
    if (item === undefined) throw invalidArgument('Missing named input: ', name, " in 'inputs' object.");
    out[name] = toTensor(item, infoMap[name].dtype);
  }
  return out;
}

function wrap(e: unknown, prefix: string): unknown {
  return e instanceof TfServingError ? invalidArgument(prefix, e.toStatusString()) : e;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
const shapeString = (s: number[]) => `[${s.join(',')}]`;

/** GetDenseTensorShape + FillTensorProto: shape from the first elements, then every leaf checked. */
export function toTensor(val: JValue, dtype: string): Tensor {
  const shape: number[] = [];
  for (let v = val; v.t === 'arr'; v = v.items[0]) {
    shape.push(v.items.length);
    if (v.items.length === 0) break;
  }
  const values: TensorScalar[] = [];
  const fill = (v: JValue, level: number) => {
    if (v.t !== 'arr') {
      if (level !== shape.length) {
        throw invalidArgument('JSON Value: ', jsonValueToString(v), ' found at incorrect level: ', level + 1,
          ' in the JSON DOM. Expected at level: ', shape.length);
      }
      if (v.t === 'obj') {
        if (dtype !== 'DT_STRING') throw typeError(v, dtype);
        values.push(decodeB64(v));
      } else values.push(scalar(v, dtype));
      return;
    }
    if (level >= shape.length) throw invalidArgument('Encountered list at unexpected level: ', level, ' expected < ', shape.length);
    if (v.items.length !== shape[level]) {
      throw invalidArgument('Encountered list at unexpected size: ', v.items.length, ' at level: ', level, ' expected size: ', shape[level]);
    }
    for (const x of v.items) fill(x, level + 1);
  };
  fill(val, 0);
  return { dtype, shape, values };
}

const typeError = (v: JValue, dtype: string) =>
  invalidArgument('JSON Value: ', jsonValueToString(v), ' Type: ', jsonTypeString(v), ' is not of expected type: ', dataTypeString(dtype));

function decodeB64(v: JValue): Uint8Array {
  if (!isB64Object(v) || v.t !== 'obj') throw invalidArgument('JSON Value: ', jsonValueToString(v), ' not formatted correctly for base64 data');
  const text = (v.members[0][1] as { v: string }).v;
  // absl::Base64Unescape accepts standard or web-safe alphabets, padding optional.
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw invalidArgument('Unable to base64 decode');
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** IsLosslessDecimal<float|double>. */
function lossless(v: Extract<JValue, { t: 'num' }>, mantissaBits: number, max: number): boolean {
  if (!Number.isFinite(v.v)) return true;
  const maxInt = 2n ** BigInt(mantissaBits) - 1n;
  if (v.big !== undefined) return (v.big < 0n ? -v.big : v.big) <= maxInt;
  return v.v <= max && v.v >= -max;
}

/** AddValueToTensor. */
function scalar(v: JValue, dtype: string): TensorScalar {
  switch (dtype) {
    case 'DT_FLOAT':
    case 'DT_DOUBLE': {
      if (v.t !== 'num') throw typeError(v, dtype);
      const isFloat = dtype === 'DT_FLOAT';
      if (!lossless(v, isFloat ? 24 : 53, isFloat ? 3.4028234663852886e38 : Number.MAX_VALUE)) {
        throw invalidArgument('Cannot convert JSON value: ', jsonValueToString(v), ' to ', isFloat ? 'float' : 'double', ' without loss of precision.');
      }
      return isFloat ? Math.fround(v.v) : v.v;
    }
    case 'DT_INT32': case 'DT_INT16': case 'DT_INT8': case 'DT_UINT8':
      if (!isInt(v) || v.t !== 'num') throw typeError(v, dtype);
      return v.v;
    case 'DT_STRING':
      if (v.t !== 'str') throw typeError(v, dtype);
      return v.v;
    case 'DT_INT64':
      if (!isInt64(v) || v.t !== 'num') throw typeError(v, dtype);
      return Number.isSafeInteger(v.v) ? v.v : v.big!;
    case 'DT_BOOL':
      if (v.t !== 'bool') throw typeError(v, dtype);
      return v.v;
    case 'DT_UINT32':
      if (!isUint(v) || v.t !== 'num') throw typeError(v, dtype);
      return v.v;
    case 'DT_UINT64':
      if (!isUint64(v) || v.t !== 'num') throw typeError(v, dtype);
      return Number.isSafeInteger(v.v) ? v.v : v.big!;
    default:
      throw unimplemented('Conversion of JSON Value: ', jsonValueToString(v), ' to type: ', dataTypeString(dtype));
  }
}

