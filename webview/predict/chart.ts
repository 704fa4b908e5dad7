/** The benchmark's latency histogram as inline SVG (no chart library, no inline styles). */
import type { HistogramBin } from '../../src/serving/predict/stats';
import { svg } from './dom';

export function histogramChart(bins: HistogramBin[], targetMs: number, marks: Record<string, number>): SVGElement {
  const W = 560, H = 180, L = 36, B = 28, T = 10, R = 10;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'histogram', role: 'img', 'aria-label': 'Latency histogram' });
  if (!bins.length) return root;
  const lo = bins[0].from;
  const hi = Math.max(bins[bins.length - 1].to, targetMs * 1.05);
  const maxCount = Math.max(...bins.map(b => b.count), 1);
  const x = (v: number) => L + ((v - lo) / (hi - lo || 1)) * (W - L - R);
  const y = (c: number) => H - B - (c / maxCount) * (H - B - T);
  for (const b of bins) {
    const over = b.from >= targetMs;
    root.appendChild(svg('rect', {
      x: x(b.from) + 0.5, y: y(b.count), width: Math.max(1, x(b.to) - x(b.from) - 1), height: H - B - y(b.count),
      class: over ? 'bar over' : 'bar',
    }, svg('title', {}, `${b.from}–${b.to} ms: ${b.count}`)));
  }
  root.appendChild(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
  root.appendChild(svg('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }));
  root.appendChild(svg('text', { x: L - 4, y: T + 8, class: 'tick end' }, String(maxCount)));
  root.appendChild(svg('text', { x: L - 4, y: H - B, class: 'tick end' }, '0'));
  // The end labels are anchored inwards: centred on the chart's edges they were cut off.
  const ticks: Array<[number, string]> = [[lo, 'tick start'], [(lo + hi) / 2, 'tick mid'], [hi, 'tick end']];
  for (const [v, cls] of ticks) root.appendChild(svg('text', { x: x(v), y: H - B + 16, class: cls }, `${Math.round(v * 10) / 10} ms`));
  const tx = x(targetMs);
  root.appendChild(svg('line', { x1: tx, x2: tx, y1: T, y2: H - B, class: 'target' }));
  // Near the right edge the target's label goes on the line's left.
  const right = tx > W - R - 90;
  root.appendChild(svg('text', { x: right ? tx - 3 : tx + 3, y: T + 8, class: right ? 'tick end target-label' : 'tick target-label' }, `target ${targetMs} ms`));
  for (const [name, v] of Object.entries(marks)) {
    root.appendChild(svg('line', { x1: x(v), x2: x(v), y1: T + 12, y2: H - B, class: 'mark' }, svg('title', {}, `${name} ${v.toFixed(1)} ms`)));
  }
  return root;
}
