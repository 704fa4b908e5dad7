/**
 * Reading a batch job's output: `prediction.results-*` lines `{"instance", "prediction"}` and
 * `prediction.errors_stats-*` lines `{"instance", "error"}`, turned into the ranked top-K rows the
 * Test Prediction panel shows (ranked.ts), and a markdown preview.
 */
import { detectRanked, type RankedRow } from '../predict/ranked';
import { fileNameOf } from '../resourceNames';

export interface ResultLine {
  instance: unknown;
  prediction: unknown;
  /** Ranked rows when the prediction holds ids and scores (a recommender); else undefined. */
  ranked?: RankedRow[];
}

export interface ErrorLine {
  instance: unknown;
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** One results line; a line that is not `{"instance", "prediction"}` JSON throws naming the line. */
export function parseResultLine(line: string, where = 'line'): ResultLine {
  let v: unknown;
  try { v = JSON.parse(line); } catch (e) { throw new Error(`${where}: not JSON (${(e as Error).message})`); }
  if (!isObj(v) || !('prediction' in v)) throw new Error(`${where}: expected {"instance": …, "prediction": …}`);
  const prediction = v.prediction;
  // A multi-output model answers {output: value}; one output answers the bare value.
  const ranked = isObj(prediction) ? detectRanked(prediction)?.instances[0] : undefined;
  return { instance: v.instance, prediction, ranked };
}

/** One errors_stats line: the error as a google.rpc.Status or a string. */
export function parseErrorLine(line: string, where = 'line'): ErrorLine {
  let v: unknown;
  try { v = JSON.parse(line); } catch (e) { throw new Error(`${where}: not JSON (${(e as Error).message})`); }
  if (!isObj(v)) throw new Error(`${where}: expected {"instance": …, "error": …}`);
  const err = v.error;
  const message = typeof err === 'string' ? err : isObj(err) ? String(err.message ?? JSON.stringify(err)) : JSON.stringify(err ?? null);
  return { instance: v.instance, message };
}

/**
 * One row of a BigQuery `predictions` table (the input columns plus `prediction`) as a results
 * line. A JSON or STRING prediction column is parsed when it holds JSON.
 */
export function resultFromRow(row: Record<string, unknown>, where = 'row'): ResultLine {
  if (!isObj(row) || !('prediction' in row)) throw new Error(`${where}: the predictions table has no prediction column`);
  const { prediction: raw, ...instance } = row;
  let prediction = raw;
  if (typeof raw === 'string') { try { prediction = JSON.parse(raw); } catch { prediction = raw; } }
  const ranked = isObj(prediction) ? detectRanked(prediction)?.instances[0] : undefined;
  return { instance, prediction, ranked };
}

/** One row of a BigQuery `errors` table (the input columns plus `errors`, a google.rpc.Status). */
export function errorFromRow(row: Record<string, unknown>, where = 'row'): ErrorLine {
  if (!isObj(row)) throw new Error(`${where}: expected a row`);
  const { errors, ...instance } = row;
  const message = typeof errors === 'string' ? errors : isObj(errors) ? String(errors.message ?? JSON.stringify(errors)) : JSON.stringify(errors ?? null);
  return { instance, message };
}

/** `prediction.results-00001-of-00002` → shard order; other names are not output files. */
export function outputFileKind(name: string): 'results' | 'errors' | undefined {
  const base = fileNameOf(name);
  if (/^prediction\.results-\d{5}-of-\d{5}$/.test(base)) return 'results';
  if (/^prediction\.errors_stats-\d{5}-of-\d{5}$/.test(base)) return 'errors';
  return undefined;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const short = (v: unknown, max = 160) => { const s = typeof v === 'string' ? v : JSON.stringify(v); return s.length > max ? s.slice(0, max - 1) + '…' : s; };

export interface PreviewInput {
  title: string;
  outputDirectory: string;
  summary: string[];
  results: ResultLine[];
  errors: ErrorLine[];
  /** Totals in the files (the preview shows only the first ones). */
  totalResults: number;
  totalErrors: number;
  /** Rows of each ranked table (default 10). */
  k?: number;
}

export function previewMarkdown(p: PreviewInput): string {
  const k = p.k ?? 10;
  const out: string[] = [`# ${p.title}`, '', `Output: \`${p.outputDirectory}\``, '', ...p.summary.map(s => `- ${s}`), ''];
  out.push(`## Predictions (first ${p.results.length} of ${p.totalResults})`, '');
  if (!p.results.length) out.push('_No predictions._', '');
  p.results.forEach((r, i) => {
    out.push(`### ${i + 1}. \`${cell(short(r.instance))}\``, '');
    if (r.ranked) {
      out.push('| rank | id | score |', '| ---: | --- | ---: |', ...r.ranked.slice(0, k).map(row => `| ${row.rank} | ${cell(row.id)} | ${row.score.toFixed(4)} |`));
      if (r.ranked.length > k) out.push('', `_top ${k} of ${r.ranked.length}_`);
    } else {
      out.push('```json', JSON.stringify(r.prediction).slice(0, 2000), '```');
    }
    out.push('');
  });
  out.push(`## Errors (${p.totalErrors})`, '');
  if (!p.errors.length) out.push('_No errors._');
  else out.push('| instance | error |', '| --- | --- |', ...p.errors.map(e => `| \`${cell(short(e.instance, 100))}\` | ${cell(short(e.message, 300))} |`));
  out.push('');
  return out.join('\n');
}
