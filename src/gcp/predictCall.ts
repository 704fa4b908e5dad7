/**
 * One TF Serving REST predict request to a deployed Cloud Run service, shared by the language
 * model tool and the CLI. The ID token goes only to the service's own URL and is never returned;
 * against the emulator only loopback services are called.
 */
import type { CloudRunService } from '../serving/domain';
import { predictPath } from '../serving/predict/request';
import type { CloudApis } from './apis';
import { loopbackUrlProblem, normalizeServiceUrl } from './idToken';

export interface PredictAnswer {
  url: string;
  status: number;
  text: string;
  ms: number;
}

/** The predict URL of a service deployed by ML Serving, or why there is none. */
export function predictUrl(s: CloudRunService): { url: string } | { problem: string } {
  if (!s.uri) return { problem: `${s.id} has no URL yet (state ${s.state})` };
  const model = s.env.MODEL_NAME;
  if (!model) return { problem: `${s.id} has no MODEL_NAME, so it was not deployed by ML Serving` };
  return { url: `${normalizeServiceUrl(s.uri)}${predictPath(model)}` };
}

export async function predictOnce(apis: Pick<CloudApis, 'connection' | 'idTokens'>, s: CloudRunService, bodyText: string, timeoutMs = 60_000): Promise<PredictAnswer> {
  const target = predictUrl(s);
  if ('problem' in target) throw new Error(target.problem);
  if (apis.connection.kind === 'emulator') {
    const problem = loopbackUrlProblem(s.uri!);
    if (problem) throw new Error(problem);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!s.invokerIamDisabled) headers.authorization = `Bearer ${(await apis.idTokens.get(normalizeServiceUrl(s.uri!))).token}`;
  const started = Date.now();
  const res = await fetch(target.url, { method: 'POST', headers, body: bodyText, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { url: target.url, status: res.status, text, ms: Date.now() - started };
}
