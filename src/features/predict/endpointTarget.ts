/**
 * A Vertex AI endpoint as a Test Prediction target: the same calls the panel makes to a Cloud Run
 * service (`GET …/metadata`, `POST …:predict`), answered through Vertex AI. The signatures come from
 * the SavedModel of the deployed model with the largest share (Vertex AI has no metadata call for
 * prebuilt containers); predictions go through rawPredict, so the body is TF Serving's, and its
 * answer is TF Serving's. Curl uses the REST URL and an access token. No vscode import.
 */
import type { CallResult } from '../../serving/node/serviceClient';
import type { CloudRunService } from '../../serving/domain';
import { serviceInfo } from './serviceInfo';
import type { PredictionTarget } from './target';
import type { VertexEndpointsApi } from '../../gcp/vertexEndpoints';
import type { SignatureSummary } from '../../serving/savedModel/inspection';
import { shellQuote } from '../../serving/predict/curl';
import { endpointPredictUrl, type DeployedModelInfo, type VertexEndpoint } from '../../serving/endpoints/types';

export interface EndpointCall {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  signal?: AbortSignal;
}

/** gRPC status → the HTTP status Vertex AI's REST API answers with. */
const HTTP_OF: Record<number, number> = { 3: 400, 5: 404, 7: 403, 8: 429, 9: 400, 14: 503, 16: 401, 4: 504, 13: 500 };

/** The deployed model whose signatures the form uses: the one taking the most traffic. */
export function mainDeployedModel(e: VertexEndpoint): DeployedModelInfo | undefined {
  return [...e.deployedModels].sort((a, b) => (e.trafficSplit[b.id] ?? 0) - (e.trafficSplit[a.id] ?? 0))[0];
}

/** TF Serving's metadata body, built from the SavedModel's signatures (what parseModelMetadata reads). */
export function metadataBody(modelName: string, version: string, signatures: Record<string, SignatureSummary>): object {
  const tensor = (t: { name: string; dtype: string; shape: number[] | null }) => ({
    dtype: t.dtype, name: t.name,
    tensor_shape: t.shape === null ? { unknown_rank: true } : { dim: t.shape.map(size => ({ size: String(size), name: '' })), unknown_rank: false },
  });
  const defs = Object.fromEntries(Object.entries(signatures).map(([k, s]) => [k, {
    method_name: s.method,
    inputs: Object.fromEntries(Object.entries(s.inputs).map(([n, t]) => [n, tensor(t)])),
    outputs: Object.fromEntries(Object.entries(s.outputs).map(([n, t]) => [n, tensor(t)])),
  }]));
  return { model_spec: { name: modelName, signature_name: '', version }, metadata: { signature_def: { signature_def: defs } } };
}

export class EndpointPredictionTarget {
  constructor(
    private readonly api: Pick<VertexEndpointsApi, 'rawPredict'>,
    readonly endpoint: VertexEndpoint,
    /** Signatures of a deployed model's SavedModel (read from its artifact folder). */
    private readonly signaturesOf: (d: DeployedModelInfo) => Promise<Record<string, SignatureSummary>>,
    private readonly now: () => number = () => performance.now(),
    /** The deployed model the form is for (opened on its row); absent or gone: the one taking the most traffic. */
    readonly deployedModelId?: string,
  ) {}

  /** The deployed model whose signatures make the form. */
  formModel(): DeployedModelInfo | undefined {
    return this.endpoint.deployedModels.find(d => d.id === this.deployedModelId) ?? mainDeployedModel(this.endpoint);
  }

