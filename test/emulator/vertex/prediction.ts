/**
 * google.cloud.aiplatform.v1.PredictionService: Predict (`instances`, `parameters` as
 * google.protobuf.Value → `predictions`, with the deployed model that answered) and RawPredict (the
 * TF Serving body as it is, HttpBody in and out). The endpoint's traffic split picks the deployed
 * model; its server (endpointsRuntime.ts) answers on TF Serving's REST API.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError, failedPrecondition, invalidArgument } from '../errors';
import { CallContext, unary } from '../grpcServer';
import { toValue } from '../struct';
import { sleep } from '../time';
import type { LogStore } from '../logging/store';
import { endpointLogger } from './endpointsRuntime';
import type { EndpointRecord, EndpointStore } from './endpoints';
import type { Proto } from './store';

const M = 'google.cloud.aiplatform.v1.PredictionService.';

/** google.protobuf.Value (proto-loader object form) → plain JSON. */
export function fromValue(v: any): unknown {
  if (!v || typeof v !== 'object') return null;
  switch (v.kind ?? Object.keys(v).find(k => k.endsWith('Value'))) {
    case 'nullValue': return null;
    case 'numberValue': return Number(v.numberValue);
    case 'stringValue': return v.stringValue;
    case 'boolValue': return !!v.boolValue;
    case 'listValue': return (v.listValue?.values ?? []).map(fromValue);
    case 'structValue': return Object.fromEntries(Object.entries(v.structValue?.fields ?? {}).map(([k, x]) => [k, fromValue(x)]));
    default: return null;
  }
}

/** Each endpoint's running credit per deployed model (smooth weighted round robin). */
const credit = new WeakMap<EndpointRecord, Map<string, number>>();

/**
 * A deployed model by the traffic split. Vertex AI spreads requests at random; the emulator spreads
 * them evenly by weight (smooth weighted round robin), so a 10% canary answers one request in ten
 * and a test never waits on luck.
 */
export function pickDeployed(rec: EndpointRecord): string {
  const entries = Object.entries(rec.proto.trafficSplit ?? {}).map(([k, v]) => [k, Number(v)] as const).filter(([, v]) => v > 0);
  if (!entries.length) {
    throw failedPrecondition(rec.proto.deployedModels.length
      ? `Endpoint ${rec.proto.name} has no deployed model that takes traffic (traffic_split is empty).`
      : `Endpoint ${rec.proto.name} does not have any deployed models.`);
  }
  let c = credit.get(rec);
  if (!c) credit.set(rec, (c = new Map()));
  const total = entries.reduce((s, [, v]) => s + v, 0);
  let best = entries[0][0];
  for (const [k, v] of entries) {
    c.set(k, (c.get(k) ?? 0) + v);
    if (c.get(k)! > c.get(best)!) best = k;
  }
  c.set(best, c.get(best)! - total);
  return best;
}

export interface PredictionOptions {
  logs: LogStore;
  projectNumber: string;
}

async function forward(rec: EndpointRecord, id: string, body: string, contentType: string, opts: PredictionOptions, ctx: CallContext): Promise<{ status: number; contentType: string; text: string }> {
  const running = rec.running.get(id);
  if (!running) throw new ApiError(grpc.status.UNAVAILABLE, `Deployed model ${id} is not ready.`);
  const delay = ctx.faults.latencyMs('predict');
  if (delay) await sleep(delay);
  const t0 = process.hrtime.bigint();
  const res = await fetch(running.url + running.predictRoute, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  const [, , project, , location, , endpointId] = ['', ...rec.proto.name.split('/')];
  const log = endpointLogger(opts.logs, { project, location, endpointId, deployedModelId: id }, opts.projectNumber);
  const latency = `${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(9)}s`;
  log('prediction_access', res.ok ? 'INFO' : 'ERROR', {
    httpRequest: { requestMethod: 'POST', requestUrl: `https://${location}-aiplatform.googleapis.com/v1/${rec.proto.name}:predict`, requestSize: String(Buffer.byteLength(body)), status: res.status, responseSize: String(Buffer.byteLength(text)), latency },
    jsonPayload: { deployedModelId: id, status: res.status },
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', text };
}

/** The model server's error as Vertex AI passes it on: its status and body. */
function serverError(status: number, text: string): ApiError {
  const code = status === 503 || status === 502 ? grpc.status.UNAVAILABLE : status >= 500 ? grpc.status.INTERNAL : grpc.status.FAILED_PRECONDITION;
  return new ApiError(code, text.trim() || `The model server answered ${status}.`);
}

export function predictionService(ctx: CallContext, store: EndpointStore, opts: PredictionOptions): grpc.UntypedServiceImplementation {
  return {
    predict: unary<any, object>(ctx, M + 'Predict', async req => {
      const rec = store.must(req.endpoint, 'endpoint');
      const instances: unknown[] = (req.instances ?? []).map(fromValue);
      if (!instances.length) throw invalidArgument('instances: at least one instance is required');
      const id = pickDeployed(rec);
      // The prebuilt TF serving container takes `instances` as TF Serving's row format; `parameters` it ignores.
      const r = await forward(rec, id, JSON.stringify({ instances }), 'application/json', opts, ctx);
      if (r.status < 200 || r.status >= 300) throw serverError(r.status, r.text);
      let parsed: any;
      try { parsed = JSON.parse(r.text); } catch { throw new ApiError(grpc.status.INTERNAL, `The model server's answer is not JSON: ${r.text.slice(0, 200)}`); }
      if (!Array.isArray(parsed?.predictions)) throw new ApiError(grpc.status.INTERNAL, 'The model server\'s answer has no "predictions" list.');
      const version: Proto | undefined = rec.versions.get(id);
      const deployed = rec.proto.deployedModels.find((d: Proto) => d.id === id);
      return {
        predictions: parsed.predictions.map(toValue), deployedModelId: id,
        model: deployed?.model ?? '', modelVersionId: version?.versionId ?? '', modelDisplayName: version?.displayName ?? '',
      };
    }),

    rawPredict: unary<any, object>(ctx, M + 'RawPredict', async req => {
      const rec = store.must(req.endpoint, 'endpoint');
      const body: Buffer = req.httpBody?.data ? Buffer.from(req.httpBody.data) : Buffer.alloc(0);
      if (!body.length) throw invalidArgument('http_body.data: the request body is empty');
      const id = pickDeployed(rec);
      const r = await forward(rec, id, body.toString('utf8'), req.httpBody?.contentType || 'application/json', opts, ctx);
      if (r.status < 200 || r.status >= 300) throw serverError(r.status, r.text);
      return { contentType: r.contentType, data: Buffer.from(r.text, 'utf8') };
    }),
  };
}
