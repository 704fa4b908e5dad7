/**
 * Classify and regress: request bodies to tf.Examples (json_tensor.cc
 * FillClassifyRegressRequestFromJson), signature checks and result shaping (servables/tensorflow
 * classifier.cc / regressor.cc), with TF Serving's messages.
 */
import type { Signature } from '../../../src/serving/savedModel/types';
import { jsonTypeString, jsonValueToString } from './json/describe';
import { member, type JValue } from './json/parse';
import type { ClassifyClass } from './json/responses';
import { invalidArgument } from './status';
import type { Example, Tensor } from './tensors';
import { formatError, parseBody, signatureNameOf } from './validate';

type Kind = 'int64' | 'float' | 'bytes';

export interface ExamplesRequest { signatureName: string; examples: Example[] }

function addValue(v: JValue, name: string, kind: { k?: Kind }, out: Example[string]): void {
  const want = (k: Kind) => {
    if (kind.k && kind.k !== k) throw invalidArgument('Unexpected element type in feature: ', name, ' expecting type: ', kind.k);
    kind.k = k;
  };
  switch (v.t) {
    case 'null': case 'arr':
      throw invalidArgument('Feature: ', name, ' has element with unexpected JSON type: ', jsonTypeString(v));
    case 'bool': want('int64'); out.push(v.v ? 1 : 0); return;
    case 'obj': {
      const isB64 = v.members.length === 1 && v.members[0][0] === 'b64' && v.members[0][1].t === 'str';
      if (!isB64) throw invalidArgument('Feature: ', name, ' has element with unexpected JSON type: ', jsonTypeString(v));
      want('bytes');
      out.push(new Uint8Array(Buffer.from((v.members[0][1] as { v: string }).v, 'base64')));
      return;
    }
    case 'str': want('bytes'); out.push(v.v); return;
    case 'num':
      if (v.kind === 'double') {
        want('float');
        const fits = !Number.isFinite(v.v) || (v.v <= 3.4028234663852886e38 && v.v >= -3.4028234663852886e38);
        if (!fits) throw invalidArgument('Cannot convert JSON value: ', jsonValueToString(v), ' to float without loss of precision.');
        out.push(Math.fround(v.v));
      } else {
        want('int64');
        if (v.kind === 'uint64') throw invalidArgument('Feature: ', name, ' has uint64 element. Only int64 is supported.');
        out.push(Number.isSafeInteger(v.v) ? v.v : v.big!);
      }
      return;
  }
}

function exampleFrom(v: JValue): Example {
  if (v.t !== 'obj') throw invalidArgument('Example must be JSON object but got JSON ', jsonTypeString(v));
  const ex: Example = {};
  for (const [name, content] of v.members) {
    const values: Example[string] = [];
    const kind: { k?: Kind } = {};
    if (content.t === 'arr') content.items.forEach(x => addValue(x, name, kind, values));
    else addValue(content, name, kind, values);
    ex[name] = values;
  }
  return ex;
}

export function readExamplesRequest(body: string): ExamplesRequest {
  const doc = parseBody(body);
  const signatureName = signatureNameOf(doc);
  const contextValue = member(doc, 'context');
  const context = contextValue === undefined ? undefined : exampleFrom(contextValue);
  const examples = member(doc, 'examples');
  // TF Serving says "classify" here for regress requests too.
  if (examples === undefined) throw formatError(doc, "When method is classify, key 'examples' is expected and was not found");
  if (examples.t !== 'arr') throw formatError(doc, "Expecting 'examples' value to be an list/array");
  if (examples.items.length === 0) throw formatError(doc, "'examples' value is an empty array");
  // The model sees each example serialized after the context, so example features win.
  return { signatureName, examples: examples.items.map(e => ({ ...(context ?? {}), ...exampleFrom(e) })) };
}

const CLASSIFY = 'tensorflow/serving/classify';
const REGRESS = 'tensorflow/serving/regress';

/** Signature lookup and checks for classify/regress; returns the signature and its input name. */
export function examplesSignature(method: 'classify' | 'regress', signatures: Record<string, Signature>, name: string): { key: string; sig: Signature; input: string } {
  const key = name || 'serving_default';
  const sig = signatures[key];
  if (!sig) throw invalidArgument('No signature was found with the name: ', key);
  const wanted = method === 'classify' ? CLASSIFY : REGRESS;
  if (sig.methodName !== wanted) {
    throw invalidArgument(`Expected ${method === 'classify' ? 'classification' : 'regression'} signature method_name to be `, wanted, '. Was: ', sig.methodName);
  }
  const inputs = Object.keys(sig.inputs);
  if (inputs.length !== 1) throw invalidArgument('Expected one input Tensor.');
  const outputs = Object.keys(sig.outputs);
  if (method === 'classify') {
    if (outputs.length !== 1 && outputs.length !== 2) throw invalidArgument('Expected one or two output Tensors, found ', outputs.length);
    if (!sig.outputs.classes && !sig.outputs.scores) {
      throw invalidArgument('Expected classification signature outputs to contain at least one of "classes" or "scores".');
    }
  } else {
    if (outputs.length !== 1) throw invalidArgument('Expected one output Tensor.');
    if (!sig.outputs.outputs) throw invalidArgument('No regression outputs found in signature.');
  }
  return { key, sig, input: inputs[0] };
}

const shapeText = (s: number[]) => `[${s.join(',')}]`;

export function toClassifications(outputs: Record<string, Tensor>, numExamples: number): ClassifyClass[][] {
  const { classes, scores } = outputs;
  for (const [what, t, dtype] of [['classes', classes, 'DT_STRING'], ['scores', scores, 'DT_FLOAT']] as const) {
    if (!t) continue;
    if (t.dtype !== dtype) throw invalidArgument(`Expected ${what} Tensor of ${dtype}. Got: `, t.dtype);
    if (t.shape.length !== 2) throw invalidArgument('Expected Tensor shape: [batch_size num_classes] but got ', shapeText(t.shape));
    if (t.shape[0] !== numExamples) throw invalidArgument(`Expected ${what} output batch size of `, numExamples, '. Got: ', t.shape[0]);
  }
  if (classes && scores && classes.shape[1] !== scores.shape[1]) {
    throw invalidArgument('Tensors class and score should match in shape. Class shape: ', shapeText(classes.shape), ' Score shape: ', shapeText(scores.shape));
  }
  const n = (classes ?? scores)!.shape[1];
  const result: ClassifyClass[][] = [];
  for (let i = 0; i < numExamples; i++) {
    const row: ClassifyClass[] = [];
    for (let c = 0; c < n; c++) {
      const label = classes ? classes.values[i * n + c] : '';
      row.push({
        label: label instanceof Uint8Array ? Buffer.from(label).toString('utf8') : String(label),
        score: scores ? Number(scores.values[i * n + c]) : 0,
      });
    }
    result.push(row);
  }
  return result;
}

export function toRegressions(out: Tensor, numExamples: number): number[] {
  if (out.dtype !== 'DT_FLOAT') throw invalidArgument('Expected output Tensor of DT_FLOAT. Got: ', out.dtype);
  const ok = out.shape.length === 1 || (out.shape.length === 2 && out.shape[1] === 1);
  if (!ok) throw invalidArgument('Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got ', shapeText(out.shape));
  if (out.shape[0] !== numExamples) throw invalidArgument('Input batch size did not match output batch size: ', numExamples, ' vs. ', out.shape[0]);
  return out.values.map(Number);
}
