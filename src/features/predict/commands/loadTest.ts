/**
 * "Open-loop Load Test": the service's saved payloads sent at a Poisson rate for a duration, each
 * when due whatever the earlier answers are doing; a markdown summary (p50/p95/p99, throughput,
 * errors, goodput under the latency target, latency over time). Asks first: it is real traffic.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import type { Session } from '../../shared/session';
import { unattendedAllowed } from '../../../common/unattended';
import type { CloudRunService } from '../../../serving/domain';
import { openLoopReport, poissonSchedule, runOpenLoop, type OpenLoopReport } from '../../../serving/predict/openLoop';
import { renderOpenLoopReport } from '../../../serving/predict/openLoopReport';
import { pickService } from '../../shared/pickService';
import { saveReport } from '../../shared/saveReport';
import { servingRevisions } from '../../../serving/reports/savedReport';
import { coldStartLine, coldStartResult, type ColdStart } from '../../../serving/predict/coldStart';
import { SERVICE_LABELS } from '../../../serving/deploy/serviceLabels';
import { fileStore, REQUESTS_FILE, stateStore } from '../../shared/payloadStore';

interface Options { rate?: unknown; durationSec?: unknown; targetMs?: unknown; seed?: unknown; confirmed?: unknown; /** Save the run as a report without asking. */ save?: unknown }

const num = (v: unknown, field: string, min: number, max: number): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new ValidationError(field, `expected a number from ${min} to ${max}`);
  return n;
};

async function ask(v: unknown, field: string, prompt: string, value: string, min: number, max: number): Promise<number> {
  if (v !== undefined) return num(v, field, min, max);
  const s = await vscode.window.showInputBox({ title: 'Open-loop Load Test', prompt, value, validateInput: x => { try { num(x, field, min, max); return undefined; } catch (e) { return (e as Error).message; } } });
  if (s === undefined) throw new CancelledError();
  return num(s, field, min, max);
}

export function loadTest(session: Session, context: vscode.ExtensionContext) {
  return async (arg?: unknown, opts: Options = {}): Promise<{ report: OpenLoopReport; coldStart: ColdStart; text: string; saved?: { json: string; md: string } }> => {
    const cloud = await session.cloud();
    let service: CloudRunService;
    const given = (arg as { service?: unknown } | undefined)?.service;
    if (arg === undefined) service = await pickService(session, 'Open-loop Load Test');
    else if (typeof given === 'string' || (typeof given === 'object' && given !== null && typeof (given as CloudRunService).name === 'string')) {
      const name = typeof given === 'string' ? given : (given as CloudRunService).name;
      const found = await cloud.run.getService(name);
      if (!found) throw new UserError(`Service ${name} does not exist.`);
      service = found;
    } else throw new ValidationError('service', 'run this on a service in the Serving view or pass {service: "projects/P/locations/R/services/S"}');
    if (!service.uri) throw new UserError(`${service.id} has no URL yet: wait until it is ready.`);
    const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
    const store = folder ? fileStore(path.join(folder.uri.fsPath, REQUESTS_FILE)) : stateStore(context.workspaceState);
    const payloads = store.read().services[service.name] ?? [];
    if (!payloads.length) throw new UserError(`No saved payloads for ${service.id}.`, 'Save payloads in Test Prediction first; the load test sends them as its mix.');

    if (opts.save !== undefined && typeof opts.save !== 'boolean') throw new ValidationError('save', 'expected true or false');
    const rate = await ask(opts.rate, 'rate', 'Requests per second (Poisson arrivals)', '5', 0.1, 200);
    const durationSec = await ask(opts.durationSec, 'durationSec', 'Duration in seconds', '30', 1, 600);
    const targetMs = await ask(opts.targetMs, 'targetMs', 'Latency target in ms (goodput = share answered within it)', '300', 1, 60_000);
    const seed = opts.seed === undefined ? Date.now() : num(opts.seed, 'seed', 0, 2 ** 32 - 1);
    const schedule = poissonSchedule({ ratePerSec: rate, durationMs: durationSec * 1000, seed, weights: payloads.map(() => 1) });
    if (!(opts.confirmed === true && unattendedAllowed())) {
      const ok = await vscode.window.showWarningMessage(`Send ${schedule.length + 1} requests to ${service.id} over ${durationSec} s?`, {
        modal: true, detail: `One first request timed alone (the cold-start probe), then about ${rate} requests/s, the mix of its ${payloads.length} saved payload${payloads.length === 1 ? '' : 's'}. This is real traffic: it scales the service and is billed.`,
      }, 'Start');
      if (ok !== 'Start') throw new CancelledError();
    }
    const tokens = service.invokerIamDisabled ? undefined : cloud.apis.idTokens;
    const url = `${service.uri}/v1/models/${encodeURIComponent(service.env.MODEL_NAME || 'model')}:predict`;
    const post = async (i: number): Promise<{ ok: boolean; error?: string }> => {
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (tokens) headers.authorization = `Bearer ${(await tokens.get(service.uri!)).token}`;
        const r = await fetch(url, { method: 'POST', headers, body: payloads[i].body, signal: AbortSignal.timeout(60_000) });
        await r.arrayBuffer();
        return r.ok ? { ok: true } : { ok: false, error: `HTTP ${r.status}` };
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    };
    // Whether the revision can scale to zero decides whether a cold start can happen at all.
    const minInstances = (await cloud.apis.runWrite.read(service.name).catch(() => undefined))?.spec.scaling.minInstances;
    const { probe, result } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Load test: ${service.id}`, cancellable: true }, async (_p, cancel) => {
      // The probe goes alone, before the run: the first request is the one a cold start delays.
      const t0 = performance.now();
      const first = await post(0);
      const probe = { ...first, ms: performance.now() - t0 };
      const result = await runOpenLoop(schedule, {
        now: () => performance.now(),
        sleep: ms => new Promise(r => setTimeout(r, ms)),
        cancelled: () => cancel.isCancellationRequested,
        send: async i => (await post(i)).ok,
      });
      return { probe, result };
    });
    const report = openLoopReport(result.samples, schedule.length, result.runMs, targetMs);
    const coldStart = coldStartResult({ minInstances: typeof minInstances === 'number' ? minInstances : undefined, firstMs: probe.ms, firstOk: probe.ok, firstError: probe.error, warmP50: report.latency?.p50 });
    const text = renderOpenLoopReport(service.id, rate, durationSec * 1000, report, [coldStartLine(coldStart)]);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: true });
    // Named after what was measured, so two runs can be set side by side later.
    const save = () => saveReport({
      kind: 'load-test', service: service.id, revision: servingRevisions(service.trafficStatuses, service.latestReadyRevision),
      modelVersion: service.labels[SERVICE_LABELS.modelVersion] || service.env.MODEL_VERSION || undefined, savedAt: new Date().toISOString(),
    }, { rate, durationSec, seed, ...report, coldStart }, text);
    if (opts.save === true) return { report, coldStart, text, saved: save() };
    void vscode.window.showInformationMessage(`Load test of ${service.id}: goodput ${(report.goodput * 100).toFixed(1)}%, ${report.errors} error${report.errors === 1 ? '' : 's'}.`, 'Save Report').then(choice => {
      if (choice !== 'Save Report') return;
      try {
        const f = save();
        void vscode.window.showInformationMessage(`Saved ${path.basename(f.json)} and ${path.basename(f.md)} in .vscode/ml-serving/reports.`);
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not save the report: ${(e as Error).message}`);
      }
    });
    return { report, coldStart, text };
  };
}
