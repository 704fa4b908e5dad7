/**
 * "Compare with…" on a revision row: the same requests (the service's saved payloads, or a JSONL
 * file of request bodies) go to both revisions through Cloud Run tag URLs, and a read-only
 * markdown report shows per-request and total overlap of the top-K ids, rank correlation, the
 * largest score change, errors and latency, with one verdict. Tags missing are added after a
 * confirmation that says no traffic moves; Promote / Roll Back go through the existing commands.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import { chatDecision } from '../../../common/chatConfirmation';
import { compareRevisions as compareOperation, requestsFromJsonl } from '../../../operations/compare';
import type { CompareSummary, RequestRow } from '../../../serving/compare/metrics';
import { revisionTarget } from '../../shared/targets';
import { fileStore, REQUESTS_FILE, stateStore } from '../../shared/payloadStore';
import { applyTraffic, pickRevision, serviceOf, type TrafficDeps } from '../trafficChange';
import * as path from 'node:path';
import { saveReport } from '../../shared/saveReport';
import { SERVICE_LABELS } from '../../../serving/deploy/serviceLabels';
import { CommandIds } from '../../../serving/commandIds';

export const COMPARE_SCHEME = 'mlserving-compare';
const MAX_REQUESTS = 500;

interface Options {
  a?: unknown;
  b?: unknown;
  /** Path of a JSONL file of request bodies (instead of the saved payloads). */
  requests?: unknown;
  k?: unknown;
  confirmed?: unknown;
  /** Save the comparison as a report in the workspace without asking. */
  save?: unknown;
}

export interface CompareResult {
  service: string;
  a: string;
  b: string;
  rows: RequestRow[];
  summary: CompareSummary;
  report: string;
  saved?: { json: string; md: string };
}

