/**
 * The HTTP stand-in for one deployed Cloud Run service: TF Serving's REST API for the model it
 * mounts, behind Cloud Run's front-end behaviour (ID-token check, held requests during cold start,
 * request logs). Listens on 127.0.0.1 only.
 *
 * Cold start: TF Serving opens its HTTP port only after the model has loaded, and Cloud Run holds
 * incoming requests until the container's startup probe passes. So requests that arrive during
 * `coldStartMs` are held and answered once the model is "loaded" (their latency includes the wait);
 * nobody sees a LOADING status or a 503 from cold start alone.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Signature } from '../../../src/serving/savedModel/types';
import {
  forbiddenPage, LOG_MALFORMED, LOG_UNAUTHENTICATED, LOG_UNAUTHORIZED, unauthorizedPage, unavailablePage,
} from './cloudRunFront';
import { handleRest } from './restHandler';
import { isRestApiPath } from './routing';
import { Servable } from './servable';
import { listeningLines, loadedLines, loadingLines } from './startupLog';
import type { DemoPredictor } from './tensors';

export type { DemoPredictor, TensorValue, TensorScalar, Example } from './tensors';
export { TfServingError } from './status';

export interface StandInHttpRequest {
  requestMethod: string;
  requestUrl: string;
  requestSize: string;
  status: number;
  responseSize: string;
  userAgent?: string;
  remoteIp: string;
  serverIp: string;
  /** Duration like Cloud Run writes it: `"0.012345678s"`. */
  latency: string;
  protocol: string;
}

export interface StandInLog {
  severity: 'DEFAULT' | 'INFO' | 'WARNING' | 'ERROR';
  textPayload?: string;
  jsonPayload?: Record<string, unknown>;
  httpRequest?: StandInHttpRequest;
  logName: 'stdout' | 'stderr' | 'requests';
  timestamp: string;
}

export interface StandInOptions {
  /** MODEL_NAME the service serves (URL path /v1/models/<modelName>). */
  modelName: string;
  /** Loaded versions; the highest numeric one answers requests without a version. */
  versions: Array<{ version: string; signatures: Record<string, Signature> }>;
  /** Version labels (`/labels/<label>`), label -> version. */
  labels?: Record<string, string>;
  /** Model load time; requests are held until then (see the file comment). */
  coldStartMs?: number;
  auth: {
    public: boolean;
    /** The service URL; ID tokens must carry it as `aud`. Default: this stand-in's own URL. */
    audience?: string;
    /** Throws (message says why) when the token is bad. */
    verify(token: string, audience: string): { email: string };
    /** IAM run.invoker check for a verified caller; everyone when absent. */
    isInvoker?(email: string): boolean;
  };
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

export interface StandIn {
  url: string;
  port: number;
  close(): Promise<void>;
  setPublic(p: boolean): void;
}

const PREDICT_PATH = /:(predict|classify|regress)$/i;

export async function startServingStandIn(o: StandInOptions): Promise<StandIn> {
  const servable = new Servable(o.modelName, o.versions, o.labels);
  if (!o.auth || typeof o.auth.verify !== 'function') throw new Error('auth.verify: required');
  let isPublic = o.auth.public;
  const hostname = o.hostname ?? Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, '0');
  const basePath = o.modelBasePath ?? `/models/${o.modelName}`;
  const coldStartMs = Math.max(0, o.coldStartMs ?? 0);
  const stderr = (textPayload: string) => o.log({ severity: 'DEFAULT', textPayload, logName: 'stderr', timestamp: new Date().toISOString() });

  loadingLines(new Date(), o.modelName, basePath).forEach(stderr);
  let port = 0;
  let audience = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>(resolve => { markReady = resolve; });

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      void serve(req, res, body, started).catch(err => {
        stderr(`stand-in failure: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, started: bigint): Promise<void> {
    await ready;
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, headers: Record<string, string>, text: string, log?: { severity: StandInLog['severity']; textPayload?: string }) => {
      const payload = Buffer.from(text, 'utf8');
      res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
      res.end(payload);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const severity = log?.severity ?? (status >= 500 ? 'ERROR' : status >= 400 ? 'WARNING' : 'INFO');
      o.log({
        severity, logName: 'requests', timestamp: new Date().toISOString(),
        ...(log?.textPayload ? { textPayload: log.textPayload } : {}),
        httpRequest: {
          requestMethod: req.method ?? 'GET',
          requestUrl: `${audience}${req.url ?? '/'}`,
          requestSize: String(body.length),
          status,
          responseSize: String(payload.length),
          userAgent: req.headers['user-agent'],
          remoteIp: req.socket.remoteAddress ?? '127.0.0.1',
          serverIp: '127.0.0.1',
          latency: `${seconds.toFixed(9)}s`,
          protocol: `HTTP/${req.httpVersion}`,
        },
      });
    };
    const html = { 'Content-Type': 'text/html; charset=UTF-8' };

    if (!isPublic) {
      const header = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) return send(403, html, forbiddenPage(path), { severity: 'WARNING', textPayload: LOG_UNAUTHENTICATED });
      let email: string;
      try {
        email = o.auth.verify(m[1], audience).email;
      } catch {
        return send(401, { ...html, 'WWW-Authenticate': 'Bearer error="invalid_token" error_description="The access token could not be verified"' },
          unauthorizedPage(path), { severity: 'WARNING', textPayload: LOG_UNAUTHENTICATED });
      }
      if (o.auth.isInvoker && !o.auth.isInvoker(email)) {
        return send(403, html, forbiddenPage(path), { severity: 'WARNING', textPayload: LOG_UNAUTHORIZED });
      }
    }

    const isPredict = req.method === 'POST' && PREDICT_PATH.test(path);
    if (isPredict && o.faults?.takePredictFailure()) {
      return send(503, html, unavailablePage(), { severity: 'ERROR', textPayload: LOG_MALFORMED });
    }
    const extra = isPredict ? o.faults?.addedLatencyMs() ?? 0 : 0;
    if (extra > 0) await new Promise(r => setTimeout(r, extra));

    // TF Serving's HTTP server has no handler outside /v1/: a bare 404.
    if (!isRestApiPath(path)) return send(404, {}, '');
    const reply = await handleRest({ servable, predictor: o.predictor, missingOps: o.missingOps, hostname }, req.method ?? 'GET', path, body.toString('utf8'));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (reply.emulated) headers['x-emulated-outputs'] = 'true';
    send(reply.status, headers, reply.body);
  }

  // Keep-alive friendly: clients such as gaxios reuse sockets across predicts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  audience = (o.auth.audience || `http://127.0.0.1:${port}`).replace(/\/$/, '');
  setTimeout(() => {
    const now = new Date();
    loadedLines(now, o.modelName, basePath, servable.versions[0].version, coldStartMs * 1000).forEach(stderr);
    listeningLines(now, 8501).forEach(stderr);
    markReady();
  }, coldStartMs);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setPublic: (p: boolean) => { isPublic = p; },
    close: () => new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
