/**
 * Google API failures sorted into what the user can do about them. gRPC status codes from the gax
 * clients, HTTP codes from Storage. CloudApis attaches the classification to every error its
 * adapters throw (`withCloudFailures`); the command wrapper (src/common) turns it into advice.
 */
import { CLOUD_FAILURE, cloudFailureOf, isCancellation, UserError, type CloudFailure, type CloudFailureKind } from '../common/errors';

export type GcpErrorKind = CloudFailureKind;

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
  const api = /(?:API|api) ?\[?([a-z]+\.googleapis\.com)\]? (?:has not been used|is not enabled|is disabled)|SERVICE_DISABLED.*?([a-z]+\.googleapis\.com)/.exec(message)
    // Google's own wording names the API by its title ("Cloud Run Admin API has not been used in
    // project N before or it is disabled. Enable it by visiting …/apis/api/run.googleapis.com/overview…").
    ?? (/has not been used in project \S+ before or it is disabled/.test(message) ? /\/apis\/api\/([a-z0-9.-]+\.googleapis\.com)/.exec(message) ?? [message, undefined] : null);
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

/** The classification of `e`, with the role to ask for, attached to `e` itself (not enumerable). */
export function markCloudFailure(e: unknown, context: { project?: string; role?: string } = {}): unknown {
  if (!e || typeof e !== 'object' || e instanceof UserError || isCancellation(e) || cloudFailureOf(e)) return e;
  const c = classifyGcpError(e);
  if (c.kind === 'other') return e;
  const failure: CloudFailure = { ...c, role: c.permission ? roleFor(c.permission) : context.role, project: context.project };
  try {
    Object.defineProperty(e, CLOUD_FAILURE, { value: failure, enumerable: false, configurable: true });
  } catch {
    // a frozen error stays unclassified: the wrapper shows it as it is
  }
  return e;
}

type StreamLike = { on(event: string, listener: (...a: any[]) => void): unknown };

/**
 * `api` with every method's failures classified (markCloudFailure): rejected promises, thrown
 * errors, and 'error' events of returned streams (a log tail). Values pass through unchanged.
 * `role` is what to ask for when the message names no permission.
 */
export function withCloudFailures<T extends object>(api: T, context: { project?: string; role?: string } = {}): T {
  const mark = (e: unknown) => markCloudFailure(e, context);
  const wrap = (fn: (...a: unknown[]) => unknown, self: unknown) => (...args: unknown[]) => {
    let out: unknown;
    try {
      out = fn.apply(self, args);
    } catch (e) {
      throw mark(e);
    }
    if (out && typeof (out as Promise<unknown>).then === 'function') return (out as Promise<unknown>).then(v => v, e => { throw mark(e); });
    if (out && typeof (out as StreamLike).on === 'function') {
      const s = out as StreamLike;
      const stream = s as StreamLike & { close?: () => void };
      return {
        on: (event: string, listener: (...a: any[]) => void) => stream.on(event, event === 'error' ? (err: unknown) => listener(mark(err)) : listener),
        close: () => stream.close?.(),
      };
    }
    return out;
  };
  return new Proxy(api, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? wrap(v as (...a: unknown[]) => unknown, target) : v;
    },
  });
}
