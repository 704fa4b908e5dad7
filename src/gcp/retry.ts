/**
 * Retries a call that failed before the server acted on it: UNAVAILABLE (gRPC 14) and
 * RESOURCE_EXHAUSTED (8) with exponential backoff. Mutations use it only where a retry cannot
 * duplicate work (the caller checks for the earlier attempt's result, e.g. ALREADY_EXISTS).
 */
import { abortable } from '../common/abortable';

export interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

const RETRYABLE = new Set([14, 8]);

export function isRetryable(e: unknown): boolean {
  return RETRYABLE.has((e as { code?: number })?.code as number);
}

export async function withRetry<T>(call: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 4;
  let delay = o.firstDelayMs ?? 250;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= attempts || !isRetryable(e) || o.signal?.aborted) throw e;
      o.onRetry?.(i, e, delay);
      await abortable(new Promise(r => setTimeout(r, delay)), o.signal);
      delay = Math.min(delay * 2, 4000);
    }
  }
}
