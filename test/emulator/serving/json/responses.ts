/**
 * Response bodies as TF Serving writes them (util/json_tensor.cc MakeJsonFromTensors,
 * MakeJsonFromClassificationResult, MakeJsonFromRegressionResult, MakeJsonFromStatus): same
 * PrettyWriter calls, so same bytes. Strings in outputs whose name ends in `_bytes` go out as
 * `{"b64": ...}`; output maps are written in sorted key order.
 */
import { invalidArgument } from '../status';
import { bytesOf, type Tensor, type TensorScalar } from '../tensors';
import { formatDecimal } from './numbers';
import { PrettyWriter } from './prettyWriter';

function writeScalar(w: PrettyWriter, t: Tensor, v: TensorScalar, asBytes: boolean): void {
  switch (t.dtype) {
    case 'DT_FLOAT': case 'DT_HALF': case 'DT_BFLOAT16': w.raw(formatDecimal(Number(v), 'float')); return;
    case 'DT_DOUBLE': w.raw(formatDecimal(Number(v), 'double')); return;
    case 'DT_INT32': case 'DT_INT16': case 'DT_INT8': case 'DT_UINT8':
    case 'DT_INT64': case 'DT_UINT32': case 'DT_UINT64':
      w.raw(typeof v === 'bigint' ? v.toString() : String(Math.trunc(Number(v)))); return;
    case 'DT_BOOL': w.bool(Boolean(v)); return;
    case 'DT_STRING':
      if (asBytes) {
        w.startObject(); w.key('b64'); w.string(Buffer.from(bytesOf(v)).toString('base64')); w.endObject();
      } else w.string(v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v));
      return;
    default:
      throw invalidArgument('Failed to write JSON value for tensor type: ', t.dtype.replace(/^DT_/, '').toLowerCase());
  }
}

/** AddTensorValues: scalars bare, otherwise nested arrays from dimension `dim` on. */
function writeValues(w: PrettyWriter, t: Tensor, asBytes: boolean, dim: number, cursor: { i: number }): void {
  if (dim > t.shape.length - 1) { writeScalar(w, t, t.values[cursor.i++], asBytes); return; }
  w.startArray();
  for (let k = 0; k < t.shape[dim]; k++) {
    if (dim === t.shape.length - 1) writeScalar(w, t, t.values[cursor.i++], asBytes);
    else writeValues(w, t, asBytes, dim + 1, cursor);
  }
  w.endArray();
}

const isBytes = (name: string, t: Tensor) => t.dtype === 'DT_STRING' && name.endsWith('_bytes');

export function predictResponse(outputs: Record<string, Tensor>, format: 'row' | 'columnar'): string {
  const names = Object.keys(outputs).sort();
  if (names.length === 0) throw invalidArgument('Cannot convert empty tensor map to JSON');
  const w = new PrettyWriter();
  const multi = names.length > 1;
  if (format === 'columnar') {
    w.startObject(); w.key('outputs');
    if (multi) w.startObject();
    for (const name of names) {
      if (multi) w.key(name);
      writeValues(w, outputs[name], isBytes(name, outputs[name]), 0, { i: 0 });
    }
    if (multi) w.endObject();
    w.endObject();
    return w.toString();
  }
  let batch = -1;
  for (const name of names) {
    const t = outputs[name];
    if (t.shape.length === 0) throw invalidArgument('Tensor name: ', name, ' has no shape information ');
    if (batch >= 0 && batch !== t.shape[0]) {
      throw invalidArgument('Tensor name: ', name, ' has inconsistent batch size: ', t.shape[0], ' expecting: ', batch);
    }
    batch = t.shape[0];
  }
  const cursors = new Map(names.map(n => [n, { i: 0 }]));
  w.startObject(); w.key('predictions'); w.startArray();
  for (let item = 0; item < batch; item++) {
    if (multi) w.startObject();
    w.setSingleLineArray(true);
    for (const name of names) {
      if (multi) w.key(name);
      writeValues(w, outputs[name], isBytes(name, outputs[name]), 1, cursors.get(name)!);
    }
    w.setSingleLineArray(false);
    if (multi) w.endObject();
  }
  w.endArray(); w.endObject();
  return w.toString();
}

export interface ClassifyClass { label: string; score: number }

export function classificationResponse(results: ClassifyClass[][]): string {
  if (results.length === 0) throw invalidArgument('Cannot convert empty ClassificationResults to JSON');
  const w = new PrettyWriter();
  w.startObject(); w.key('results'); w.startArray();
  for (const classes of results) {
    w.setSingleLineArray(true);
    w.startArray();
    for (const c of classes) { w.startArray(); w.string(c.label); w.raw(formatDecimal(c.score, 'float')); w.endArray(); }
    w.endArray();
    w.setSingleLineArray(false);
  }
  w.endArray(); w.endObject();
  return w.toString();
}

export function regressionResponse(values: number[]): string {
  if (values.length === 0) throw invalidArgument('Cannot convert empty RegressionResults to JSON');
  const w = new PrettyWriter();
  w.startObject(); w.key('results');
  w.setSingleLineArray(true);
  w.startArray();
  for (const v of values) w.raw(formatDecimal(v, 'float'));
  w.endArray();
  w.endObject();
  return w.toString();
}

export function errorResponse(message: string): string {
  const w = new PrettyWriter();
  w.startObject(); w.key('error'); w.string(message); w.endObject();
  return w.toString();
}
