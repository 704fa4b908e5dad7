/**
 * What a tail session produces and the logs panel shows: log entries and marker lines. Pure data,
 * so the tail engine (tailSession.ts), the panel's view model and src/protocol all use these.
 */
import type { LogLine } from './entry';

/** A log entry as shown, numbered by its tail session (seq grows by one per item). */
export type EntryItem = LogLine & { kind: 'entry'; seq: number };

export type MarkerLevel = 'gap' | 'reconnected' | 'suppressed' | 'failure' | 'error' | 'info';

/** A line that is not a log entry: a possible gap, a rate-limit notice, a recognised failure. */
export interface MarkerItem {
  kind: 'marker';
  seq: number;
  timestamp: number;
  level: MarkerLevel;
  text: string;
  /** Detail shown under the text (what to do). */
  detail?: string;
  /** A fix the user can run from the panel; the host keeps what it does, the webview only its id. */
  action?: { id: string; title: string };
}

export type LogItem = EntryItem | MarkerItem;

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'failed';
