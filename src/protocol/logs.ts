/**
 * Messages between the serving-logs panel (webview/logs) and the extension host. No vscode import:
 * both sides compile this file. Messages from the webview are untrusted and go through
 * parseWebviewMessage before the host acts on them.
 */
import type { LogLine } from '../serving/logs/entry';

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

export type HostToWebview =
  | { type: 'init'; service: string; serviceId: string; revisions: string[]; revision?: string; maxLines: number }
  /** Items in arrival order; `replace` when this is the full replay after (re)loading the webview. */
  | { type: 'items'; items: LogItem[]; replace?: boolean }
  | { type: 'state'; state: TailState; detail?: string }
  | { type: 'revisions'; revisions: string[] };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'copy'; text: string }
  /** The user cleared the panel: later replays start after this item. */
  | { type: 'clear'; upToSeq: number }
  | { type: 'action'; id: string }
  | { type: 'reconnect' };

/** Copying more than this is refused: a hostile or broken webview must not fill the clipboard. */
export const MAX_COPY_CHARS = 20_000_000;

/** Checks a message from the webview; throws an Error naming the bad field. */
export function parseWebviewMessage(raw: unknown): WebviewToHost {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('message: expected an object');
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'reconnect':
      return { type: m.type };
    case 'copy':
      if (typeof m.text !== 'string') throw new Error('copy.text: expected a string');
      if (m.text.length > MAX_COPY_CHARS) throw new Error(`copy.text: longer than ${MAX_COPY_CHARS} characters`);
      return { type: 'copy', text: m.text };
    case 'clear':
      if (typeof m.upToSeq !== 'number' || !Number.isSafeInteger(m.upToSeq) || m.upToSeq < 0) throw new Error('clear.upToSeq: expected a non-negative integer');
      return { type: 'clear', upToSeq: m.upToSeq };
    case 'action':
      if (typeof m.id !== 'string' || !/^[\w.-]{1,64}$/.test(m.id)) throw new Error('action.id: expected a short identifier');
      return { type: 'action', id: m.id };
    default:
      throw new Error(`type: unknown message type ${JSON.stringify(m.type)}`);
  }
}
