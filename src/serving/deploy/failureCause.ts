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
