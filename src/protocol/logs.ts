/**
 * Messages between the serving-logs panel (webview/logs) and the extension host. No vscode import:
 * both sides compile this file. Messages from the webview are untrusted: each type is declared once
 * in `LogsMessages` and checked by parseWebviewMessage before the host acts on it.
 */
import type { LogItem, TailState } from '../serving/logs/items';
import { int, message, messageParser, str, type MessageOf } from './messages';
import { REVISION_ID, SERVICE_NAME } from '../serving/resourceNames';
import { LogFilterError, parseLogTarget } from '../serving/logs/filter';

export type { EntryItem, LogItem, MarkerItem, MarkerLevel, TailState } from '../serving/logs/items';

export type HostToWebview =
  /**
   * `target` says what the second filter selects (a service's revisions, an endpoint's deployed
   * models); `console` whether the panel offers the Cloud Console's logs (the host keeps the URL).
   */
  | { type: 'init'; service: string; serviceId: string; target: 'service' | 'endpoint'; console: boolean; revisions: string[]; revision?: string; maxLines: number }
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
  /** Open this target's logs in the Cloud Console (the URL is the host's, never the webview's). */
  openConsole: message('openConsole'),
} as const;

export type WebviewToHost = MessageOf<(typeof LogsMessages)[keyof typeof LogsMessages]>;

/** Checks a message from the webview; throws a ValidationError naming the bad field. */
export const parseWebviewMessage = messageParser(Object.values(LogsMessages));

/** What the webview keeps with getState/setState; the serializer revives the panel from it. */
export interface LogsPanelState {
  /** A service's resource name, or an endpoint's tail name (…/endpoints/E[/deployedModels/D]). */
  service: string;
  revision?: string;
  /** The panel's title (`endpoint recsys / recsys-ranking v2`), when the opener knew it. */
  label?: string;
  filters?: unknown;
  follow?: boolean;
}

export interface RestoredLogsPanel {
  service: string;
  revision?: string;
  label?: string;
}

const LABEL_MAX = 200;
/** Project ids (and the older domain-scoped `example.com:proj`). */
const PROJECT_ID = /^[a-z0-9][a-z0-9.:-]{0,99}$/;

/**
 * Checks a restored panel's state (untrusted: it comes back from the webview). A service resource
 * name with an optional revision id, or an endpoint (optionally one deployed model) whose ids make
 * a safe filter. A bad state is refused with the field named.
 */
export function checkLogsPanelState(v: unknown): { ok: true; state: RestoredLogsPanel } | { ok: false; error: string } {
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'state: expected an object' };
  const s = v as Partial<LogsPanelState>;
  if (typeof s.service !== 'string') return { ok: false, error: `service: expected a service or endpoint resource name, got ${JSON.stringify(s.service) ?? 'undefined'}` };
  let label: string | undefined;
  if (s.label !== undefined) {
    // Shown as the panel's title only; control characters never.
    if (typeof s.label !== 'string' || s.label.length > LABEL_MAX || /[\u0000-\u001f\u007f]/.test(s.label)) return { ok: false, error: `label: expected a title of at most ${LABEL_MAX} printable characters` };
    label = s.label;
  }
  if (SERVICE_NAME.test(s.service)) {
    return { ok: true, state: { service: s.service, revision: typeof s.revision === 'string' && REVISION_ID.test(s.revision) ? s.revision : undefined, ...(label ? { label } : {}) } };
  }
  if (!/^projects\/[^/]+\/locations\/[^/]+\/endpoints\//.test(s.service)) return { ok: false, error: `service: expected projects/P/locations/R/services/S or projects/P/locations/R/endpoints/E, got ${JSON.stringify(s.service.slice(0, 200))}` };
  try {
    const t = parseLogTarget(s.service);
    if (t.kind !== 'endpoint') return { ok: false, error: `service: expected projects/P/locations/R/endpoints/E[/deployedModels/D], got ${JSON.stringify(s.service.slice(0, 200))}` };
    if (!PROJECT_ID.test(t.project)) return { ok: false, error: `project: expected a project id, got ${JSON.stringify(t.project.slice(0, 100))}` };
  } catch (e) {
    return { ok: false, error: e instanceof LogFilterError ? e.message : `service: ${(e as Error).message}` };
  }
  // An endpoint's panel has no revision: the deployed model is part of its name.
  return { ok: true, state: { service: s.service, ...(label ? { label } : {}) } };
}

/** A restorable state, or undefined (checkLogsPanelState says why). */
export function parseLogsPanelState(v: unknown): RestoredLogsPanel | undefined {
  const r = checkLogsPanelState(v);
  return r.ok ? r.state : undefined;
}
