/**
 * URL routing of TF Serving's REST API (model_servers/http_rest_api_util.cc ParseModelInfo and the
 * dispatcher's `(?i)/v1/.*` filter): the same case-insensitive patterns, URL-decoded names and
 * labels, and the same errors for malformed paths.
 */
import { invalidArgument, TfServingError } from './status';

export type Route =
  | { kind: 'predict'; method: 'predict' | 'classify' | 'regress'; model: string; version?: string; label?: string }
  | { kind: 'status'; model: string; version?: string; label?: string }
  | { kind: 'metadata'; model: string; version?: string; label?: string };

const PREDICTION = /^\/v1\/models\/([^/:]+)(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?:(classify|regress|predict)$/i;
const STATUS = /^\/v1\/models(?:\/([^/:]+))?(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?(?:\/(metadata))?$/i;
const INT64_MAX = 2n ** 63n - 1n;

/** Paths TF Serving's REST handler owns at all; others get the HTTP server's plain 404. */
export const isRestApiPath = (path: string) => /^\/v1\/.*$/is.test(path);

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidArgument(`Failed to decode ${what}:`, s);
  }
}

/** Resolves a path; throws TfServingError like HttpRestApiHandler::ProcessRequest. */
export function route(httpMethod: string, path: string): Route {
  const malformed = invalidArgument('Malformed request: ', httpMethod, ' ', path);
  let m: RegExpMatchArray | null = null;
  if (httpMethod === 'POST') m = path.match(PREDICTION);
  else if (httpMethod === 'GET') m = path.match(STATUS);
  const model = m?.[1] ? decode(m[1], 'model name') : '';
  const versionText = m?.[2];
  if (versionText !== undefined && BigInt(versionText) > INT64_MAX) {
    // Returned before the JSON error body is written: the reply is the status alone.
    throw new TfServingError('INVALID_ARGUMENT', `Failed to convert version: ${versionText} to numeric.`, true);
  }
  const version = versionText === undefined ? undefined : BigInt(versionText).toString();
  const label = m?.[3] ? decode(m[3], 'model version label') : undefined;
  if (!m) throw malformed;
  if (httpMethod === 'POST') {
    // The method group matches case-insensitively but is compared exactly afterwards.
    const method = m[4];
    if (method !== 'predict' && method !== 'classify' && method !== 'regress') throw malformed;
    return { kind: 'predict', method, model, version, label };
  }
  if (!model) throw invalidArgument('Missing model name in request.');
  return { kind: m[4] === 'metadata' ? 'metadata' : 'status', model, version, label };
}
