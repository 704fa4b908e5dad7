/** The benchmark's charts as inline SVG (no chart library, no inline styles): the latency histogram and latency over time. */
import type { HistogramBin } from '../../src/serving/predict/stats';
import { svg } from '../shared/dom';

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

/**
 * An open-loop run's latency over time as inline SVG: one dot per request (x: when it was sent,
 * y: its latency; errors in the error colour, on the axis), the p50 of each second as a line, and
 * the latency target. Built with DOM APIs; colours come from the theme through media/predict.css.
 */
export function latencyOverTimeChart(points: Array<[number, number, 0 | 1]>, timeline: Array<{ second: number; p50?: number }>, targetMs: number, durationMs: number): SVGElement {
  const W = 560, H = 200, L = 44, B = 28, T = 10, R = 10;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img', 'aria-label': 'Latency over time', 'data-testid': 'latency-chart' });
  const spanMs = Math.max(durationMs, ...points.map(p => p[0]), 1);
  const hi = Math.max(targetMs * 1.05, ...points.filter(p => p[2]).map(p => p[1]), 1);
  const x = (t: number) => L + (t / spanMs) * (W - L - R);
  const y = (v: number) => H - B - (Math.min(v, hi) / hi) * (H - B - T);
  root.appendChild(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
  root.appendChild(svg('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }));
  root.appendChild(svg('text', { x: L - 4, y: T + 8, class: 'tick end' }, `${Math.round(hi)} ms`));
  root.appendChild(svg('text', { x: L - 4, y: H - B, class: 'tick end' }, '0'));
  const ticks: Array<[number, string]> = [[0, 'tick start'], [spanMs / 2, 'tick mid'], [spanMs, 'tick end']];
  for (const [t, cls] of ticks) root.appendChild(svg('text', { x: x(t), y: H - B + 16, class: cls }, `${(t / 1000).toFixed(1)} s`));
  if (targetMs <= hi) {
    root.appendChild(svg('line', { x1: L, x2: W - R, y1: y(targetMs), y2: y(targetMs), class: 'target' }));
    root.appendChild(svg('text', { x: W - R - 2, y: y(targetMs) - 3, class: 'tick end target-label' }, `target ${targetMs} ms`));
  }
  const dots = svg('g', { class: 'points' });
  for (const [t, v, ok] of points) {
    dots.appendChild(svg('circle', { cx: x(t), cy: ok ? y(v) : H - B, r: 2, class: ok ? (v > targetMs ? 'point over' : 'point') : 'point error' },
      svg('title', {}, `${(t / 1000).toFixed(2)} s: ${ok ? `${v} ms` : `error after ${v} ms`}`)));
  }
  root.appendChild(dots);
  const line = timeline.filter(s => s.p50 !== undefined).map(s => `${x(s.second * 1000 + 500).toFixed(1)},${y(s.p50!).toFixed(1)}`);
  if (line.length > 1) root.appendChild(svg('polyline', { points: line.join(' '), class: 'p50-line' }, svg('title', {}, 'p50 per second')));
  return root;
}
