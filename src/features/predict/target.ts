/**
 * What Test Prediction calls: the service-specific part of the panel behind one small seam (where
 * requests go, with which identity, the curl line to reproduce one). The panel host knows only this
 * interface; a Cloud Run service is one target, and a Vertex AI endpoint can be another.
 */
import type { ServiceInfo } from '../../protocol/predict';
import type { CloudRunService } from '../../serving/domain';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import { curlCommand } from '../../serving/predict/curl';
import { metadataPath, predictPath } from '../../serving/predict/request';
import { NATIVE_MAX_INSTANCES } from '../../serving/predict/validate';
import type { IdTokenApi } from '../../gcp/apis';
import { loopbackUrlProblem } from '../../gcp/idToken';
import { CallError, ServiceClient, type CallResult, type RetryPolicy } from '../../serving/node/serviceClient';
import { serviceInfo } from './serviceInfo';

export interface TargetCall {
  signal?: AbortSignal;
  retry: RetryPolicy;
  /** Per attempt. */
  timeoutMs: number;
}

export interface PredictionTarget {
  /** What the panel shows and keeps (its `name` is the panel's key and the payload store's). */
  readonly info: ServiceInfo;
  /** The most instances one request may carry, when the serving image has a limit. */
  readonly maxInstances?: number;
  /** The identity the last ID token was for (never the token). */
  readonly identity?: string;
  /** The model's signatures (TF Serving's metadata answer). */
  metadata(c: TargetCall): Promise<CallResult>;
  /** One predict request with `body` as it is. */
  predict(body: string, c: TargetCall): Promise<CallResult>;
  /** The path shown in messages (`GET <path> answered 404`). */
  readonly metadataPath: string;
  /** A shell command that sends `body` the same way. */
  curl(body: string): string;
  /** A hint for a refused request when the target's own causes differ from Cloud Run's (checked first). */
  hint?(status: number, error: string): string | undefined;
  dispose(): void;
}

export interface CloudRunTargetDeps {
  /** ID tokens for the session's current credentials. */
  tokens(): Promise<IdTokenApi>;
  /** Against the emulator only loopback services are called. */
  usesEmulator: boolean;
}

/** A Cloud Run service serving TF Serving's REST API, called with an ID token unless it is public. */
export function cloudRunTarget(service: CloudRunService, deps: CloudRunTargetDeps): PredictionTarget {
  const info = serviceInfo(service);
  let client: ServiceClient | undefined;
  let identity: string | undefined;
  const get = async (): Promise<ServiceClient> => {
    if (client) return client;
    if (!info.uri) throw new CallError(`Service ${info.id} has no URL yet: wait until it is ready.`, 'network');
    const tokens = info.authenticated ? await deps.tokens() : undefined;
    client = new ServiceClient({
      url: info.uri,
      authenticated: info.authenticated,
      tokens: tokens && {
        get: async aud => {
          const t = await tokens.get(aud);
          identity = t.identity;
          return t;
        },
        invalidate: aud => tokens.invalidate(aud),
      },
      userAgent: 'ml-serving-vscode/predict',
      urlProblem: deps.usesEmulator ? loopbackUrlProblem : undefined,
    });
    return client;
  };
  return {
    info,
    // The native TF Serving image refuses requests over max_batch_size instances: said before sending.
    maxInstances: service.labels[SERVICE_LABELS.container] === 'native' ? NATIVE_MAX_INSTANCES : undefined,
    get identity() { return identity; },
    metadataPath: metadataPath(info.modelName),
    metadata: async c => (await get()).call({ method: 'GET', path: metadataPath(info.modelName), ...c }),
    predict: async (body, c) => (await get()).call({ method: 'POST', path: predictPath(info.modelName), body, ...c }),
    curl: body => {
      if (!info.uri) throw new Error(`Service ${info.id} has no URL yet.`);
      return curlCommand({ url: info.uri, path: predictPath(info.modelName), body, authenticated: info.authenticated });
    },
    dispose: () => client?.dispose(),
  };
}
