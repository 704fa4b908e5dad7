/**
 * Messages between the serving-logs panel (webview/logs) and the extension host. No vscode import:
 * both sides compile this file. Messages from the webview are untrusted: each type is declared once
 * in `LogsMessages` and checked by parseWebviewMessage before the host acts on it.
 */
import type { LogItem, TailState } from '../serving/logs/items';
import { int, message, messageParser, str, type MessageOf } from './messages';
import { REVISION_ID, SERVICE_NAME } from '../serving/resourceNames';

export type { EntryItem, LogItem, MarkerItem, MarkerLevel, TailState } from '../serving/logs/items';

export type HostToWebview =
  | { type: 'init'; service: string; serviceId: string; revisions: string[]; revision?: string; maxLines: number }
  /** Items in arrival order; `replace` when this is the full replay after (re)loading the webview. */
  | { type: 'items'; items: LogItem[]; replace?: boolean }
  | { type: 'state'; state: TailState; detail?: string }
  | { type: 'revisions'; revisions: string[] };

/** Copying more than this is refused: a hostile or broken webview must not fill the clipboard. */
export const MAX_COPY_CHARS = 20_000_000;

export const LogsMessages = {
  ready: message('ready'),
  copy: message('copy', { text: str(MAX_COPY_CHARS) }),
  /** The user cleared the panel: later replays start after this item. */
  clear: message('clear', { upToSeq: int(0, Number.MAX_SAFE_INTEGER) }),
  action: message('action', { id: str(64, /^[\w.-]{1,64}$/) }),
  reconnect: message('reconnect'),
} as const;

export type WebviewToHost = MessageOf<(typeof LogsMessages)[keyof typeof LogsMessages]>;

/** Checks a message from the webview; throws a ValidationError naming the bad field. */
export const parseWebviewMessage = messageParser(Object.values(LogsMessages));

/** What the webview keeps with getState/setState; the serializer revives the panel from it. */
export interface LogsPanelState {
  service: string;
  revision?: string;
  filters?: unknown;
  follow?: boolean;
}

/** A restorable state: a service resource name, and a revision id when one was shown. */
export function parseLogsPanelState(v: unknown): { service: string; revision?: string } | undefined {
  const s = v as Partial<LogsPanelState> | undefined;
  if (typeof s?.service !== 'string' || !SERVICE_NAME.test(s.service)) return undefined;
  return { service: s.service, revision: typeof s.revision === 'string' && REVISION_ID.test(s.revision) ? s.revision : undefined };
}
