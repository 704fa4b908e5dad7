/**
 * Retries only what is safe to repeat. A call that failed with UNAVAILABLE (gRPC 14) or
 * RESOURCE_EXHAUSTED (8) may or may not have been acted on by the server, so:
 * - reads and operation polls (GetOperation) are retried with exponential backoff;
 * - a mutation is never simply re-sent: an update would go out again with an etag that is stale
 *   once the first one was applied. Callers either send it once or check, before a retry,
 *   whether the earlier attempt took effect (UploadModel looks for the version it would create).
 */
import { abortable } from './abortable';

export interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  /** Retry this error? Default: UNAVAILABLE and RESOURCE_EXHAUSTED. */
  retryable?: (e: unknown) => boolean;
}

const RETRYABLE = new Set([14, 8]);

export function isRetryable(e: unknown): boolean {
  return RETRYABLE.has((e as { code?: number })?.code as number);
}

/** Runs an idempotent call, retrying UNAVAILABLE / RESOURCE_EXHAUSTED. Never pass a mutation. */
export async function withRetry<T>(call: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 4;
  const retryable = o.retryable ?? isRetryable;
  let delay = o.firstDelayMs ?? 250;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= attempts || !retryable(e) || o.signal?.aborted) throw e;
      o.onRetry?.(i, e, delay);
      await abortable(new Promise(r => setTimeout(r, delay)), o.signal);
      delay = Math.min(delay * 2, 4000);
    }
  }
}

/** The part of a google-gax long-running Operation used here. */
export interface OperationLike<T> {
  getOperation(): Promise<[T | undefined, unknown, { done?: boolean } | undefined] | unknown>;
  latestResponse?: { done?: boolean; name?: string };
  result?: T;
  backoffSettings?: { initialRetryDelayMillis?: number; retryDelayMultiplier?: number; maxRetryDelayMillis?: number };
}

export interface WaitOptions extends Pick<RetryOptions, 'signal' | 'onRetry' | 'attempts' | 'firstDelayMs'> {
  /** First poll delay (default: the operation's own backoff, at most 1 s). */
  pollMs?: number;
}

/**
 * Polls a long-running operation until it is done, retrying a failed poll (GetOperation is a
 * read). Unlike `op.promise()`, a dropped poll does not fail the wait, and nothing is re-sent. An
 * operation that ended with an error rejects with that error, without retries.
 */
export async function waitForOperation<T>(op: OperationLike<T>, o: WaitOptions = {}): Promise<T> {
  const b = op.backoffSettings ?? {};
  let delay = o.pollMs ?? Math.min(1000, b.initialRetryDelayMillis ?? 1000);
  const mult = b.retryDelayMultiplier ?? 1.5;
  const max = b.maxRetryDelayMillis ?? 10_000;
  for (;;) {
    if (o.signal?.aborted) throw abortError();
    if (!op.latestResponse?.done) {
      // An error of a done operation is its result, not a failed poll: do not retry it.
      await withRetry(() => op.getOperation() as Promise<unknown>, { ...o, retryable: e => isRetryable(e) && !op.latestResponse?.done });
    }
    if (op.latestResponse?.done) {
      const r = await (op.getOperation() as Promise<[T | undefined]>);
      return (r?.[0] ?? op.result ?? ({} as T)) as T;
    }
    await abortable(new Promise(r => setTimeout(r, delay)), o.signal);
    delay = Math.min(delay * mult, max);
  }
}

function abortError(): Error {
  const e = new Error('The operation was cancelled.');
  e.name = 'AbortError';
  return e;
}
