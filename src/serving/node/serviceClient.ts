/**
 * HTTP calls to one Cloud Run service from the extension host (never the webview): one keep-alive
 * agent per service, an ID token when the service is not public, per-attempt timeouts, abort, and
 * 503/429 retried with backoff while the service scales from zero (reported as a cold start).
 * Node's http/https (never bundled into a webview), no vscode, no Google client: the ID token
 * comes from an injected TokenProvider. Unit-tested against a local server.
 */
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { AnswerTiming } from '../predict/timing';

export interface TokenProvider {
  get(audience: string): Promise<{ token: string; identity: string }>;
  invalidate(audience: string): void;
}

export interface RetryPolicy {
  /** Extra attempts after the first for 503/429. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const COLD_START_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 500, maxDelayMs: 8000 };
export const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0, maxDelayMs: 0 };

export interface CallOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  signal?: AbortSignal;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface CallResult extends AnswerTiming {
  status: number;
  text: string;
  contentType?: string;
}

/** A network failure, timeout or missing token: no HTTP answer at all. */
export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(message: string, readonly code: 'timeout' | 'network' | 'token') {
    super(message);
  }
}

export interface ServiceClientOptions {
  /** The service URL; also the ID token's audience. */
  url: string;
  authenticated: boolean;
  tokens?: TokenProvider;
  userAgent?: string;
  /** Test hook for backoff waits. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Refuses the service URL before any call (why, or undefined): against the emulator only
   * loopback services are called, whether or not they take a token.
   */
  urlProblem?: (url: string) => string | undefined;
  maxSockets?: number;
}

const RESPONSE_LIMIT = 64 * 1024 * 1024;

function abortError(): Error {
  const e = new Error('The request was cancelled.');
  e.name = 'AbortError';
  return e;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(abortError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds or an HTTP date → ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class ServiceClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly o: ServiceClientOptions) {
    this.base = new URL(o.url);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') throw new Error(`service url: expected http(s), got ${o.url}`);
    const problem = o.urlProblem?.(o.url);
    if (problem) throw new CallError(`Not calling ${o.url}: ${problem}.`, 'network');
    // Required here, not at load: http/https cost ~10 ms to load, and activation must stay cheap.
    this.transport = this.base.protocol === 'https:' ? (require('node:https') as typeof https) : (require('node:http') as typeof http);
    const agentOpts = { keepAlive: true, maxSockets: o.maxSockets ?? 64, keepAliveMsecs: 30_000 };
    this.agent = new this.transport.Agent(agentOpts);
    this.wait = o.sleep ?? sleep;
  }

  /** The audience for ID tokens: the service URL without a trailing slash. */
  get audience(): string {
    return this.o.url.replace(/\/$/, '');
  }

  async call(c: CallOptions): Promise<CallResult> {
    const policy = c.retry ?? NO_RETRY;
    const started = performance.now();
    let retries = 0;
    let refreshedToken = false;
    for (;;) {
      if (c.signal?.aborted) throw abortError();
      let identity: string | undefined;
      const headers: Record<string, string> = { 'User-Agent': this.o.userAgent ?? 'ml-serving-vscode', Accept: 'application/json' };
      if (this.o.authenticated) {
        if (!this.o.tokens) throw new CallError('This service requires authentication and no ID token source is configured.', 'token');
        let t: { token: string; identity: string };
        try {
          t = await this.o.tokens.get(this.audience);
        } catch (e) {
          throw new CallError((e as Error).message, 'token');
        }
        headers.Authorization = `Bearer ${t.token}`;
        identity = t.identity;
      }
      if (c.body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await this.once(c, headers);
      // A cached token the service rejects (revoked, clock skew): fetch a fresh one once.
      if (r.status === 401 && this.o.authenticated && !refreshedToken) {
        refreshedToken = true;
        this.o.tokens!.invalidate(this.audience);
        continue;
      }
      if ((r.status === 503 || r.status === 429) && retries < policy.retries) {
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retries);
        const jitter = backoff * 0.2 * Math.random();
        const delay = Math.min(policy.maxDelayMs, retryAfterMs(r.retryAfter) ?? backoff + jitter);
        retries++;
        await this.wait(delay, c.signal);
        continue;
      }
      return {
        status: r.status, text: r.text, contentType: r.contentType, latencyMs: r.latencyMs,
        totalMs: performance.now() - started, retries, coldStart: retries > 0, identity,
      };
    }
  }

  private once(c: CallOptions, headers: Record<string, string>): Promise<{ status: number; text: string; contentType?: string; retryAfter?: string; latencyMs: number }> {
    return new Promise((resolve, reject) => {
      const url = new URL(c.path, this.base);
      const payload = c.body !== undefined ? Buffer.from(c.body, 'utf8') : undefined;
      if (payload) headers['Content-Length'] = String(payload.length);
      const t0 = performance.now();
      const req = this.transport.request(url, { method: c.method, headers, agent: this.agent, signal: c.signal }, res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > RESPONSE_LIMIT) { req.destroy(new CallError(`the response is over ${RESPONSE_LIMIT / 1048576} MiB`, 'network')); return; }
          chunks.push(d);
        });
        res.on('end', () => resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          contentType: res.headers['content-type'],
          retryAfter: res.headers['retry-after'],
          latencyMs: performance.now() - t0,
        }));
        res.on('error', reject);
      });
      const timeoutMs = c.timeoutMs ?? 60_000;
      req.setTimeout(timeoutMs, () => req.destroy(new CallError(`no answer within ${timeoutMs / 1000} s`, 'timeout')));
      req.on('error', e => {
        if (c.signal?.aborted || e.name === 'AbortError') reject(abortError());
        else if (e instanceof CallError) reject(e);
        else reject(new CallError(`${url.origin}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 'network'));
      });
      req.end(payload);
    });
  }

  dispose(): void {
    this.agent.destroy();
  }
}
