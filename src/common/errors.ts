/**
 * Errors meant for the user: what went wrong and what to do next. Anything else that reaches the
 * command wrapper is a bug or an unexpected failure and is shown with "Show Logs".
 */
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
