/**
 * A virtualised list: only the rows in view (plus a margin) exist in the DOM, so thousands of
 * lines scroll smoothly. Rows have one height; an expanded JSON row adds its block below.
 * Positions use CSSOM (style.top), which the CSP allows, never style attributes in markup.
 */
import type { EntryItem, LogItem } from '../../src/protocol/logs';
import { detailLineCount, isExpandable, renderDetail, renderRow } from './rows';

const OVERSCAN = 20;
const MAX_JSON_LINES = 30;

export class VirtualList {
  private items: LogItem[] = [];
  /** tops[i] = offset of row i; tops[n] = total height. */
  private tops: number[] = [0];
  private readonly expanded = new Set<number>();
  private rowHeight = 18;
  private charWidth = 7;
  private frame = 0;
  /** Keeps the newest line in view as lines arrive. */
  follow = true;
  serviceId = '';
  onFollowChange: (follow: boolean) => void = () => {};
  onAction: (id: string) => void = () => {};

  constructor(private readonly viewport: HTMLElement, private readonly spacer: HTMLElement) {
    this.measure();
    viewport.addEventListener('scroll', () => {
      const atBottom = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - this.rowHeight * 2;
      if (atBottom !== this.follow) {
        this.follow = atBottom;
        this.onFollowChange(atBottom);
      }
      this.schedule();
    });
    spacer.addEventListener('click', e => {
      const row = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
      const seq = Number(row?.dataset.seq);
      if (!row || !Number.isFinite(seq) || !row.classList.contains('expandable')) return;
      // Selecting text in an expanded block must not collapse it.
      if (window.getSelection()?.toString()) return;
      if (this.expanded.has(seq)) this.expanded.delete(seq);
      else this.expanded.add(seq);
      this.layout();
    });
    let width = viewport.clientWidth;
    new ResizeObserver(() => {
      // Wrapped detail blocks change height with the width.
      if (this.expanded.size && viewport.clientWidth !== width) {
        width = viewport.clientWidth;
        this.layout();
      } else this.schedule();
    }).observe(viewport);
  }

  private measure(): void {
    const probe = document.createElement('div');
    probe.className = 'row';
    probe.textContent = 'Mg';
    probe.style.visibility = 'hidden';
    this.spacer.append(probe);
    this.rowHeight = Math.max(14, Math.ceil(probe.getBoundingClientRect().height) || 18);
    probe.textContent = 'M'.repeat(100);
    probe.style.display = 'inline-block';
    probe.style.position = 'static';
    this.charWidth = Math.max(4, probe.getBoundingClientRect().width / 100 || 7);
    probe.remove();
  }

  /** Characters per view line in a detail block (its padding left and right taken off). */
  private get charsPerLine(): number {
    return Math.floor((this.viewport.clientWidth - 6 * this.charWidth) / this.charWidth);
  }

  private heightOf(item: LogItem): number {
    if (item.kind !== 'entry' || !this.expanded.has(item.seq) || !isExpandable(item)) return this.rowHeight;
    return this.rowHeight * (1 + Math.min(MAX_JSON_LINES, detailLineCount(item, this.charsPerLine))) + 4;
  }

  /** The whole list changed (filter, replay, trim, expand). */
  setItems(items: LogItem[]): void {
    this.items = items;
    this.layout();
  }

  /** `count` items were added at the end of the same array. */
  appended(items: LogItem[], count: number): void {
    this.items = items;
    for (let i = items.length - count; i < items.length; i++) this.tops.push(this.tops[i] + this.heightOf(items[i]));
    this.schedule();
  }

  private layout(): void {
    const tops = new Array<number>(this.items.length + 1);
    tops[0] = 0;
    for (let i = 0; i < this.items.length; i++) tops[i + 1] = tops[i] + this.heightOf(this.items[i]);
    this.tops = tops;
    this.schedule();
  }

  jumpToNewest(): void {
    this.follow = true;
    this.onFollowChange(true);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** First row whose bottom is below y. */
  private indexAt(y: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tops[mid + 1] <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private render(): void {
    const total = this.tops[this.items.length] ?? 0;
    this.spacer.style.height = `${total}px`;
    if (this.follow) this.viewport.scrollTop = total;
    const top = this.viewport.scrollTop;
    const bottom = top + this.viewport.clientHeight;
    const first = Math.max(0, this.indexAt(top) - OVERSCAN);
    const last = Math.min(this.items.length, this.indexAt(bottom) + OVERSCAN + 1);
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const item = this.items[i];
      const expanded = item.kind === 'entry' && this.expanded.has(item.seq) && isExpandable(item);
      const row = renderRow(item, this.serviceId, expanded, this.onAction);
      row.dataset.seq = String(item.seq);
      row.style.top = `${this.tops[i]}px`;
      row.style.height = `${this.rowHeight}px`;
      frag.append(row);
      if (expanded) {
        const pre = renderDetail(item as EntryItem);
        pre.style.top = `${this.tops[i] + this.rowHeight}px`;
        pre.style.height = `${this.tops[i + 1] - this.tops[i] - this.rowHeight}px`;
        frag.append(pre);
      }
    }
    this.spacer.replaceChildren(frag);
  }
}
