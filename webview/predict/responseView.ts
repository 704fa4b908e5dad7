/** The response: status and latency, the hint, a ranked table or one view per output, the raw body. */
import type { HostMessage } from '../../src/protocol/predict';
import { stringifyLenient } from '../../src/serving/predict/lenientJson';
import { detectRanked } from '../../src/serving/predict/ranked';
import { asMatrix, type Cell } from '../../src/serving/predict/matrix';
import { parsePredictResponse } from '../../src/serving/predict/response';
import { h, ms, type Child } from '../shared/dom';

export type ResponseState =
  | (Extract<HostMessage, { type: 'response' }> & { signature: string })
  | { failure: Extract<HostMessage, { type: 'requestFailed' }> };

const MAX_RANKED_INSTANCES = 20;

/**
 * `stale` says why the answer on screen is not the answer to the request as it stands now (a newer
 * attempt was refused before sending): it stays readable, marked, under the new error.
 */
export function renderResponse(r: ResponseState | undefined, busy: boolean, outputNames: string[], stale?: string): Child[] {
  if (busy) return [h('p', { className: 'muted' }, 'Waiting for the service… (503/429 while it scales from zero are retried)')];
  if (!r) return [];
  if (stale) {
    return [h('div', { className: 'stale', 'data-testid': 'stale-response' },
      h('p', { className: 'stale-banner', 'data-testid': 'stale-banner' }, `Stale: ${stale}`),
      ...renderResponse(r, false, outputNames))];
  }
  if ('failure' in r) {
    return [h('div', { className: r.failure.cancelled ? 'info-box' : 'error-box', 'data-testid': 'request-failed' }, r.failure.message,
      r.failure.hint ? h('p', { className: 'hint' }, r.failure.hint) : null)];
  }
  const parsed = parsePredictResponse(r.status, r.bodyText, outputNames);
  const statusLine = h('p', { className: 'status-line', 'data-testid': 'status-line' },
    h('span', { className: parsed.ok ? 'badge ok' : 'badge err', 'data-testid': 'http-status' }, `HTTP ${r.status}`),
    ` ${ms(r.latencyMs)}`,
    r.retries ? ` (${ms(r.totalMs)} with ${r.retries} cold-start retr${r.retries === 1 ? 'y' : 'ies'})` : '',
    r.identity ? h('span', { className: 'muted' }, ` · as ${r.identity}`) : null,
    r.coldStart ? h('span', { className: 'badge warn' }, 'cold start') : null);
  const out: Child[] = [statusLine];
  if (r.hint) out.push(h('p', { className: parsed.ok ? 'info-box' : 'hint error-hint', 'data-testid': 'hint' }, r.hint));
  if (!parsed.ok) {
    out.push(h('pre', { className: 'error-body', 'data-testid': 'error-body' }, parsed.error ?? r.bodyText));
  } else if (parsed.parseError) {
    out.push(h('p', { className: 'error-box' }, `The response could not be read: ${parsed.parseError}`));
  } else if (parsed.outputs) {
    const ranked = detectRanked(parsed.outputs);
    if (ranked) out.push(rankedTables(ranked));
    else out.push(...Object.entries(parsed.outputs).map(([name, v]) => tensorView(name, v)));
  }
  out.push(h('details', { className: 'raw-response' }, h('summary', {}, `Raw response${r.truncated ? ' (truncated at 2 MB)' : ''}`),
    h('pre', { className: 'mono', 'data-testid': 'raw-response' }, r.bodyText)));
  return out;
}

function rankedTables(t: NonNullable<ReturnType<typeof detectRanked>>): HTMLElement {
  const shown = t.instances.slice(0, MAX_RANKED_INSTANCES);
  return h('div', { className: 'ranked' },
    ...shown.map((rows, k) => h('table', { 'data-testid': 'ranked-table' },
      h('caption', {}, t.instances.length > 1 ? `Instance ${k + 1}` : `Top ${rows.length}`),
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, t.idsOutput), h('th', {}, t.scoresOutput))),
      h('tbody', {}, ...rows.map(r => h('tr', {}, h('td', { className: 'num' }, r.rank), h('td', { className: 'mono' }, r.id), h('td', { className: 'num' }, formatScore(r.score))))))),
    t.instances.length > shown.length ? h('p', { className: 'muted' }, `${t.instances.length - shown.length} more instance(s) in the raw response.`) : null);
}

function formatScore(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toFixed(4) : x.toExponential(3);
}

const MAX_MATRIX_ROWS = 100;
const MAX_MATRIX_COLS = 32;

/** A rank-2 output (instances × values) as a table: one row per instance. */
function matrixTable(name: string, m: Cell[][]): HTMLElement {
  const cols = Math.min(m[0].length, MAX_MATRIX_COLS);
  const rows = m.slice(0, MAX_MATRIX_ROWS);
  const cell = (c: Cell) => h('td', { className: typeof c === 'number' ? 'num' : 'mono' }, typeof c === 'number' ? formatScore(c) : String(c));
  return h('div', { className: 'tensor', 'data-testid': `output-${name}` }, h('h4', {}, name),
    h('table', { 'data-testid': 'matrix-table' },
      h('caption', {}, `${m.length} × ${m[0].length}`),
      h('thead', {}, h('tr', {}, h('th', {}, 'instance'), ...Array.from({ length: cols }, (_, j) => h('th', {}, cols === 1 ? name : `[${j}]`)))),
      h('tbody', {}, ...rows.map((row, i) => h('tr', {}, h('td', { className: 'num' }, i + 1), ...row.slice(0, cols).map(cell))))),
    m.length > rows.length || m[0].length > cols ? h('p', { className: 'muted' }, 'Only part of the output is shown: see the raw response.') : null);
}

function tensorView(name: string, v: unknown): HTMLElement {
  const m = asMatrix(v);
  if (m) return matrixTable(name, m);
  const text = stringifyLenient(v, Array.isArray(v) && v.length <= 50 && !v.some(Array.isArray) ? undefined : 1);
  return h('div', { className: 'tensor', 'data-testid': `output-${name}` }, h('h4', {}, name),
    h('pre', { className: 'mono' }, text.length > 20000 ? `${text.slice(0, 20000)}\n… (see the raw response)` : text));
}
