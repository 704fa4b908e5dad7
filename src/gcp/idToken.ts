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

export interface IdToken {
  token: string;
  /** Who the token speaks for (its `email` claim, else `sub`), for messages. */
  identity: string;
  source: 'google-auth-library' | 'gcloud';
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

export interface IdTokensOptions {
  now?: () => number;
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

/** The product's sources: google-auth-library over the session's GoogleAuth, then gcloud. */
export function idTokensFor(clients: GcpClients, opts: IdTokensOptions = {}): IdTokens {
  return new IdTokens([googleAuthSource(() => clients.auth()), gcloudSource()], opts);
}
