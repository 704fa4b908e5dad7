/** DOM of one row. Text goes in through textContent only: log text is untrusted. */
import type { EntryItem, LogItem, MarkerItem } from '../../src/protocol/logs';
import { partOf } from '../../src/serving/logs/entry';
import { formatLatency, prettyJson } from '../../src/serving/logs/format';
import { h } from '../shared/dom';

const span = (cls: string, text: string): HTMLSpanElement => h('span', { className: cls }, text);

/** Local wall-clock time with milliseconds: the date is in the tooltip. */
function clock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * The revision's distinguishing tail (`00002-abc` of `svc-00002-abc`), or an endpoint entry's
 * deployed model id; the full name is in the tooltip.
 */
function shortRevision(rev: string | undefined, serviceId: string): string {
  if (!rev) return '-';
  return rev.startsWith(`${serviceId}-`) ? rev.slice(serviceId.length + 1) : rev;
}

/** A message longer than this (or with more than one line) can be expanded to read it whole. */
export const LONG_LINE_CHARS = 120;

function longMessage(item: EntryItem): boolean {
  return item.message.length > LONG_LINE_CHARS || item.message.includes('\n') || item.truncated !== undefined;
}

/** Whether clicking the row shows more: a JSON payload, or a message too long for one line. */
export function isExpandable(item: LogItem): item is EntryItem {
  return item.kind === 'entry' && (item.json !== undefined || longMessage(item));
}

/** The text shown under an expanded row: the whole message when it is long, then the JSON. */
export function detailText(item: EntryItem): string {
  const parts: string[] = [];
  if (longMessage(item)) parts.push(item.message);
  if (item.json !== undefined) parts.push(prettyJson(item.json));
  return parts.join('\n\n');
}

/** View lines the detail takes when wrapped at `charsPerLine`. */
export function detailLineCount(item: LogItem, charsPerLine: number): number {
  if (!isExpandable(item)) return 0;
  const width = Math.max(20, charsPerLine);
  return detailText(item).split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / width)), 0);
}

function entryRow(item: EntryItem, serviceId: string, expanded: boolean): HTMLElement {
  const row = document.createElement('div');
  const expandable = isExpandable(item);
  row.className = `row sev-${item.severity}${expandable ? ' expandable' : ''}${expanded ? ' expanded' : ''}`;
  const part = partOf(item);
  row.title = `${item.time}  ${item.deployedModelId ? `deployed model ${part}` : part ?? ''}  ${item.log}${expandable && !expanded ? '  (click to expand)' : ''}`;
  if (expandable) row.setAttribute('aria-expanded', String(expanded));
  row.append(span('caret', expandable ? (expanded ? '▾' : '▸') : ''));
  row.append(span('t', clock(item.timestamp)), ' ', span('sev', item.severity), ' ', span('rev', shortRevision(part, serviceId)), ' ');
  const r = item.request;
  if (r) {
    const req = span('req', '');
    req.append(span('m', r.method), ' ', span(`status-${String(r.status ?? 0)[0]}`, String(r.status ?? '-')), ' ', span('lat', r.latencyMs !== undefined ? formatLatency(r.latencyMs) : '-'), ' ', span('url', r.url));
    row.append(req);
    if (item.message && !item.message.startsWith(r.method)) row.append(' ', span('msg', item.message));
  } else {
    row.append(span('msg', item.message.split('\n')[0]));
  }
  return row;
}

function markerRow(item: MarkerItem, onAction: (id: string) => void): HTMLElement {
  const row = document.createElement('div');
  row.className = `row marker level-${item.level}`;
  row.textContent = `── ${item.text}${item.detail ? ` ${item.detail}` : ''}`;
  row.title = row.textContent;
  if (item.action) {
    const a = span('fix', item.action.title);
    a.setAttribute('role', 'button');
    a.tabIndex = 0;
    const id = item.action.id;
    a.addEventListener('click', e => {
      e.stopPropagation();
      onAction(id);
    });
    a.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') onAction(id);
    });
    row.append(a);
  }
  return row;
}

export function renderRow(item: LogItem, serviceId: string, expanded: boolean, onAction: (id: string) => void): HTMLElement {
  return item.kind === 'entry' ? entryRow(item, serviceId, expanded) : markerRow(item, onAction);
}

/** The block under an expanded row: the whole message (wrapped) and the JSON payload. */
export function renderDetail(item: EntryItem): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'json detail';
  pre.textContent = detailText(item);
  return pre;
}