/** Holds the reports (read-only virtual documents). */
export class CompareReports implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }
  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${name}.md` });
    this.docs.set(uri.path, text);
    this.changed.fire(uri);
    return uri;
  }
}

function readRequests(context: vscode.ExtensionContext, service: string, file: unknown): Array<{ name: string; body: string }> {
  if (file !== undefined) {
    if (typeof file !== 'string') throw new ValidationError('requests', 'expected the path of a JSONL file');
    return requestsFromJsonl(readFileSync(file, 'utf8'));
  }
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  const store = folder ? fileStore(path.join(folder.uri.fsPath, REQUESTS_FILE)) : stateStore(context.workspaceState);
  return (store.read().services[service] ?? []).map(p => ({ name: p.name, body: p.body }));
}

export function compareRevisions(d: TrafficDeps, context: vscode.ExtensionContext, reports: CompareReports) {
  return async (arg?: unknown, opts: Options = {}): Promise<CompareResult> => {
    const service = await serviceOf(d, arg, 'Compare revisions: pick a service');
    const cloud = await d.session.cloud();
    const ready = (await cloud.run.listRevisions(service.name)).filter(r => r.state === 'ready').map(r => r.id);
    const named = (v: unknown, field: string) => {
      if (typeof v !== 'string' || !ready.includes(v)) throw new ValidationError(field, `${JSON.stringify(v)} is not a ready revision of ${service.id} (ready: ${ready.join(', ')})`);
      return v;
    };
    const row = revisionTarget(arg);
    const a = row ? row.revision.id : opts.a !== undefined ? named(opts.a, 'a')
      : (await pickRevision(d, service, 'Compare: revision A (the reference)', r => r.state === 'ready')).id;
    const b = opts.b !== undefined ? named(opts.b, 'b') : (await pickRevision(d, service, `Compare ${a} with…`, r => r.state === 'ready' && r.id !== a)).id;
    if (a === b) throw new ValidationError('b', 'pick a different revision than A');
    if (opts.save !== undefined && typeof opts.save !== 'boolean') throw new ValidationError('save', 'expected true or false');
    let k = 10;
    if (opts.k !== undefined) {
      if (typeof opts.k !== 'number' || !Number.isInteger(opts.k) || opts.k < 1 || opts.k > 1000) throw new ValidationError('k', 'expected an integer from 1 to 1000');
      k = opts.k;
    }

    let requests = readRequests(context, service.name, opts.requests);
    if (!requests.length && opts.requests === undefined) {
      const pick = await vscode.window.showOpenDialog({ title: `No saved payloads for ${service.id}: pick a JSONL file of request bodies`, filters: { 'JSON lines': ['jsonl', 'ndjson'] }, canSelectMany: false });
      if (!pick?.length) throw new CancelledError();
      requests = readRequests(context, service.name, pick[0].fsPath);
    }
    if (!requests.length) throw new UserError('No requests to compare with.', 'Save payloads in Test Prediction or pass a JSONL file.');
    if (requests.length > MAX_REQUESTS) throw new ValidationError('requests', `${requests.length} requests; at most ${MAX_REQUESTS} per comparison`);

    // The shared comparison (src/operations/compare.ts): tags after a modal, then the requests,
    // with a cancellable notification from the first request on (not under the modal).
    const ac = new AbortController();
    let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let finish: (() => void) | undefined;
    const onProgress = (i: number, n: number) => {
      if (!finish) {
        const done = new Promise<void>(r => (finish = r));
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${a} with ${b}`, cancellable: true }, (p, token) => {
          progress = p;
          token.onCancellationRequested(() => ac.abort());
          p.report({ message: `${i}/${n}`, increment: 100 / n });
          return done;
        });
        return;
      }
      progress?.report({ message: `${i}/${n}`, increment: 100 / n });
    };
    let outcome;
    try {
      outcome = await compareOperation(cloud.apis, service, a, b, requests, k, {
        confirmTags: async (question, detail) => {
          // A chat token confirms exactly this text (the compare tool showed it); else the modal.
          const chat = chatDecision(opts.confirmed, `${question}\n${detail}`);
          if (chat === 'preview') return false;
          return chat === 'confirmed' || (opts.confirmed === true && unattendedAllowed())
            || (await vscode.window.showWarningMessage(question, { modal: true, detail }, 'Add Tags')) === 'Add Tags';
        },
        writeTraffic: (s, traffic) => applyTraffic(d, s, traffic, `Tagging ${a} and ${b}`),
        progress: onProgress,
        signal: ac.signal,
      });
    } finally {
      finish?.();
    }
    const { rows, summary, report, current } = outcome;
    const uri = reports.put(`${service.id}-${a}-vs-${b}`, report);
    await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, async () => vscode.window.showTextDocument(uri, { preview: true }));

    const save = () => saveReport({
      kind: 'comparison', service: service.id, revision: b, against: a,
      modelVersion: current.labels[SERVICE_LABELS.modelVersion] || current.env.MODEL_VERSION || undefined, savedAt: new Date().toISOString(),
    }, { a, b, k, rows, summary }, report);
    if (opts.save === true) return { service: service.name, a, b, rows, summary, report, saved: save() };

    // Actions go through the traffic commands and their own confirmations.
    const toB = `Send all traffic to ${b}`, toA = `Roll back to ${a}`, keep = 'Save Report';
    void vscode.window.showInformationMessage(summary.verdict, toB, toA, keep).then(choice => {
      if (choice === keep) {
        try {
          const f = save();
          void vscode.window.showInformationMessage(`Saved ${path.basename(f.json)} and ${path.basename(f.md)} in .vscode/ml-serving/reports.`);
        } catch (e) {
          void vscode.window.showErrorMessage(`Could not save the report: ${(e as Error).message}`);
        }
      }
      if (choice === toB) void vscode.commands.executeCommand(CommandIds.rollback, { service: service.name }, { revision: b });
      if (choice === toA) void vscode.commands.executeCommand(CommandIds.rollback, { service: service.name }, { revision: a });
    });
    return { service: service.name, a, b, rows, summary, report };
  };
}
