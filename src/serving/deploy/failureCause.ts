/**
 * Why a revision failed, from its log: Cloud Run's own message only says the container did not
 * listen on its port, while TF Serving or the Python server printed the reason before exiting.
 */
import { recognizeFailure, type FailureKind, type KnownFailure } from '../logs/failures';

/** Most specific first: "did not listen on the port" is the consequence of any of the others. */
const PRIORITY: FailureKind[] = ['opNotRegistered', 'modelMissing', 'memoryLimit', 'servableNotFound', 'portNotListening'];

/** The most telling recognised failure among log messages, if any. */
export function failureCause(messages: Iterable<string>): KnownFailure | undefined {
  let best: KnownFailure | undefined;
  for (const m of messages) {
    const f = recognizeFailure(m);
    if (f && (!best || PRIORITY.indexOf(f.kind) < PRIORITY.indexOf(best.kind))) best = f;
  }
  return best;
}

/** A cause worth leading with: anything more specific than Cloud Run's generic port message. */
export function isSpecific(f: KnownFailure | undefined): f is KnownFailure {
  return Boolean(f && f.kind !== 'portNotListening');
}

/**
 * Reads log messages until a specific cause shows or `waitMs` has passed: logs reach Cloud Logging
 * a little after the container exits. A read that fails rejects at once (no log access);
 * one that hangs is abandoned at the deadline. Returns the best cause seen, possibly the generic one.
 */
export async function waitForCause(read: () => Promise<Iterable<string>>, waitMs: number, retryMs = 1000): Promise<KnownFailure | undefined> {
  const end = Date.now() + waitMs;
  let best: KnownFailure | undefined;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return best;
    let timer: NodeJS.Timeout | undefined;
    try {
      const messages = await Promise.race([read(), new Promise<undefined>(r => { timer = setTimeout(() => r(undefined), left); })]);
      if (!messages) return best;
      best = failureCause(messages) ?? best;
      if (isSpecific(best)) return best;
    } finally {
      clearTimeout(timer);
    }
    await new Promise(r => setTimeout(r, Math.min(retryMs, Math.max(0, end - Date.now()))));
  }
}