  async call(o: EndpointCall): Promise<CallResult> {
    const t0 = this.now();
    const timing = () => { const ms = this.now() - t0; return { latencyMs: ms, totalMs: ms, retries: 0, coldStart: false }; };
    if (o.method === 'GET') {
      if (!/\/metadata$/.test(o.path)) return { status: 404, text: JSON.stringify({ error: `Vertex AI endpoints answer predictions only, not GET ${o.path}` }), contentType: 'application/json', ...timing() };
      const main = this.formModel();
      if (!main) return { status: 400, text: JSON.stringify({ error: `Endpoint ${this.endpoint.displayName} has no deployed models.` }), contentType: 'application/json', ...timing() };
      const sigs = await this.signaturesOf(main);
      return { status: 200, text: JSON.stringify(metadataBody('model', main.modelVersionId, sigs)), contentType: 'application/json', ...timing() };
    }
    if (!/:(predict|classify|regress)$/.test(o.path)) return { status: 404, text: JSON.stringify({ error: `unsupported path ${o.path}` }), contentType: 'application/json', ...timing() };
    if (o.signal?.aborted) { const e = new Error('The request was cancelled.'); e.name = 'AbortError'; throw e; }
    try {
      const r = await this.api.rawPredict(this.endpoint.name, o.body ?? '');
      return { status: 200, text: r.text, contentType: r.contentType, ...timing() };
    } catch (e) {
      const err = e as { code?: unknown; details?: unknown; message?: unknown };
      if (typeof err.code !== 'number') throw e;
      return { status: HTTP_OF[err.code] ?? 500, text: String(err.details || err.message || ''), contentType: 'application/json', ...timing() };
    }
  }

  /** Copy as curl: the REST rawPredict URL and an access token (Vertex AI takes OAuth access tokens, not ID tokens). */
  curl(body: string): string {
    let compact = body.trim();
    try { compact = JSON.stringify(JSON.parse(body)); } catch { /* as typed */ }
    return [
      `curl -sS -X POST ${shellQuote(endpointPredictUrl(this.endpoint, true))}`,
      `-H "Authorization: Bearer $(gcloud auth print-access-token)"`,
      `-H 'Content-Type: application/json'`,
      `-d ${shellQuote(compact)}`,
    ].join(' \\\n  ');
  }
}

/**
 * What to do about an endpoint's refusal: Vertex AI's causes, not Cloud Run's (the panel's generic
 * hints speak of ID tokens and roles/run.invoker, which do not apply to an endpoint).
 */
export function endpointHint(status: number, error: string, e: Pick<VertexEndpoint, 'displayName' | 'id' | 'region'>, project?: string): string | undefined {
  const where = `--region=${e.region}${project ? ` --project=${project}` : ''}`;
  if (status === 401) return 'Vertex AI rejected the access token (expired or missing): sign in again with "gcloud auth application-default login" and retry.';
  if (status === 403) return `The current credentials may not predict on endpoint ${e.displayName}: they need aiplatform.endpoints.predict (e.g. roles/aiplatform.user) on the project.`;
  if (status === 404 && !/servable|signature/i.test(error)) return `Endpoint ${e.displayName} (${e.id}) or its deployed model is gone: refresh the Serving view (gcloud ai endpoints describe ${e.id} ${where}).`;
  if (status === 429) return 'Vertex AI throttled the request (quota or the deployed models\' replicas are saturated): retry, or raise the max replicas.';
  if (status === 503) return 'The endpoint\'s deployed model is not ready or is scaling: wait until the Serving view shows it ready, then retry.';
  return undefined;
}

/** The endpoint as the panel's prediction target: keyed by the endpoint's resource name. */
export function endpointPredictionTarget(target: EndpointPredictionTarget): PredictionTarget {
  const e = target.endpoint;
  // The panel shows services; an endpoint is one whose URL is its REST resource and whose model is "model".
  const asService: CloudRunService = {
    name: e.name, id: e.displayName || e.id, region: e.region,
    uri: `https://${e.region}-aiplatform.googleapis.com/v1/${e.name}`, state: 'ready', labels: {},
    traffic: [], trafficStatuses: [], reconciling: false, env: { MODEL_NAME: 'model' }, invokerIamDisabled: false,
  };
  const metadataPath = '/v1/models/model/metadata';
  return {
    info: { ...serviceInfo(asService), kind: 'endpoint', ...(target.deployedModelId ? { deployedModelId: target.deployedModelId } : {}) },
    metadataPath,
    metadata: c => target.call({ method: 'GET', path: metadataPath, signal: c.signal }),
    predict: (body, c) => target.call({ method: 'POST', path: '/v1/models/model:predict', body, signal: c.signal }),
    curl: body => target.curl(body),
    hint: (status, error) => endpointHint(status, error, e),
    dispose: () => undefined,
  };
}
