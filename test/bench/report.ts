/** The budgets of issue 8 and the human table. */
import { round } from './stats';

export type Figures = Record<string, unknown> & { notes: string[] };

export interface Row {
  /** Key in the JSON `budgets` object (rows without a budget have none). */
  id?: string;
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  budget: string;
  /** true pass, false miss, null not measured */
  pass: boolean | null;
}

export const VSIX_BUDGET_BYTES = 6_000_000;
export const BUDGETS = {
  activationMs: 10,
  activationSpeedup: 50,
  treeColdMs: 1500,
  treeWarmMs: 150,
  predictRatio: 1.1,
  predictAddedMs: 1,
  logLagP99Ms: 50,
  logHeapGrowthMb: 50,
  servingP50Ms: 10,
  servingAddedMs: 2,
  servingColdStartMs: 5000,
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fmt = (v: unknown, unit = ''): string => (num(v) === null ? 'n/a' : `${round(num(v)!)}${unit}`);
const mb = (v: unknown): string => (num(v) === null ? 'n/a' : `${(num(v)! / 1e6).toFixed(2)} MB`);
const all = (...c: Array<boolean | null>): boolean | null => (c.some(x => x === null) ? null : c.every(Boolean));
const le = (v: unknown, max: number): boolean | null => (num(v) === null ? null : num(v)! <= max);
const ge = (v: unknown, min: number): boolean | null => (num(v) === null ? null : num(v)! >= min);

export function rows(f: Figures): Row[] {
  const lt = (f.log_tail ?? null) as Record<string, number> | null;
  type P = { p50_ms: number; p95_ms: number; p99_ms: number };
  const sv = (f.serving ?? null) as (Record<string, unknown> & { cold_start_ms?: number; added_over_floor_b1_ms?: number; cold_start_cpu_ms?: number[] }) | null;
  const pp = (k: string) => { const x = sv?.[k] as P | undefined; return x ? `${fmt(x.p50_ms)} / ${fmt(x.p95_ms)} / ${fmt(x.p99_ms)} ms` : 'n/a'; };
  const p50 = (k: string) => (sv?.[k] as P | undefined)?.p50_ms;
  const servingRows: Row[] = [
    {
      id: 'serving_b1', figure: 'serving batch 1, 1 client p50/p95/p99', value: pp('b1_c1'), baseline: `floor ${pp('floor_b1')}`,
      ratio: `${fmt(sv?.added_over_floor_b1_ms, ' ms')} added`, budget: `p50 <= ${BUDGETS.servingP50Ms} ms, <= ${BUDGETS.servingAddedMs} ms over floor`,
      pass: all(le(p50('b1_c1'), BUDGETS.servingP50Ms), le(sv?.added_over_floor_b1_ms, BUDGETS.servingAddedMs)),
    },
    { figure: 'serving batch 1, 8 clients', value: pp('b1_c8'), baseline: '-', ratio: '-', budget: '-', pass: null },
    { figure: 'serving batch 64, 1 client', value: pp('b64_c1'), baseline: `floor ${pp('floor_b64')}`, ratio: '-', budget: '-', pass: null },
    { figure: 'serving batch 64, 8 clients', value: pp('b64_c8'), baseline: '-', ratio: '-', budget: '-', pass: null },
    {
      id: 'serving_cold_start', figure: 'serving cold start (start → AVAILABLE)', value: fmt(sv?.cold_start_ms, ' ms'),
      baseline: sv?.cold_start_cpu_ms?.length ? `CPU ${sv.cold_start_cpu_ms.map(x => fmt(x)).join(', ')} ms` : '-', ratio: '-',
      budget: `<= ${BUDGETS.servingColdStartMs} ms`, pass: le(sv?.cold_start_ms, BUDGETS.servingColdStartMs),
    },
  ];
  return [
    {
      id: 'activation', figure: `activation_ms (median of ${Array.isArray(f.activation_samples_ms) ? f.activation_samples_ms.length : 0})`, value: fmt(f.activation_ms, ' ms'), baseline: fmt(f.baseline_activation_ms, ' ms'),
      ratio: num(f.activation_speedup) === null ? 'n/a' : `${round(num(f.activation_speedup)!)}x faster`,
      budget: `<= ${BUDGETS.activationMs} ms, >= ${BUDGETS.activationSpeedup}x`,
      pass: all(le(f.activation_ms, BUDGETS.activationMs), ge(f.activation_speedup, BUDGETS.activationSpeedup)),
    },
    {
      id: 'vsix_bytes', figure: 'vsix_bytes', value: mb(f.vsix_bytes), baseline: `${mb(f.baseline_bundle_bytes)} (naive bundle)`,
      ratio: num(f.vsix_bytes) && num(f.baseline_bundle_bytes) ? `${round(num(f.vsix_bytes)! / num(f.baseline_bundle_bytes)!)}x` : 'n/a',
      budget: '<= 6 MB', pass: le(f.vsix_bytes, VSIX_BUDGET_BYTES),
    },
    { id: 'tree_cold_ms', figure: 'tree_cold_ms (first page)', value: fmt(f.tree_cold_ms, ' ms'), baseline: '-', ratio: '-', budget: `<= ${BUDGETS.treeColdMs} ms`, pass: le(f.tree_cold_ms, BUDGETS.treeColdMs) },
    { figure: 'tree_cold_all_ms (all pages)', value: fmt(f.tree_cold_all_ms, ' ms'), baseline: '-', ratio: '-', budget: '-', pass: null },
    { id: 'tree_warm_ms', figure: 'tree_warm_ms (first page)', value: fmt(f.tree_warm_ms, ' ms'), baseline: '-', ratio: '-', budget: `<= ${BUDGETS.treeWarmMs} ms`, pass: le(f.tree_warm_ms, BUDGETS.treeWarmMs) },
    { figure: 'tree_warm_all_ms (all pages)', value: fmt(f.tree_warm_all_ms, ' ms'), baseline: '-', ratio: '-', budget: '-', pass: null },
    {
      id: 'predict_overhead', figure: 'predict_overhead_ratio (median)', value: fmt(f.predict_overhead_ratio),
      baseline: `${fmt(f.predict_direct_median_ms, ' ms')} direct`, ratio: `${fmt(f.predict_added_ms, ' ms')} added`,
      budget: `<= ${BUDGETS.predictRatio}, <= ${BUDGETS.predictAddedMs} ms added`,
      pass: all(le(f.predict_overhead_ratio, BUDGETS.predictRatio), le(f.predict_added_ms, BUDGETS.predictAddedMs)),
    },
    {
      id: 'log_tail_lost_duplicated', figure: 'log_tail lost / duplicated', value: lt ? `${lt.lost} / ${lt.duplicated}` : 'n/a', baseline: lt ? `${lt.sent} sent` : 'n/a', ratio: '-',
      budget: '0 / 0', pass: lt ? lt.lost === 0 && lt.duplicated === 0 : null,
    },
    {
      id: 'log_tail_lag', figure: 'log_tail event-loop lag p99', value: fmt(lt?.event_loop_lag_p99_ms, ' ms'), baseline: `${fmt(lt?.idle_lag_p99_ms, ' ms')} idle`, ratio: '-',
      budget: `<= ${BUDGETS.logLagP99Ms} ms`, pass: le(lt?.event_loop_lag_p99_ms, BUDGETS.logLagP99Ms),
    },
    {
      id: 'log_tail_heap', figure: 'log_tail heap growth (after GC)', value: fmt(lt?.heap_growth_mb, ' MB'), baseline: `${fmt(lt?.heap_start_mb, ' MB')} at start`, ratio: '-',
      budget: `<= ${BUDGETS.logHeapGrowthMb} MB`, pass: le(lt?.heap_growth_mb, BUDGETS.logHeapGrowthMb),
    },
    ...servingRows,
  ];
}

export function budgetResults(f: Figures): Record<string, boolean | null> {
  return Object.fromEntries(rows(f).filter(r => r.id).map(r => [r.id!, r.pass]));
}

export function table(f: Figures): string {
  const head: Row = { figure: 'figure', value: 'value', baseline: 'baseline', ratio: 'ratio', budget: 'budget', pass: null };
  const rs = rows(f);
  const cols: Array<'figure' | 'value' | 'baseline' | 'ratio' | 'budget'> = ['figure', 'value', 'baseline', 'ratio', 'budget'];
  const text = (r: Row, c: typeof cols[number]) => r[c];
  const status = (r: Row) => (r === head ? 'result' : r.budget === '-' ? '' : r.pass === null ? 'not measured' : r.pass ? 'pass' : 'MISS');
  const width = cols.map(c => Math.max(...[head, ...rs].map(r => text(r, c).length)));
  const line = (r: Row) => [...cols.map((c, i) => text(r, c).padEnd(width[i])), status(r)].join('  ').trimEnd();
  const out = [line(head), width.map(w => '-'.repeat(w)).join('  ') + '  ------', ...rs.map(line)];
  if (f.notes.length) out.push('', 'notes:', ...f.notes.map(n => `- ${n}`));
  return out.join('\n');
}
