/** An open-loop run as a readable markdown summary, with latency over time as a text chart. Pure. */
import type { OpenLoopReport } from './openLoop';

const ms = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} ms`);

export function renderOpenLoopReport(title: string, rate: number, durationMs: number, r: OpenLoopReport, extraRows: string[] = []): string {
  const worst = Math.max(1, ...r.timeline.map(t => t.max ?? 0));
  return [
    `# Open-loop load: ${title}`, '',
    `${rate} requests/s (Poisson) for ${(durationMs / 1000).toFixed(0)} s, target ${r.targetMs} ms.`, '',
    '| | |', '|---|---|',
    `| scheduled / answered | ${r.scheduled} / ${r.completed} |`,
    `| errors | ${r.errors} |`,
    `| p50 / p95 / p99 | ${ms(r.latency?.p50)} / ${ms(r.latency?.p95)} / ${ms(r.latency?.p99)} |`,
    `| throughput (successful) | ${r.throughput.toFixed(2)} /s |`,
    `| goodput (successful within ${r.targetMs} ms) | ${(r.goodput * 100).toFixed(1)}% |`,
    ...extraRows,
    '', '## Latency over time (p50 █, max ░, per second of sending)', '', '```',
    ...r.timeline.map(t => {
      const p50 = Math.round(((t.p50 ?? 0) / worst) * 40), max = Math.round(((t.max ?? 0) / worst) * 40);
      return `${String(t.second).padStart(4)}s ${'█'.repeat(p50)}${'░'.repeat(Math.max(0, max - p50)).padEnd(40 - p50)} ${t.sent} sent${t.errors ? `, ${t.errors} errors` : ''}${t.p50 !== undefined ? `, p50 ${t.p50.toFixed(0)} ms` : ''}`;
    }),
    '```', '',
  ].join('\n');
}
