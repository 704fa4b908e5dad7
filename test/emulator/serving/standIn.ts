/**
 * The TypeScript stand-in for one deployed Cloud Run service: TF Serving's REST API for the model it
 * mounts, behind Cloud Run's front (front.ts: ID-token check, request logs, faults). Used only when
 * the emulator has no Python with TensorFlow (the emulator then reports `serving: "stand-in"`);
 * otherwise the real Python server answers (pythonServer.ts). Listens on 127.0.0.1 only.
 *
 * Cold start: TF Serving opens its HTTP port only after the model has loaded, and Cloud Run holds
 * incoming requests until the container's startup probe passes. So requests that arrive during
 * `coldStartMs` are held and answered once the model is "loaded" (their latency includes the wait);
 * nobody sees a LOADING status or a 503 from cold start alone.
 */
import type { Signature } from '../../../src/serving/savedModel/types';
import { startFront, type FrontAuth, type FrontHttpRequest, type FrontLog, type FrontServer } from './front';
import { handleRest } from './restHandler';
import { isRestApiPath } from './routing';
import { Servable } from './servable';
import { listeningLines, loadedLines, loadingLines } from './startupLog';
import type { DemoPredictor } from './tensors';

export type { DemoPredictor, TensorValue, TensorScalar, Example } from './tensors';
export { TfServingError } from './status';

export type StandInHttpRequest = FrontHttpRequest;
export type StandInLog = FrontLog;

export interface StandInOptions {
  /** MODEL_NAME the service serves (URL path /v1/models/<modelName>). */
  modelName: string;
  /** Loaded versions; the highest numeric one answers requests without a version. */
  versions: Array<{ version: string; signatures: Record<string, Signature> }>;
  /** Version labels (`/labels/<label>`), label -> version. */
  labels?: Record<string, string>;
  /** Model load time; requests are held until then (see the file comment). */
  coldStartMs?: number;
  auth: FrontAuth;
  predictor?: DemoPredictor;
  /** Ops the container's binary lacks that the served model's functions call (predict fails with TF's error). */
  missingOps?: string[];
  /** Container host name quoted in TF errors; default a 12-hex container id. */
  hostname?: string;
  /** Where the model is mounted, for log lines; default `/models/<modelName>`. */
  modelBasePath?: string;
  log(entry: StandInLog): void;
  faults?: { takePredictFailure(): boolean; addedLatencyMs(): number };
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
}

export type StandIn = FrontServer;

export async function startServingStandIn(o: StandInOptions): Promise<StandIn> {
  const servable = new Servable(o.modelName, o.versions, o.labels);
  if (!o.auth || typeof o.auth.verify !== 'function') throw new Error('auth.verify: required');
  const hostname = o.hostname ?? Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, '0');
  const basePath = o.modelBasePath ?? `/models/${o.modelName}`;
  const coldStartMs = Math.max(0, o.coldStartMs ?? 0);
  const stderr = (textPayload: string) => o.log({ severity: 'DEFAULT', textPayload, logName: 'stderr', timestamp: new Date().toISOString() });

  loadingLines(new Date(), o.modelName, basePath).forEach(stderr);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>(resolve => { markReady = resolve; });

  const front = await startFront({
    auth: o.auth, log: o.log, faults: o.faults, ready, port: o.port,
    container: async (req, path, body) => {
      // TF Serving's HTTP server has no handler outside /v1/: a bare 404.
      if (!isRestApiPath(path)) return { status: 404, headers: {}, body: '' };
      const reply = await handleRest({ servable, predictor: o.predictor, missingOps: o.missingOps, hostname }, req.method ?? 'GET', path, body.toString('utf8'));
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (reply.emulated) headers['x-emulated-outputs'] = 'true';
      return { status: reply.status, headers, body: reply.body };
    },
  });
  setTimeout(() => {
    const now = new Date();
    loadedLines(now, o.modelName, basePath, servable.versions[0].version, coldStartMs * 1000).forEach(stderr);
    listeningLines(now, 8501).forEach(stderr);
    markReady();
  }, coldStartMs);
  return front;
}
