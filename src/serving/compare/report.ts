/** The comparison as a read-only markdown report. Pure. */
import type { CompareSummary, RequestRow } from './metrics';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, d = 3) => (x === null ? '—' : x.toFixed(d));
const ms = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} ms`);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderCompareReport(service: string, a: string, b: string, rows: RequestRow[], s: CompareSummary): string {
  const big = s.maxScoreChange;
  const out = [
    `# ${service}: ${a} (A) vs ${b} (B)`, '',
    `**Verdict:** ${s.verdict}`, '',
    `| | total |`, `|---|---|`,
    `| requests / instances | ${s.requests} / ${s.instances} |`,
    `| recall of A's top-${s.k} in B's | ${pct(s.recall)} |`,
    `| Jaccard@${s.k} | ${pct(s.jaccard)} |`,
    `| rank correlation of shared items (Spearman) | ${num(s.spearman)} |`,
    `| largest score change | ${big ? `${cell(big.id)} in ${cell(big.request)}: ${num(big.a, 4)} → ${num(big.b, 4)}` : '—'} |`,
    `| errors A / B | ${s.errorsA} / ${s.errorsB} |`,
    `| latency A p50 / p99 | ${s.latencyA ? `${ms(s.latencyA.p50)} / ${ms(s.latencyA.p99)}` : '—'} |`,
    `| latency B p50 / p99 | ${s.latencyB ? `${ms(s.latencyB.p50)} / ${ms(s.latencyB.p99)}` : '—'} |`,
    '', '## Per request', '',
    `| request | recall@${s.k} | Jaccard@${s.k} | Spearman | largest score change | A | B |`, '|---|---|---|---|---|---|---|',
    ...rows.map(r => `| ${cell(r.name)} | ${pct(r.recall)} | ${pct(r.jaccard)} | ${num(r.spearman)} | ${r.maxScoreChange ? `${cell(r.maxScoreChange.id)} ${num(r.maxScoreChange.delta, 4)}` : '—'} | ${r.a.error ? `error: ${cell(r.a.error)}` : ms(r.a.ms)} | ${r.b.error ? `error: ${cell(r.b.error)}` : ms(r.b.ms)}${r.note ? ` (${cell(r.note)})` : ''} |`),
    '', `Requests went to each revision's tag URL; no traffic moved. Promote or roll back with the buttons of the notification or the revision's menu (each asks first).`, '',
  ];
  return out.join('\n');
}
