/**
 * One REST request to one served model, as TF Serving's HttpRestApiHandler::ProcessRequest answers
 * it: route, parse, resolve the servable, run, write. No HTTP here (see standIn.ts).
 */
import type { Signature } from '../../../src/serving/savedModel/types';
import { examplesSignature, readExamplesRequest, toClassifications, toRegressions } from './classifyRegress';
import { emulatedOutputs } from './emulatedOutputs';
import { classificationResponse, errorResponse, predictResponse, regressionResponse } from './json/responses';
import { metadataBody, statusBody } from './metadata';
import { route, type Route } from './routing';
import type { Servable } from './servable';
import { internal, invalidArgument, notFound, TfServingError } from './status';
import { fromNested, toNested, type DemoPredictor, type Tensor, type TensorValue } from './tensors';
import { readPredictRequest } from './validate';

export interface RestContext {
  servable: Servable;
  predictor?: DemoPredictor;
  /** Ops the serving binary lacks that the served functions call: predict fails naming the first. */
  missingOps?: string[];
  /** Host name quoted in "Op type not registered" errors. */
  hostname: string;
}

export interface RestReply {
  status: number;
  body: string;
  /** Outputs were synthesised (no predictor). */
  emulated: boolean;
  /** The error message, also when TF Serving sends the status without a body. */
  error?: string;
  route?: Route;
}

export async function handleRest(ctx: RestContext, httpMethod: string, path: string, body: string): Promise<RestReply> {
  let r: Route | undefined;
  try {
    r = route(httpMethod, path);
    if (r.kind === 'status') return ok(statusBody(ctx.servable.statusVersions(r)), false, r);
    if (r.kind === 'metadata') return ok(metadataBody(r.model, ctx.servable.resolve(r)), false, r);
    if (r.method === 'predict') return await predict(ctx, r, body);
    return await classifyOrRegress(ctx, r, r.method, body);
  } catch (e) {
    const err = e instanceof TfServingError ? e : internal(e instanceof Error ? e.message : String(e));
    return { status: err.httpStatus, body: err.emptyBody ? '' : errorResponse(err.message), emulated: false, error: err.message, route: r };
  }
}

const ok = (body: string, emulated: boolean, r: Route): RestReply => ({ status: 200, body, emulated, route: r });

function checkOps(ctx: RestContext): void {
  const op = ctx.missingOps?.[0];
  if (op === undefined) return;
  // OpRegistry::LookUp's NOT_FOUND, raised when the function calling the op is first instantiated.
  throw notFound(`Op type not registered '${op}' in binary running on ${ctx.hostname}. Make sure the Op and Kernel are registered in the binary running in this process. Note that if you are loading a saved graph which used ops from tf.contrib, accessing (e.g.) \`tf.contrib.resampler\` should be done before importing the graph, as contrib ops are lazily registered when the module is first accessed.`);
}

async function run(ctx: RestContext, sigKey: string, sig: Signature, inputs: Record<string, TensorValue>, synth: () => Record<string, Tensor>): Promise<{ outputs: Record<string, Tensor>; emulated: boolean }> {
  checkOps(ctx);
  if (!ctx.predictor) return { outputs: synth(), emulated: true };
  const produced = await ctx.predictor(sigKey, inputs);
  const outputs: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(sig.outputs)) {
    if (!(name in produced)) throw internal(`predictor returned no value for output '${name}' of signature '${sigKey}'`);
    outputs[name] = fromNested(name, spec.dtype, produced[name]);
  }
  return { outputs, emulated: false };
}

async function predict(ctx: RestContext, r: Extract<Route, { kind: 'predict' }>, body: string): Promise<RestReply> {
  let sigKey = '';
  const req = readPredictRequest(body, name => {
    const served = ctx.servable.resolve(r);
    sigKey = name || 'serving_default';
    const sig = served.signatures[sigKey];
    if (!sig) throw invalidArgument('Serving signature name: "', sigKey, '" not found in signature def');
    return sig.inputs;
  });
  const sig = ctx.servable.resolve(r).signatures[sigKey];
  const nested = Object.fromEntries(Object.entries(req.inputs).map(([k, t]) => [k, toNested(t)]));
  const { outputs, emulated } = await run(ctx, sigKey, sig, nested, () => emulatedOutputs(sig.outputs, req.inputs));
  return ok(predictResponse(outputs, req.format), emulated, r);
}

async function classifyOrRegress(ctx: RestContext, r: Extract<Route, { kind: 'predict' }>, method: 'classify' | 'regress', body: string): Promise<RestReply> {
  const req = readExamplesRequest(body);
  const served = ctx.servable.resolve(r);
  const { key, sig, input } = examplesSignature(method, served.signatures, req.signatureName);
  const n = req.examples.length;
  const synth = () => emulatedOutputs(sig.outputs, { [input]: { dtype: 'DT_STRING', shape: [n], values: req.examples.map(e => JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) } }, n);
  const { outputs, emulated } = await run(ctx, key, sig, { [input]: req.examples }, synth);
  const text = method === 'classify'
    ? classificationResponse(toClassifications(outputs, n))
    : regressionResponse(toRegressions(outputs.outputs, n));
  return ok(text, emulated, r);
}
