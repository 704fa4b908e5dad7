/**
 * The Cloud Logging adapter behind the tail engine's LogSource (src/serving/logs/source.ts), over
 * the official client (clients.logging(), built in src/gcp).
 */

import type { LogSource, TailStream } from '../../serving/logs/source';

/** The part of @google-cloud/logging's Logging class used here (structural, so no import of it). */
export interface LoggingClientLike {
  getEntries(opts: { filter: string; orderBy: string; pageSize: number; autoPaginate: false }): Promise<[unknown[], ...unknown[]]>;
  tailEntries(opts: { filter: string }): NodeJS.ReadWriteStream & { abort?: () => void; destroy?: (e?: Error) => unknown };
}

export function loggingSource(client: LoggingClientLike): LogSource {
  return {
    async list(filter, pageSize) {
      // A filter naming `timestamp` keeps the client from adding its own 24-hour bound.
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
