/**
 * Cloud Logging behind a small interface: one ListLogEntries read (newest first) and a
 * TailLogEntries stream. The tail session and the deploy flow use `LogsApi`; unit tests pass an
 * in-memory fake, the extension the official client (GcpClients.logging()).
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

export interface LogsApi {
  /**
   * ListLogEntries: the newest `pageSize` entries matching the filter, newest first. The filter
   * should name `timestamp`: otherwise the client adds its own 24-hour bound.
   */
  list(filter: string, pageSize: number): Promise<unknown[]>;
  /** TailLogEntries: a live stream of entries matching the filter. */
  tail(filter: string): TailStream;
}

/** The tail session's name for the same interface. */
export type LogSource = LogsApi;

/** The part of @google-cloud/logging's Logging class used here (structural, so no import of it). */
export interface LoggingClientLike {
  getEntries(opts: { filter: string; orderBy: string; pageSize: number; autoPaginate: false }): Promise<[unknown[], ...unknown[]]>;
  tailEntries(opts: { filter: string }): NodeJS.ReadWriteStream & { abort?: () => void; destroy?: (e?: Error) => unknown };
}

export function loggingSource(client: LoggingClientLike): LogsApi {
  return {
    async list(filter, pageSize) {
      const [entries] = await client.getEntries({ filter, orderBy: 'timestamp desc', pageSize, autoPaginate: false });
      return entries ?? [];
    },
    tail(filter) {
      const stream = client.tailEntries({ filter });
      return {
        on: (event: string, listener: (...a: any[]) => void) => stream.on(event, listener),
        close: () => {
          // abort() cancels the gRPC call; destroy() also covers a call not opened yet (the client
          // opens it after resolving the project id).
          stream.abort?.();
          stream.destroy?.();
        },
      } as TailStream;
    },
  };
}
