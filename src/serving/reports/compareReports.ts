/**
 * Two saved load-test reports side by side: what was run (service, revision, model version, rate,
 * duration, target) and what it gave (percentiles, throughput, errors, goodput, cold start), with
 * B − A for the numbers. Pure; the reports were read back from files, so every number is checked
 * before it is shown ("—" when missing).
 */
import { reportProblems, type SavedReport } from './savedReport';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {});

/** A report read back from a file: the record, or the problems naming their fields (and the file). */
export function parseLoadTestReport(text: string, file: string): SavedReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const problems = reportProblems(json);
  if (problems.length) throw new Error(`${file}: ${problems[0]}`);
  const r = json as SavedReport;
  if (r.meta.kind !== 'load-test') throw new Error(`${file}: meta.kind: expected "load-test", got "${r.meta.kind}" (comparisons of revisions are reports of their own)`);
  return r;
}

interface Row {
  label: string;
  a: string;
  b: string;
  delta?: string;
}

const ms = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} ms`);
const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number, unit: string, digits = 1) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(digits)}${unit}`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function coldStartText(v: unknown): string {
  const c = obj(v);
  if (c.measured === true && num(c.firstMs) !== undefined) return `${num(c.firstMs)!.toFixed(0)} ms first request`;
  return typeof c.reason === 'string' ? `not measured (${c.reason.slice(0, 80)}${c.reason.length > 80 ? '…' : ''})` : '—';
}

export function compareLoadTestReports(a: SavedReport, b: SavedReport, names: [string, string]): { rows: Row[]; markdown: string } {
  const da = a.data, db = b.data;
  const la = obj(da.latency), lb = obj(db.latency);
  const rows: Row[] = [
    { label: 'service', a: a.meta.service, b: b.meta.service },
    { label: 'revision', a: a.meta.revision, b: b.meta.revision },
    { label: 'model version', a: a.meta.modelVersion ?? '—', b: b.meta.modelVersion ?? '—' },
    { label: 'saved at (UTC)', a: a.meta.savedAt, b: b.meta.savedAt },
    { label: 'rate (req/s)', a: String(num(da.rate) ?? '—'), b: String(num(db.rate) ?? '—') },
    { label: 'duration (s)', a: String(num(da.durationSec) ?? '—'), b: String(num(db.durationSec) ?? '—') },
    { label: 'latency target', a: ms(num(da.targetMs)), b: ms(num(db.targetMs)) },
    { label: 'scheduled / answered', a: `${num(da.scheduled) ?? '—'} / ${num(da.completed) ?? '—'}`, b: `${num(db.scheduled) ?? '—'} / ${num(db.completed) ?? '—'}` },
  ];
  const numeric = (label: string, x: number | undefined, y: number | undefined, fmt: (v: number | undefined) => string, unit: string, scale = 1) =>
    rows.push({ label, a: fmt(x), b: fmt(y), delta: x !== undefined && y !== undefined ? signed((y - x) * scale, unit) : '—' });
  numeric('errors', num(da.errors), num(db.errors), v => (v === undefined ? '—' : String(v)), '', 1);
  for (const p of ['p50', 'p95', 'p99'] as const) numeric(p, num(la[p]), num(lb[p]), ms, ' ms');
  numeric('throughput (successful)', num(da.throughput), num(db.throughput), v => (v === undefined ? '—' : `${v.toFixed(2)} /s`), ' /s');
  numeric('goodput', num(da.goodput), num(db.goodput), pct, ' pts', 100);
  rows.push({ label: 'cold start', a: coldStartText(da.coldStart), b: coldStartText(db.coldStart) });
  const markdown = [
    `# Load test reports: ${names[0]} vs ${names[1]}`, '',
    `A: \`${names[0]}\`  `, `B: \`${names[1]}\``, '',
    '| | A | B | B − A |', '|---|---|---|---|',
    ...rows.map(r => `| ${cell(r.label)} | ${cell(r.a)} | ${cell(r.b)} | ${r.delta ?? ''} |`),
    '',
  ].join('\n');
  return { rows, markdown };
}
