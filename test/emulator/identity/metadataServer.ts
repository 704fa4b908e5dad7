/**
 * The GCE metadata server paths gcp-metadata 8.x and google-auth-library 10.x read, so a process
 * started with `GCE_METADATA_HOST=127.0.0.1:PORT` and `METADATA_SERVER_DETECTION=assume-present`
 * gets Application Default Credentials from the emulator: project id, service account email,
 * access tokens (`Compute.refreshTokenNoCache`) and ID tokens (`Compute.fetchIdToken`, which asks
 * `.../identity?format=full&audience=URL`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenAuthority } from './tokens';

export interface MetadataIdentity {
  projectId: string;
  numericProjectId: string;
  serviceAccountEmail: string;
  zone: string;
  tokens: TokenAuthority;
}

const BASE = '/computeMetadata/v1/';

function reply(res: ServerResponse, status: number, body: string, type = 'application/text'): void {
  res.writeHead(status, { 'Metadata-Flavor': 'Google', 'Content-Type': type, Server: 'Metadata Server for VM', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers metadata requests; returns false (response untouched) for other paths. */
export function handleMetadata(id: MetadataIdentity, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://metadata.google.internal');
  if (url.pathname !== '/computeMetadata/v1' && !url.pathname.startsWith(BASE)) return false;
  // The real server refuses requests without this header (a guard against SSRF).
  if (req.headers['metadata-flavor'] !== 'Google') {
    reply(res, 403, `Your client does not have permission to get URL ${url.pathname} from this server. Missing Metadata-Flavor:Google header.\n`, 'text/html');
    return true;
  }
  if (req.headers['x-forwarded-for']) {
    reply(res, 403, 'Request had an X-Forwarded-For header: the metadata server refuses proxied requests.\n', 'text/html');
    return true;
  }
  const key = url.pathname.slice(BASE.length).replace(/\/$/, '');
  const account = /^instance\/service-accounts\/([^/]+)\/(.*)$/.exec(key);
  if (account && account[1] !== 'default' && account[1] !== id.serviceAccountEmail) {
    reply(res, 404, `${account[1]} is not a service account of this instance\n`);
    return true;
  }
  const sub = account?.[2];
  if (key === '' || key === 'instance') reply(res, 200, 'attributes/\nhostname\nid\nservice-accounts/\nzone\n');
  else if (key === 'project/project-id') reply(res, 200, id.projectId);
  else if (key === 'project/numeric-project-id') reply(res, 200, id.numericProjectId);
  else if (key === 'universe/universe-domain') reply(res, 200, 'googleapis.com');
  else if (key === 'instance/zone') reply(res, 200, `projects/${id.numericProjectId}/zones/${id.zone}`);
  else if (key === 'instance/hostname') reply(res, 200, `emulator.${id.zone}.c.${id.projectId}.internal`);
  else if (key === 'instance/service-accounts') reply(res, 200, `default/\n${id.serviceAccountEmail}/\n`);
  else if (sub === 'email') reply(res, 200, id.serviceAccountEmail);
  else if (sub === 'aliases') reply(res, 200, 'default');
  else if (sub === 'scopes') reply(res, 200, 'https://www.googleapis.com/auth/cloud-platform\n');
  else if (sub === 'token') {
    const scopes = url.searchParams.get('scopes')?.split(',').filter(Boolean);
    reply(res, 200, JSON.stringify(id.tokens.issueAccessToken(id.serviceAccountEmail, scopes)), 'application/json');
  } else if (sub === 'identity') {
    const audience = url.searchParams.get('audience');
    if (!audience) reply(res, 400, 'non-empty audience parameter required\n');
    else reply(res, 200, id.tokens.issueIdToken(audience, id.serviceAccountEmail));
  } else reply(res, 404, `Not found: ${url.pathname}\n`, 'text/html');
  return true;
}
