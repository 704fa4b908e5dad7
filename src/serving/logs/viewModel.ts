/**
 * The logs panel's data, without DOM (webview/logs bundles it): every kept item (capped), the
 * filtered view, pause buffering. Pure, so unit tests run it under node.
 */
import type { LogItem } from '../../protocol/logs';
import { SEVERITIES, severityRank, type Severity } from './severity';

export interface Filters {
  minSeverity: Severity;
  /** '' = all revisions. */
  revision: string;
  /** Case-insensitive substring of the message, URL or JSON. */
  text: string;
}

export const NO_FILTERS: Filters = { minSeverity: 'DEFAULT', revision: '', text: '' };

export function isFilters(v: unknown): v is Filters {
  const f = v as Filters;
  return Boolean(f) && (SEVERITIES as readonly string[]).includes(f.minSeverity) && typeof f.revision === 'string' && typeof f.text === 'string';
}

/** Text an item is searched by. */
function haystack(item: LogItem): string {
  if (item.kind === 'marker') return `${item.text} ${item.detail ?? ''}`;
  const parts = [item.message, item.revision ?? '', item.log];
  if (item.request) parts.push(item.request.url, item.request.method, String(item.request.status ?? ''));
  if (item.json !== undefined) parts.push(JSON.stringify(item.json));
  return parts.join(' ');
}

export function matches(item: LogItem, f: Filters): boolean {
  // Markers (gaps, suppression, failures) are shown whatever the filter: they explain the stream.
  if (item.kind === 'marker') return !f.text || haystack(item).toLowerCase().includes(f.text.toLowerCase());
  if (severityRank(item.severity) < severityRank(f.minSeverity)) return false;
  if (f.revision && item.revision !== f.revision) return false;
  if (f.text && !haystack(item).toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

export interface AddResult {
  /** Items appended to the visible list. */
  appended: number;
  /** Items removed from the front of the visible list (the cap). */
  trimmed: number;
}

export class LogModel {
  /** Every kept item, oldest first. */
  items: LogItem[] = [];
  /** Items passing the filters, oldest first. */
  visible: LogItem[] = [];
  /** Items that arrived while paused. */
  buffered: LogItem[] = [];
  paused = false;
  /** Items dropped by the cap since the last clear. */
  dropped = 0;
  filters: Filters = { ...NO_FILTERS };

  constructor(public maxLines: number) {
    if (!Number.isInteger(maxLines) || maxLines < 1) throw new Error(`maxLines: expected a positive integer, got ${maxLines}`);
  }

  /** The highest sequence number received (shown or buffered). */
  get lastSeq(): number {
    const a = this.buffered.length ? this.buffered[this.buffered.length - 1].seq : 0;
    const b = this.items.length ? this.items[this.items.length - 1].seq : 0;
    return Math.max(a, b);
  }

  add(items: LogItem[]): AddResult {
    if (this.paused) {
      this.buffered.push(...items);
      if (this.buffered.length > this.maxLines) {
        this.dropped += this.buffered.length - this.maxLines;
        this.buffered.splice(0, this.buffered.length - this.maxLines);
      }
      return { appended: 0, trimmed: 0 };
    }
    return this.append(items);
  }

  private append(items: LogItem[]): AddResult {
    let appended = 0;
    for (const i of items) {
      this.items.push(i);
      if (matches(i, this.filters)) {
        this.visible.push(i);
        appended++;
      }
    }
    return { appended, trimmed: this.trim() };
  }

  private trim(): number {
    const over = this.items.length - this.maxLines;
    if (over <= 0) return 0;
    const removed = this.items.splice(0, over);
    this.dropped += over;
    const lastRemoved = removed[removed.length - 1].seq;
    let n = 0;
    while (n < this.visible.length && this.visible[n].seq <= lastRemoved) n++;
    if (n) this.visible.splice(0, n);
    return n;
  }

  /** The full list after the webview (re)loaded. */
  replace(items: LogItem[]): void {
    this.items = [];
    this.visible = [];
    this.buffered = [];
    this.dropped = 0;
    this.append(items);
  }

  setFilters(f: Partial<Filters>): void {
    this.filters = { ...this.filters, ...f };
    this.visible = this.items.filter(i => matches(i, this.filters));
  }

  pause(): void {
    this.paused = true;
  }

  /** Shows what arrived while paused. */
  resume(): AddResult {
    this.paused = false;
    const b = this.buffered;
    this.buffered = [];
    return this.append(b);
  }

  /** Empties the panel; returns the sequence number the host should replay after. */
  clear(): number {
    const last = this.lastSeq;
    this.items = [];
    this.visible = [];
    this.buffered = [];
    this.dropped = 0;
    return last;
  }
}
