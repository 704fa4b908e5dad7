/**
 * Cloud Run's front end for one revision's instance: the ID-token check (audience = service URL,
 * run.invoker), injected faults, request logs with Cloud Run's httpRequest fields, then the
 * container's answer. The container is either the TypeScript stand-in (standIn.ts) or the real
 * Python server this front proxies to (proxy.ts). Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  forbiddenPage, LOG_MALFORMED, LOG_UNAUTHENTICATED, LOG_UNAUTHORIZED, unauthorizedPage, unavailablePage,
} from './cloudRunFront';

export interface FrontHttpRequest {
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

export interface FrontLog {
  severity: 'DEFAULT' | 'INFO' | 'WARNING' | 'ERROR';
  textPayload?: string;
  jsonPayload?: Record<string, unknown>;
  httpRequest?: FrontHttpRequest;
  logName: 'stdout' | 'stderr' | 'requests';
  timestamp: string;
}

export interface FrontAuth {
  public: boolean;
  /** The service URL; ID tokens must carry it as `aud`. Default: this front's own URL. */
  audience?: string;
  /** Throws (message says why) when the token is bad. */
  verify(token: string, audience: string): { email: string };
  /** IAM run.invoker check for a verified caller; everyone when absent. */
  isInvoker?(email: string): boolean;
}

/** What the container answered. */
export interface ContainerReply { status: number; headers: Record<string, string>; body: Buffer | string }

export interface FrontOptions {
  auth: FrontAuth;
  log(entry: FrontLog): void;
  faults?: { takePredictFailure(): boolean; addedLatencyMs(): number };
  /** Requests wait for this (Cloud Run holds them until the startup probe passed). */
  ready?: Promise<void>;
  /** The container's answer to an authorised request. Throwing answers 503 like a dead instance. */
  container(req: http.IncomingMessage, path: string, body: Buffer): Promise<ContainerReply>;
  /** Port to listen on (127.0.0.1); 0 or absent picks a free one. */
  port?: number;
}

export interface FrontServer {
  url: string;
  port: number;
  close(): Promise<void>;
  setPublic(p: boolean): void;
}

const PREDICT_PATH = /:(predict|classify|regress)$/i;

export async function startFront(o: FrontOptions): Promise<FrontServer> {
  if (!o.auth || typeof o.auth.verify !== 'function') throw new Error('auth.verify: required');
  let isPublic = o.auth.public;
  let audience = '';
  const stderr = (textPayload: string) => o.log({ severity: 'DEFAULT', textPayload, logName: 'stderr', timestamp: new Date().toISOString() });

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      void serve(req, res, Buffer.concat(chunks), started).catch(err => {
        stderr(`emulator front failure: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, started: bigint): Promise<void> {
    if (o.ready) await o.ready;
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, headers: Record<string, string>, content: Buffer | string, log?: { severity: FrontLog['severity']; textPayload?: string }) => {
      const payload = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
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
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
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

    let reply: ContainerReply;
    try {
      reply = await o.container(req, path, body);
    } catch {
      // The instance did not answer (it died or closed the connection): Cloud Run's 503.
      return send(503, html, unavailablePage(), { severity: 'ERROR', textPayload: LOG_MALFORMED });
    }
    send(reply.status, reply.headers, reply.body);
  }

  // Keep-alive friendly: clients such as gaxios reuse sockets across predicts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  audience = (o.auth.audience || `http://127.0.0.1:${port}`).replace(/\/$/, '');
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
