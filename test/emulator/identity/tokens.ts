/**
 * The emulator's token authority: an RS256 key pair made at start, Google-style ID tokens (JWTs
 * with `aud` = the service URL, `email` = the caller) and opaque access tokens. The serving
 * stand-ins verify ID tokens with it, as Cloud Run's front end does with Google's keys.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, verify as verifySignature, type KeyObject } from 'node:crypto';

export const ID_TOKEN_ISSUER = 'https://accounts.google.com';

export interface IdTokenClaims {
  iss: string; aud: string; azp: string; sub: string; email: string; email_verified: boolean; iat: number; exp: number;
}

export interface AccessTokenInfo { email: string; scopes: string[]; expiresAt: number }

export class TokenError extends Error {}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
/** Stable numeric id for an email, like a service account's unique id. */
const uniqueId = (email: string) => BigInt('0x' + createHash('sha256').update(email).digest('hex').slice(0, 15)).toString().padStart(21, '1');
const normalise = (aud: string) => aud.replace(/\/+$/, '');

export class TokenAuthority {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  private readonly accessTokens = new Map<string, AccessTokenInfo>();
  /** Every ID token issued, newest last (capped): tests search the product's outputs for them. */
  private readonly idTokens: string[] = [];

  constructor(private readonly now: () => number = () => Date.now()) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.keyId = createHash('sha1').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  }

  /** An ID token for `email`, valid one hour, for `audience` (a service URL). */
  issueIdToken(audience: string, email: string, lifetimeSeconds = 3600): string {
    if (!audience) throw new TokenError('audience: required');
    if (!email) throw new TokenError('email: required');
    const iat = Math.floor(this.now() / 1000);
    const claims: IdTokenClaims = {
      iss: ID_TOKEN_ISSUER, aud: audience, azp: uniqueId(email), sub: uniqueId(email),
      email, email_verified: true, iat, exp: iat + lifetimeSeconds,
    };
    const head = b64url(JSON.stringify({ alg: 'RS256', kid: this.keyId, typ: 'JWT' }));
    const body = b64url(JSON.stringify(claims));
    const sig = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), this.privateKey);
    const token = `${head}.${body}.${b64url(sig)}`;
    this.idTokens.push(token);
    if (this.idTokens.length > 1000) this.idTokens.shift();
    return token;
  }

  /** The tokens issued so far, for tests that check no output ever contains one. */
  issued(): { accessTokens: string[]; idTokens: string[] } {
    return { accessTokens: [...this.accessTokens.keys()], idTokens: [...this.idTokens] };
  }

  /** Checks signature, issuer, audience and expiry; the error says which failed. */
  verify(token: string, audience: string): IdTokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenError('malformed token: expected a JWT of three dot-separated parts');
    let header: { alg?: string; kid?: string };
    let claims: IdTokenClaims;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      throw new TokenError('malformed token: header or payload is not base64url JSON');
    }
    if (header.alg !== 'RS256') throw new TokenError(`unsupported algorithm ${JSON.stringify(header.alg)}: expected RS256`);
    if (header.kid !== this.keyId) throw new TokenError(`unknown signing key ${JSON.stringify(header.kid)}`);
    const ok = verifySignature('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
    if (!ok) throw new TokenError('invalid signature');
    if (claims.iss !== ID_TOKEN_ISSUER) throw new TokenError(`wrong issuer ${JSON.stringify(claims.iss)}: expected ${ID_TOKEN_ISSUER}`);
    if (normalise(String(claims.aud)) !== normalise(audience)) {
      throw new TokenError(`wrong audience: token is for ${JSON.stringify(claims.aud)}, expected ${JSON.stringify(audience)}`);
    }
    const nowSec = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec) {
      throw new TokenError(`token expired at ${new Date((claims.exp ?? 0) * 1000).toISOString()}`);
    }
    return claims;
  }

  /** An opaque OAuth2 access token (`ya29.` like Google's), valid one hour. */
  issueAccessToken(email: string, scopes: string[] = ['https://www.googleapis.com/auth/cloud-platform']): { access_token: string; expires_in: number; token_type: 'Bearer' } {
    const token = `ya29.emulator-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { email, scopes, expiresAt: this.now() + 3600_000 });
    return { access_token: token, expires_in: 3599, token_type: 'Bearer' };
  }

  verifyAccessToken(token: string): AccessTokenInfo {
    const info = this.accessTokens.get(token);
    if (!info) throw new TokenError('unknown access token');
    if (info.expiresAt <= this.now()) throw new TokenError('access token expired');
    return info;
  }

  /** The public key as a JWKS document (what https://www.googleapis.com/oauth2/v3/certs serves). */
  jwks(): { keys: Array<Record<string, string>> } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, string>;
    return { keys: [{ ...jwk, kid: this.keyId, alg: 'RS256', use: 'sig' }] };
  }
}
