/**
 * ID tokens for calling authenticated Cloud Run services: the audience is the service URL.
 * google-auth-library's `getIdTokenClient` covers service-account keys, the GCE metadata server
 * (the emulator serves one) and, since 10.x, user credentials from `gcloud auth
 * application-default login`; otherwise `gcloud auth print-identity-token` (execFile with an
 * argument array, never a shell). Tokens are cached until shortly before they expire and are never
 * logged, posted to a webview or saved: callers get them only to set a header.
 */
import { runFile } from './execFile';
import type { GcpClients } from './clients';
import { knownServiceUrls } from './run';

export interface IdToken {
  token: string;
  /** Who the token speaks for (its `email` claim, else `sub`), for messages. */
  identity: string;
  source: 'google-auth-library' | 'gcloud' | 'emulator';
  /** ms since epoch. */
  expiresAt: number;
}

export interface IdTokenSource {
  name: IdToken['source'];
  fetch(audience: string): Promise<string>;
}

export class IdTokenError extends Error {
  override readonly name = 'IdTokenError';
}

export interface JwtClaims {
  email?: string;
  sub?: string;
  aud?: string;
  exp?: number;
  iss?: string;
}

/** The payload of a JWT, unverified (only to read who and until when). */
export function decodeJwtClaims(token: string): JwtClaims {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const json = Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const c = JSON.parse(json) as Record<string, unknown>;
    return {
      email: typeof c.email === 'string' ? c.email : undefined,
      sub: typeof c.sub === 'string' ? c.sub : undefined,
      aud: typeof c.aud === 'string' ? c.aud : undefined,
      exp: typeof c.exp === 'number' ? c.exp : undefined,
      iss: typeof c.iss === 'string' ? c.iss : undefined,
    };
  } catch {
    return {};
  }
}

interface GoogleAuthLike {
  getIdTokenClient(audience: string): Promise<{ idTokenProvider: { fetchIdToken(audience: string): Promise<string> } }>;
}

export function googleAuthSource(auth: () => GoogleAuthLike): IdTokenSource {
  return {
    name: 'google-auth-library',
    async fetch(audience) {
      const client = await auth().getIdTokenClient(audience);
      return client.idTokenProvider.fetchIdToken(audience);
    },
  };
}

type ExecFileLike = (file: string, args: string[], opts: { timeout: number; maxBuffer: number }, cb: (err: Error | null, stdout: string | Buffer, stderr: string | Buffer) => void) => unknown;

/**
 * `gcloud auth print-identity-token`. For users gcloud cannot set the audience (`--audiences` is
 * for service accounts); Cloud Run accepts the user's gcloud token as it is.
 */
export function gcloudSource(run: ExecFileLike = runFile as unknown as ExecFileLike, timeoutMs = 15_000): IdTokenSource {
  return {
    name: 'gcloud',
    fetch: () => new Promise((resolve, reject) => {
      run('gcloud', ['auth', 'print-identity-token', '--quiet'], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        const token = String(stdout ?? '').trim();
        if (err || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
          const why = String(stderr ?? '').trim().split('\n').pop() || (err ? err.message : 'no token printed');
          reject(new IdTokenError(`gcloud auth print-identity-token: ${why}`));
        } else resolve(token);
      });
    }),
  };
}

/**
 * The emulator's own ID tokens, from the GCE metadata stand-in on its admin port. In emulator mode
 * this is the only source: Application Default Credentials and gcloud are never asked, so no real
 * credential reaches an emulated service.
 */
