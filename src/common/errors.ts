/**
 * Errors meant for the user: what went wrong and what to do next. Anything else that reaches the
 * command wrapper is a bug or an unexpected failure and is shown with "Show Logs".
 */
import { CommandIds } from '../serving/commandIds';

export interface ErrorAction {
  title: string;
  /** A command id to run when the user picks the action. */
  command?: string;
  args?: unknown[];
  /** Or a function to run (copying text, say) when no command fits. */
  run?: () => unknown;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, readonly next?: string, readonly actions: ErrorAction[] = []) {
    super(message);
  }
}

/** Bad input at an entry point: names the field. */
export class ValidationError extends UserError {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** The user cancelled (Escape on a picker, Cancel on progress). Stays silent. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('Cancelled');
  }
}

export function isCancellation(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
}

/**
 * A Google Cloud failure, sorted by src/gcp into what the user can do about it. src/gcp attaches
 * it to the error it rethrows (`CLOUD_FAILURE`); src/common only shapes the message, so it needs
 * no import of src/gcp.
 */
export type CloudFailureKind = 'unauthenticated' | 'permission' | 'apiDisabled' | 'notFound' | 'unavailable' | 'quota' | 'invalid' | 'failed' | 'other';

export interface CloudFailure {
  kind: CloudFailureKind;
  /** The API's own words, without the gRPC status prefix. */
  message: string;
  /** The missing permission (`run.services.update`) when the message names one. */
  permission?: string;
  /** A role that grants it (`roles/run.developer`). */
  role?: string;
  /** The API to enable (`run.googleapis.com`). */
  api?: string;
  /** The project the call was for, when known. */
  project?: string;
  code?: number;
}

export const CLOUD_FAILURE = Symbol.for('mlServing.cloudFailure');

/** The classification src/gcp attached to an error, if any. */
export function cloudFailureOf(e: unknown): CloudFailure | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const f = (e as { [CLOUD_FAILURE]?: unknown })[CLOUD_FAILURE];
  return f && typeof f === 'object' && typeof (f as CloudFailure).kind === 'string' ? (f as CloudFailure) : undefined;
}

/** The Cloud Console page that enables an API (for the project when known). */
export function enableApiUrl(api: string | undefined, project?: string): string {
  const base = api ? `https://console.cloud.google.com/apis/library/${encodeURIComponent(api)}` : 'https://console.cloud.google.com/apis/library';
  return project ? `${base}?project=${encodeURIComponent(project)}` : base;
}

/** The advice for a classified failure, or undefined when there is nothing the user can do but retry. */
export function adviceFor(f: CloudFailure): UserError | undefined {
  switch (f.kind) {
    case 'permission': {
      const what = f.permission ? `you lack ${f.permission}` : f.message;
      const role = f.role ?? 'a role that grants it';
      return new UserError(`Permission denied: ${what}${f.project ? ` in project ${f.project}` : ''}.`,
        `Ask a project owner for ${role}${f.permission ? ` (it grants ${f.permission})` : ''}, then retry; nothing was changed.`);
    }
    case 'apiDisabled':
      return new UserError(`${f.api ?? 'A Google Cloud API this needs'} is not enabled${f.project ? ` in project ${f.project}` : ''}.`,
        'Enable it in the Cloud Console, wait a minute, then retry.',
        [{ title: 'Enable API', command: CommandIds.openUrl, args: [enableApiUrl(f.api, f.project)] }]);
    case 'unauthenticated':
      return new UserError(`Not signed in to Google Cloud (${f.message}).`,
        'Run "gcloud auth application-default login" in a terminal, then retry.',
        [{ title: 'Sign In', command: CommandIds.signIn }]);
    default:
      return undefined;
  }
}

/**
 * The one translation of failures into advice, used by the command wrapper: a Google Cloud
 * permission, disabled API or expired sign-in becomes a UserError saying what to do; anything
 * else (user errors, cancellation, bugs) is returned as it is.
 */
export function toUserError(e: unknown): unknown {
  if (e instanceof UserError || isCancellation(e)) return e;
  const f = cloudFailureOf(e);
  return (f && adviceFor(f)) ?? e;
}

/** toUserError's advice as one line (a log tail's stop state and marker), or undefined when it has none. */
export function adviceText(e: unknown): string | undefined {
  const u = toUserError(e);
  return u !== e && u instanceof UserError ? [u.message, u.next].filter(Boolean).join(' ') : undefined;
}
