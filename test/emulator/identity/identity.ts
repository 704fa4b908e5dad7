/**
 * The emulator's identity in one object: who the default credentials are, the token authority,
 * and the metadata-server handler. One per emulator run (keys are made here).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleMetadata } from './metadataServer';
import { TokenAuthority, type IdTokenClaims } from './tokens';

export interface IdentityOptions {
  projectId: string;
  /** Default: `<projectNumber>-compute@developer.gserviceaccount.com`. */
  serviceAccountEmail?: string;
  projectNumber?: string;
  zone?: string;
  now?: () => number;
}

export interface Identity {
  readonly projectId: string;
  readonly serviceAccountEmail: string;
  readonly tokens: TokenAuthority;
  issueIdToken(audience: string, email?: string): string;
  /** Throws TokenError saying what is wrong (signature, issuer, audience, expiry). */
  verify(token: string, audience: string): IdTokenClaims;
  issueAccessToken(email?: string, scopes?: string[]): { access_token: string; expires_in: number; token_type: 'Bearer' };
  /** GCE metadata server: true when it answered the request. */
  handleMetadata(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createIdentity(o: IdentityOptions): Identity {
  if (!o.projectId) throw new Error('projectId: required');
  const projectNumber = o.projectNumber ?? '123456789012';
  const email = o.serviceAccountEmail ?? `${projectNumber}-compute@developer.gserviceaccount.com`;
  const tokens = new TokenAuthority(o.now);
  const meta = { projectId: o.projectId, numericProjectId: projectNumber, serviceAccountEmail: email, zone: o.zone ?? 'us-central1-a', tokens };
  return {
    projectId: o.projectId,
    serviceAccountEmail: email,
    tokens,
    issueIdToken: (audience, who = email) => tokens.issueIdToken(audience, who),
    verify: (token, audience) => tokens.verify(token, audience),
    issueAccessToken: (who = email, scopes) => tokens.issueAccessToken(who, scopes),
    handleMetadata: (req, res) => handleMetadata(meta, req, res),
  };
}
