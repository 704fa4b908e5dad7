/**
 * The two Cloud Logging calls a tail session makes, as a small interface: unit tests pass an
 * in-memory fake, the extension an adapter over the official client (built outside src/serving).
 */

export interface TailResponse {
  entries?: unknown[];
  /** TailLogEntriesResponse.suppression_info: [{reason: RATE_LIMIT | NOT_CONSUMED (or 1 | 2), suppressedCount}] */
  suppressionInfo?: unknown;
}

export interface TailStream {
  on(event: 'data', listener: (r: TailResponse) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  /** Ends the call (cancels the gRPC stream). */
  close(): void;
}

export interface LogSource {
  /** ListLogEntries: the newest `pageSize` entries matching the filter, newest first. */
  list(filter: string, pageSize: number): Promise<unknown[]>;
  /** TailLogEntries: a live stream of entries matching the filter. */
  tail(filter: string): TailStream;
}
