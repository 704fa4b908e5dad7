/**
 * The logs panel's data, without DOM (webview/logs bundles it): every kept item (capped), the
 * filtered view, pause buffering. Pure, so unit tests run it under node.
 */
import type { LogItem } from './items';
import { lineSize, partOf } from './entry';
import { SEVERITIES, severityRank, type Severity } from './severity';

/** Bytes the panel keeps (entries are up to 16 K characters each, so the line cap alone is not a bound). */
export const PANEL_MAX_BYTES = 64 * 1024 * 1024;
/** Bytes held while paused, on top of what is shown. */
export const PAUSED_MAX_BYTES = 16 * 1024 * 1024;

function sizeOf(i: LogItem): number {
  return lineSize(i.kind === 'entry' ? i : { text: i.text, detail: i.detail });
}

export interface Filters {
  minSeverity: Severity;
  /** '' = all revisions (or, on an endpoint's panel, all deployed models). */
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
  const parts = [item.message, partOf(item) ?? '', item.log];
  if (item.request) parts.push(item.request.url, item.request.method, String(item.request.status ?? ''));
  if (item.json !== undefined) parts.push(JSON.stringify(item.json));
  return parts.join(' ');
}

export function matches(item: LogItem, f: Filters): boolean {
  // Markers (gaps, suppression, failures) are shown whatever the filter: they explain the stream.
  if (item.kind === 'marker') return !f.text || haystack(item).toLowerCase().includes(f.text.toLowerCase());
  if (severityRank(item.severity) < severityRank(f.minSeverity)) return false;
  if (f.revision && partOf(item) !== f.revision) return false;
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
  private sizes: number[] = [];
  private bufferedSizes: number[] = [];
  /** Bytes of the kept items and of the paused buffer (estimates). */
  bytes = 0;
  bufferedBytes = 0;

  constructor(public maxLines: number, readonly maxBytes = PANEL_MAX_BYTES, readonly maxBufferedBytes = PAUSED_MAX_BYTES) {
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
      for (const i of items) {
        const n = sizeOf(i);
        this.buffered.push(i);
        this.bufferedSizes.push(n);
        this.bufferedBytes += n;
      }
      let over = Math.max(0, this.buffered.length - this.maxLines);
      let bytes = this.bufferedBytes;
      for (let k = 0; k < over; k++) bytes -= this.bufferedSizes[k];
      while (over < this.buffered.length - 1 && bytes > this.maxBufferedBytes) bytes -= this.bufferedSizes[over++];
      if (over > 0) {
        this.dropped += over;
        this.buffered.splice(0, over);
        this.bufferedSizes.splice(0, over);
        this.bufferedBytes = bytes;
      }
      return { appended: 0, trimmed: 0 };
    }
    return this.append(items);
  }

  private append(items: LogItem[]): AddResult {
    let appended = 0;
    for (const i of items) {
      const n = sizeOf(i);
      this.items.push(i);
      this.sizes.push(n);
      this.bytes += n;
      if (matches(i, this.filters)) {
        this.visible.push(i);
        appended++;
      }
    }
    return { appended, trimmed: this.trim() };
  }

  private trim(): number {
    let over = Math.max(0, this.items.length - this.maxLines);
    let bytes = this.bytes;
    for (let k = 0; k < over; k++) bytes -= this.sizes[k];
    while (over < this.items.length - 1 && bytes > this.maxBytes) bytes -= this.sizes[over++];
    if (over <= 0) return 0;
    this.sizes.splice(0, over);
    this.bytes = bytes;
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
    this.reset();
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
    this.bufferedSizes = [];
    this.bufferedBytes = 0;
    return this.append(b);
  }

  /** Empties the panel; returns the sequence number the host should replay after. */
  clear(): number {
    const last = this.lastSeq;
    this.reset();
    return last;
  }

  private reset(): void {
    this.items = [];
    this.visible = [];
    this.buffered = [];
    this.sizes = [];
    this.bufferedSizes = [];
    this.bytes = 0;
    this.bufferedBytes = 0;
    this.dropped = 0;
  }
}
