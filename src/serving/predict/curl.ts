/**
 * "Copy as curl": the exact request, with `$(gcloud auth print-identity-token)` where the token
 * goes, never a token itself. POSIX shell quoting.
 */

/** Single-quotes a string for sh/bash/zsh. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  /** Service URL (https://svc-abc-uc.a.run.app). */
  url: string;
  path: string;
  /** JSON body text; GET when absent. */
  body?: string;
  /** Add the ID token header (the service is not public). */
  authenticated: boolean;
}

export function curlCommand(o: CurlOptions): string {
  const lines = [`curl -sS${o.body !== undefined ? ' -X POST' : ''} ${shellQuote(o.url.replace(/\/$/, '') + o.path)}`];
  if (o.authenticated) lines.push(`-H "Authorization: Bearer $(gcloud auth print-identity-token)"`);
  if (o.body !== undefined) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`-d ${shellQuote(compactJson(o.body))}`);
  }
  return lines.join(' \\\n  ');
}

/** The body on one line when it is plain JSON; as typed otherwise (NaN tokens are kept). */
function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.trim();
  }
}
