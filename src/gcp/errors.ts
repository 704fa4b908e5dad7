/**
 * Google API failures sorted into what the user can do about them. gRPC status codes from the gax
 * clients, HTTP codes from Storage.
 */
export type GcpErrorKind = 'unauthenticated' | 'permission' | 'apiDisabled' | 'notFound' | 'unavailable' | 'quota' | 'invalid' | 'failed' | 'other';

export interface ClassifiedError {
  kind: GcpErrorKind;
  message: string;
  /** The missing permission (`run.services.create`) when the message names one. */
  permission?: string;
  /** The API to enable when it is disabled (`run.googleapis.com`). */
  api?: string;
  code?: number;
}

const GRPC: Record<number, GcpErrorKind> = {
  3: 'invalid', 5: 'notFound', 7: 'permission', 8: 'quota', 9: 'failed', 14: 'unavailable', 16: 'unauthenticated', 4: 'unavailable',
};
const HTTP: Record<number, GcpErrorKind> = { 400: 'invalid', 401: 'unauthenticated', 403: 'permission', 404: 'notFound', 429: 'quota', 503: 'unavailable' };

export function classifyGcpError(e: unknown): ClassifiedError {
  const err = (e ?? {}) as { code?: unknown; details?: unknown; message?: unknown };
  const message = String(err.details || err.message || e);
  const code = typeof err.code === 'number' ? err.code : undefined;
  let kind: GcpErrorKind = code === undefined ? 'other' : (GRPC[code] ?? HTTP[code] ?? 'other');
  const api = /(?:API|api) ?\[?([a-z]+\.googleapis\.com)\]? (?:has not been used|is not enabled|is disabled)|SERVICE_DISABLED.*?([a-z]+\.googleapis\.com)/.exec(message);
  if (api) kind = 'apiDisabled';
  if (/Could not load the default credentials|invalid_grant|reauth/i.test(message)) kind = 'unauthenticated';
  const perm = /[Pp]ermission '?([a-z]+(?:\.[a-zA-Z]+){2,})'? denied/.exec(message) ?? /permission ([a-z]+(?:\.[a-zA-Z]+){2,})/.exec(message);
  return { kind, message, code, permission: perm?.[1], api: api ? (api[1] ?? api[2]) : undefined };
}

/** A role that grants a permission, for "ask for this role" hints. */
export function roleFor(permission: string): string {
  if (permission.startsWith('run.')) return permission.includes('.get') || permission.includes('.list') ? 'roles/run.viewer' : 'roles/run.developer';
  if (permission.startsWith('aiplatform.')) return permission.includes('.get') || permission.includes('.list') ? 'roles/aiplatform.viewer' : 'roles/aiplatform.user';
  if (permission.startsWith('logging.')) return 'roles/logging.viewer';
  if (permission.startsWith('storage.')) return 'roles/storage.objectViewer';
  if (permission.startsWith('iam.serviceAccounts.')) return 'roles/iam.serviceAccountUser';
  return 'roles/viewer';
}