export function emulatorSource(adminUrl: string, fetchImpl: typeof fetch = fetch): IdTokenSource {
  return {
    name: 'emulator',
    async fetch(audience) {
      const url = `${adminUrl.replace(/\/$/, '')}/computeMetadata/v1/instance/service-accounts/default/identity?format=full&audience=${encodeURIComponent(audience)}`;
      let res: Response;
      try {
        res = await fetchImpl(url, { headers: { 'Metadata-Flavor': 'Google' }, signal: AbortSignal.timeout(5000) });
      } catch (e) {
        throw new IdTokenError(`the emulator at ${adminUrl} does not answer (${(e as Error).message})`);
      }
      const text = (await res.text()).trim();
      if (!res.ok || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(text)) throw new IdTokenError(`the emulator answered ${res.status} for an ID token`);
      return text;
    },
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Loopback http(s) URL (the emulator's services): undefined when fine, else why not. */
export function loopbackUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${url} is not an http(s) URL`;
  if (!LOOPBACK_HOSTS.has(u.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(u.hostname)) return `${url} is not on this machine (the emulator serves only 127.0.0.1)`;
  return undefined;
}

/**
 * A Cloud Run service URL as an ID token audience: https, a host under run.app, no user info,
 * no port, no path, query or fragment. Undefined when fine, else why not.
 */
export function runAppUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol !== 'https:') return `${url} is not an https URL`;
  if (u.username || u.password) return `${url} carries user info`;
  if (u.port) return `${url} names a port`;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.run\.app$/.test(u.hostname)) return `${url} is not a Cloud Run URL (https://….run.app)`;
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return `${url} has a path, query or fragment`;
  return undefined;
}

/** `https://x.a.run.app/` → `https://x.a.run.app`: the form audiences and known URLs are compared in. */
export function normalizeServiceUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export interface IdTokensOptions {
  now?: () => number;
  /**
   * Refuses an audience before any source is asked: returns why, or undefined when a token may
   * be fetched for it. Tokens go only where this allows.
   */
  audienceProblem?: (audience: string) => string | undefined;
  /** Refresh this long before `exp`. */
  refreshMarginMs?: number;
  /** Lines without tokens: source, audience, identity. */
  log?: (line: string) => void;
}

/** Tries each source in order; caches per audience; shares one fetch among concurrent callers. */
export class IdTokens {
  private readonly cache = new Map<string, IdToken>();
  private readonly inflight = new Map<string, Promise<IdToken>>();
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly sources: IdTokenSource[], private readonly opts: IdTokensOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.margin = opts.refreshMarginMs ?? 5 * 60_000;
  }

  get(audience: string): Promise<IdToken> {
    const problem = this.opts.audienceProblem?.(audience);
    if (problem) return Promise.reject(new IdTokenError(`No ID token for ${audience}: ${problem}.`));
    const hit = this.cache.get(audience);
    if (hit && hit.expiresAt - this.margin > this.now()) return Promise.resolve(hit);
    let p = this.inflight.get(audience);
    if (!p) {
      p = this.fetch(audience).finally(() => this.inflight.delete(audience));
      this.inflight.set(audience, p);
    }
    return p;
  }

  /** Forget a token the service rejected (401), so the next call fetches a new one. */
  invalidate(audience: string): void {
    this.cache.delete(audience);
  }

  clear(): void {
    this.cache.clear();
  }

  private async fetch(audience: string): Promise<IdToken> {
    const failures: string[] = [];
    for (const s of this.sources) {
      try {
        const token = await s.fetch(audience);
        const c = decodeJwtClaims(token);
        // Google ID tokens live an hour; assume that when the claim is missing.
        const expiresAt = c.exp ? c.exp * 1000 : this.now() + 60 * 60_000;
        const t: IdToken = { token, identity: c.email ?? c.sub ?? 'unknown identity', source: s.name, expiresAt };
        this.cache.set(audience, t);
        this.opts.log?.(`ID token for ${audience} from ${s.name} as ${t.identity}, valid until ${new Date(expiresAt).toISOString()}`);
        return t;
      } catch (e) {
        failures.push(`${s.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    throw new IdTokenError(`No ID token for ${audience} (${failures.join('; ')}).`);
  }
}

/**
 * The product's sources and where their tokens may go. Against the emulator: only the emulator's
 * own tokens, only for loopback URLs. Against Google: google-auth-library over the session's
 * GoogleAuth, then gcloud, only for `https://….run.app` URLs that Cloud Run itself returned for a
 * service this session read (never a URL a caller or a webview passed in).
 */
export function idTokensFor(clients: GcpClients, opts: IdTokensOptions = {}): IdTokens {
  const conn = clients.connection;
  const rule = audienceRuleFor(clients);
  const audienceProblem = (aud: string) => rule(aud) ?? opts.audienceProblem?.(aud);
  const sources = conn.kind === 'emulator' ? [emulatorSource(conn.endpoints.admin)] : [googleAuthSource(() => clients.auth()), gcloudSource()];
  return new IdTokens(sources, { ...opts, audienceProblem });
}

/** The audience rule of idTokensFor: why a token must not go to this URL, or undefined. */
export function audienceRuleFor(clients: GcpClients): (audience: string) => string | undefined {
  if (clients.connection.kind === 'emulator') return loopbackUrlProblem;
  const known = knownServiceUrls(clients);
  return aud => runAppUrlProblem(aud)
    ?? (known.has(normalizeServiceUrl(aud)) ? undefined : `${aud} is not the URL of a Cloud Run service read from project ${clients.projectId}`);
}
