/**
 * Test material: turns the response-formatting unit tests quoted in tf_serving_cases.json
 * (json_tensor_test.cc) into stand-in requests. The tensors / results each C++ test builds are read
 * from its protobuf text, served by a predictor, requested over HTTP, and the reply is compared
 * with the JSON the C++ test expects.
 */
import type { Signature } from '../../../../src/serving/savedModel/types';
import { TfServingError } from '../status';
import type { TensorValue } from '../tensors';
import type { CompareMode } from './compareJson';

type PText = { [k: string]: Array<string | PText> };

/** A small reader of protobuf text format (fields, nested messages, repeated fields as arrays). */
export function parseProtoText(text: string): PText {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}:]|[^\s{}:"]+/g) ?? [];
  let i = 0;
  const message = (): PText => {
    const out: PText = {};
    while (i < tokens.length && tokens[i] !== '}') {
      const name = tokens[i++];
      if (tokens[i] === ':') i++;
      let value: string | PText;
      if (tokens[i] === '{') { i++; value = message(); i++; } else value = unquote(tokens[i++]);
      (out[name] ??= []).push(value);
    }
    return out;
  };
  return message();
}

const unquote = (t: string) => (t.startsWith('"') ? JSON.parse(t) as string : t);

export interface FormatRequest { body: string; expected: string; mode: CompareMode }
export interface FormatSetup { signatures: Record<string, Signature>; predictor: (sig: string) => Record<string, TensorValue>; requests: FormatRequest[] }

function nest(flat: TensorValue[], shape: number[]): TensorValue {
  let offset = 0;
  const build = (d: number): TensorValue => (d === shape.length ? flat[offset++] : Array.from({ length: shape[d] }, () => build(d + 1)));
  return build(0);
}

const VALUE_FIELD: Record<string, string> = { DT_INT32: 'int_val', DT_FLOAT: 'float_val', DT_DOUBLE: 'double_val', DT_STRING: 'string_val' };

function tensorFromText(p: PText): { dtype: string; shape: number[]; value: TensorValue } {
  const dtype = p.dtype[0] as string;
  const shapeMsg = p.tensor_shape?.[0] as PText | undefined;
  const shape = (shapeMsg?.dim ?? []).map(d => Number((d as PText).size[0]));
  const raw = (p[VALUE_FIELD[dtype]] ?? []) as string[];
  const flat = dtype === 'DT_STRING' ? raw : raw.map(Number);
  return { dtype, shape, value: nest(flat, shape) };
}

/** Expected JSON texts in the order the C++ test compares them. */
function expectations(src: string): Array<{ what: string; json: string; mode: CompareMode }> {
  const out: Array<{ what: string; json: string; mode: CompareMode }> = [];
  const re = /(JsonPredictRequestFormat::k(?:Row|Columnar)|MakeJsonFromClassificationResult|MakeJsonFromRegressionResult|MakeJsonFromStatus\(errors::InvalidArgument\(("(?:[^"\\]|\\.)*")\))[\s\S]*?CompareJson(AllValuesAsStrings)?\(\s*json,\s*R"\(([\s\S]*?)\)"\)/g;
  for (const m of src.matchAll(re)) {
    const what = m[2] ? `status:${JSON.parse(m[2])}` : m[1].replace('JsonPredictRequestFormat::k', '').toLowerCase();
    out.push({ what, json: m[4], mode: m[3] ? 'text' : 'values' });
  }
  return out;
}

const instances = (n: number) => Array.from({ length: Math.max(n, 1) }, (_, k) => k);

export function formatSetup(verbatim: string): FormatSetup {
  const tensors: Record<string, ReturnType<typeof tensorFromText>> = {};
  for (const m of verbatim.matchAll(/ParseFromString\(R"\(([\s\S]*?)\)",\s*&tensormap\["(\w+)"\]\)/g)) {
    tensors[m[2]] = tensorFromText(parseProtoText(m[1]));
  }
  const resultText = /ParseFromString\(R"\(([\s\S]*?)\)",\s*&result\)/.exec(verbatim)?.[1];
  const result = resultText ? parseProtoText(resultText) : undefined;
  const signatures: Record<string, Signature> = {};
  const requests: FormatRequest[] = [];
  const outputs: Record<string, TensorValue> = {};
  const batch = Object.values(tensors)[0]?.shape[0] ?? 0;
  signatures.serving_default = {
    methodName: 'tensorflow/serving/predict',
    inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', shape: [-1] } },
    outputs: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { name: `${k}:0`, dtype: t.dtype }])),
  };
  Object.entries(tensors).forEach(([k, t]) => { outputs[k] = t.value; });

  const classifications = (result?.classifications ?? []) as PText[];
  if (classifications.length) {
    const rows = classifications.map(c => (c.classes as PText[]).map(x => ({ label: x.label[0] as string, score: Number(x.score[0]) })));
    signatures.classify = {
      methodName: 'tensorflow/serving/classify', inputs: { inputs: { name: 'tf_example:0', dtype: 'DT_STRING' } },
      outputs: { classes: { name: 'classes:0', dtype: 'DT_STRING' }, scores: { name: 'scores:0', dtype: 'DT_FLOAT' } },
    };
    outputs.classes = rows.map(r => r.map(c => c.label));
    outputs.scores = rows.map(r => r.map(c => c.score));
  }
  const regressions = (result?.regressions ?? []) as PText[];
  if (regressions.length) {
    signatures.regress = {
      methodName: 'tensorflow/serving/regress', inputs: { inputs: { name: 'tf_example:0', dtype: 'DT_STRING' } },
      outputs: { outputs: { name: 'outputs:0', dtype: 'DT_FLOAT' } },
    };
    outputs.outputs = regressions.map(r => Number(r.value[0]));
  }

  for (const e of expectations(verbatim)) {
    if (e.what === 'row') requests.push({ body: JSON.stringify({ instances: instances(batch) }), expected: e.json, mode: e.mode });
    else if (e.what === 'columnar') requests.push({ body: JSON.stringify({ inputs: instances(batch) }), expected: e.json, mode: e.mode });
    else if (e.what === 'makejsonfromclassificationresult') {
      requests.push({ body: JSON.stringify({ signature_name: 'classify', examples: classifications.map(() => ({})) }), expected: e.json, mode: e.mode });
    } else if (e.what === 'makejsonfromregressionresult') {
      requests.push({ body: JSON.stringify({ signature_name: 'regress', examples: regressions.map(() => ({})) }), expected: e.json, mode: e.mode });
    } else if (e.what.startsWith('status:')) {
      const message = e.what.slice(7);
      requests.push({ body: JSON.stringify({ instances: [0], signature_name: `status:${message}` }), expected: e.json, mode: e.mode });
      signatures[`status:${message}`] = { ...signatures.serving_default, outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT' } } };
    }
  }

  const predictor = (sig: string): Record<string, TensorValue> => {
    if (sig.startsWith('status:')) throw new TfServingError('INVALID_ARGUMENT', sig.slice(7));
    if (sig === 'classify') return { classes: outputs.classes, scores: outputs.scores };
    if (sig === 'regress') return { outputs: outputs.outputs };
    return Object.fromEntries(Object.keys(tensors).map(k => [k, outputs[k]]));
  };
  return { signatures, predictor, requests };
}
