/** How long one answer from a serving container took, and whether it was a cold start. */
export interface AnswerTiming {
  /** The last attempt, from sending to the end of the body. */
  latencyMs: number;
  /** From the first attempt to the end, including cold-start retries and their waits. */
  totalMs: number;
  retries: number;
  /** 503/429 were retried before this answer: the service was starting. */
  coldStart: boolean;
  /** The ID token's identity, when one was sent. */
  identity?: string;
}
