/**
 * Cloud Logging behind a small interface: one ListLogEntries read (newest first) and a
 * TailLogEntries stream. The tail session and the deploy flow use `LogsApi`; unit tests pass an
 * in-memory fake, the extension the official client (GcpClients.logging()).
 */

import type { LogSource, TailResponse, TailStream } from '../serving/logs/source';

export type { LogSource, TailResponse, TailStream };

/** The tail engine's port (src/serving/logs/source.ts), as CloudApis names it. */
export type LogsApi = LogSource;

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
