import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { confirmedToken } from '../../common/chatConfirmation';
import { ValidationError } from '../../common/errors';
import { tagConfirmation } from '../../operations/compare';
import type { CompareSummary } from '../../serving/compare/metrics';
import { tagsFor } from '../../serving/compare/tags';
import { CommandIds } from '../../serving/commandIds';
import { idOf } from '../../serving/resourceNames';
import { fileStore, REQUESTS_FILE, stateStore } from '../shared/payloadStore';
import type { Session } from '../shared/session';
import { parseCompareInput, type CompareInput } from './compareInput';
import { Shown, text } from './tool';

export const COMPARE_TOOL = 'mlServing_compare';

const root = () => vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file')?.uri.fsPath;

function parse(input: unknown): CompareInput {
  const p = parseCompareInput(input, root());
  if (p.requests && !existsSync(p.requests)) throw new ValidationError('requests', `${p.requests} does not exist`);
  return p;
}

/**
 * The checks the command would make with a picker or a notification (which a model never sees):
 * the service exists, a and b are ready revisions, and there are requests to send.
 */
async function check(session: Session, context: vscode.ExtensionContext, p: CompareInput) {
  const cloud = await session.cloud();
  const s = await cloud.run.getService(p.service);
  if (!s) throw new ValidationError('service', `${p.service} does not exist`);
  const ready = (await cloud.run.listRevisions(s.name)).filter(r => r.state === 'ready').map(r => r.id);
  for (const field of ['a', 'b'] as const) {
    if (!ready.includes(p[field])) throw new ValidationError(field, `"${p[field]}" is not a ready revision of ${s.id} (ready: ${ready.join(', ') || 'none'})`);
  }
  if (!p.requests) {
    const folder = root();
    const store = folder ? fileStore(path.join(folder, REQUESTS_FILE)) : stateStore(context.workspaceState);
    if (!(store.read().services[s.name] ?? []).length) throw new ValidationError('requests', `${s.id} has no saved payloads (save some in Test Prediction, or pass a .jsonl file of request bodies)`);
  }
  return s;
}

const pct = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
const lat = (l: CompareSummary['latencyA']) => (l ? `p50 ${Math.round(l.p50)} ms, p99 ${Math.round(l.p99)} ms` : 'n/a');

/** The totals a model can reason on: no per-request rows, no URLs with tokens. */
export function compareSummaryText(service: string, a: string, b: string, s: CompareSummary): string[] {
  const m = s.maxScoreChange;
  return [
    s.verdict,
    `${idOf(service)}: ${a} (A) vs ${b} (B), ${s.requests} requests, ${s.instances} instances, K=${s.k}`,
    `recall@${s.k}: ${pct(s.recall)}; Jaccard@${s.k}: ${pct(s.jaccard)}; rank correlation (Spearman): ${pct(s.spearman)}`,
    `largest score change: ${m ? `${m.id} ${m.a} → ${m.b} (Δ ${m.delta}) in ${m.request}` : 'n/a'}`,
    `errors: A ${s.errorsA}, B ${s.errorsB}`,
    `latency A: ${lat(s.latencyA)}; latency B: ${lat(s.latencyB)}`,
  ];
}

/**
 * Compares two revisions on the same requests by running the Serving view's "Compare with…"
 * command (its checks, lock and the shared core in src/operations/compare.ts). Read-only unless
 * a revision lacks a tag: then prepareInvocation asks with the command's own tag confirmation
 * and invoke passes a token for exactly that text.
 */
export function compareTool(session: Session, context: vscode.ExtensionContext, shown = new Shown()): vscode.LanguageModelTool<unknown> {
  return {
    async prepareInvocation(options) {
      const p = parse(options.input);
      const s = await check(session, context, p);
      const plan = tagsFor(s, [p.a, p.b]);
      const invocationMessage = `Comparing ${p.a} with ${p.b} on ${s.id}`;
      if (!plan.traffic) return { invocationMessage };
      const ask = tagConfirmation(s, plan.added, p.a, p.b);
      shown.remember(options.input, `${ask.question}\n${ask.detail}`);
      return { invocationMessage, confirmationMessages: { title: ask.question, message: ask.detail } };
    },
    async invoke(options) {
      const p = parse(options.input);
      const t = shown.take(options.input);
      await check(session, context, p);
      const opts: Record<string, unknown> = { a: p.a, b: p.b, save: false };
      if (p.requests) opts.requests = p.requests;
      // No confirmation shown for this input: no token, so the command asks with its own modal if tags are missing.
      if (t !== undefined) opts.confirmed = confirmedToken(t);
      const r = await vscode.commands.executeCommand<{ summary: CompareSummary } | undefined>(CommandIds.compare, { service: p.service }, opts);
      if (!r) return text(`The comparison of ${p.a} and ${p.b} did not run (declined, or refused: see the notification in VS Code). Nothing was changed.`);
      return text(...compareSummaryText(p.service, p.a, p.b, r.summary));
    },
  };
}
