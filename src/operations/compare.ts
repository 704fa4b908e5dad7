/**
 * Comparing two revisions of a service, once, for the extension and the CLI: the same requests go
 * to both through Cloud Run tag URLs (tags added after a confirmation; adding one moves no
 * traffic), and the answers' top-K ids, scores, errors and latency are compared into a summary
 * with one verdict and a markdown report. No vscode.
 */
import { CancelledError, UserError, ValidationError } from '../common/errors';
import { compareRequest, rankingsFromResponse, summarize, type CompareSummary, type RequestRow, type SideResult } from '../serving/compare/metrics';
import { renderCompareReport } from '../serving/compare/report';
import { tagsFor, tagUrl } from '../serving/compare/tags';
import { describeMoves, trafficMoves } from '../serving/deploy/traffic';
import type { CloudRunService, TrafficTarget } from '../serving/domain';
import type { OperationApis } from './ports';

export const MAX_COMPARE_REQUESTS = 500;

export interface CompareRequest {
  name: string;
  body: string;
}

/** Request bodies from JSONL text, one JSON object per line; a bad line is named. */
export function requestsFromJsonl(text: string): CompareRequest[] {
  const lines = text.split('\n').map(l => l.trim()).filter(Boolean);
  return lines.map((line, i) => {
    try {
      JSON.parse(line);
    } catch (e) {
      throw new ValidationError(`requests line ${i + 1}`, `not JSON (${(e as Error).message})`);
    }
    return { name: `line ${i + 1}`, body: line };
  });
}

export interface CompareApis extends OperationApis {
  readonly idTokens: { get(audience: string): Promise<{ token: string }> };
}

export interface CompareHooks {
  /** Tags are missing: confirm adding them (no traffic moves). False refuses. */
  confirmTags(question: string, detail: string): Promise<boolean>;
  /** Writes the tags (the extension does it under the service's lock with the row busy). */
  writeTraffic?(service: CloudRunService, traffic: TrafficTarget[]): Promise<CloudRunService>;
  progress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface CompareOutcome {
  service: string;
  a: string;
  b: string;
  rows: RequestRow[];
  summary: CompareSummary;
  report: string;
  /** The service after tagging (its labels and env name the model version). */
  current: CloudRunService;
}

/** The confirmation for adding tags; the chat tool shows the very same text before it runs. */
export function tagConfirmation(service: CloudRunService, added: string[], a: string, b: string): { question: string; detail: string } {
  return {
    question: `Add tag${added.length > 1 ? 's' : ''} ${added.join(', ')} to ${service.id} to reach ${a} and ${b}?`,
    detail: `Traffic of ${service.id}: no traffic moves. A tag gives a revision its own URL; the comparison sends its requests there.`,
  };
}

export async function compareRevisions(apis: CompareApis, service: CloudRunService, a: string, b: string, requests: CompareRequest[], k: number, hooks: CompareHooks): Promise<CompareOutcome> {
  if (!requests.length) throw new UserError('No requests to compare with.', 'Save payloads in Test Prediction or pass a JSONL file.');
  if (requests.length > MAX_COMPARE_REQUESTS) throw new ValidationError('requests', `${requests.length} requests; at most ${MAX_COMPARE_REQUESTS} per comparison`);
  let current = service;
  const plan = tagsFor(current, [a, b]);
  if (plan.traffic) {
    const moves = trafficMoves(current, plan.traffic);
    if (moves.length) throw new Error(`internal: adding tags would move traffic (${describeMoves(moves)}); nothing was changed`);
    const ask = tagConfirmation(service, plan.added, a, b);
    const ok = await hooks.confirmTags(ask.question, ask.detail);
    if (!ok) throw new CancelledError();
    current = hooks.writeTraffic ? await hooks.writeTraffic(current, plan.traffic) : await apis.runWrite.setTraffic(current.name, plan.traffic, hooks.signal);
  }
  const urls = { a: tagUrl(current, plan.tags[a]), b: tagUrl(current, plan.tags[b]) };
  if (!urls.a || !urls.b) throw new UserError(`Cloud Run gave no URL for tag ${!urls.a ? plan.tags[a] : plan.tags[b]} of ${service.id}.`, 'Refresh and try again once the service is ready.');
  const modelName = current.env.MODEL_NAME || 'model';
  const tokens = current.invokerIamDisabled ? undefined : apis.idTokens;

  const send = async (url: string, body: string): Promise<SideResult> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // The service URL is the audience Cloud Run checks, for its tag URLs too.
    if (tokens) headers.authorization = `Bearer ${(await tokens.get(current.uri!)).token}`;
    const t0 = performance.now();
    try {
      const r = await fetch(`${url}/v1/models/${encodeURIComponent(modelName)}:predict`, { method: 'POST', headers, body, signal: AbortSignal.timeout(60_000) });
      const text = await r.text();
      const ms = performance.now() - t0;
      if (!r.ok) return { ms, error: `HTTP ${r.status}: ${text.slice(0, 200)}` };
      return { ms, rankings: rankingsFromResponse(JSON.parse(text)) };
    } catch (e) {
      return { ms: performance.now() - t0, error: (e as Error).message };
    }
  };
  const rows: RequestRow[] = [];
  for (const [i, r] of requests.entries()) {
    if (hooks.signal?.aborted) throw new CancelledError();
    hooks.progress?.(i + 1, requests.length);
    // Alternate who goes first so neither side always pays for a cold connection.
    let ra: SideResult, rb: SideResult;
    if (i % 2) {
      rb = await send(urls.b, r.body);
      ra = await send(urls.a, r.body);
    } else {
      ra = await send(urls.a, r.body);
      rb = await send(urls.b, r.body);
    }
    rows.push(compareRequest(r.name, ra, rb, k));
  }
  const summary = summarize(rows, k, { a, b });
  return { service: service.name, a, b, rows, summary, report: renderCompareReport(service.id, a, b, rows, summary), current };
}
