/**
 * The host side of one Test Prediction panel (one per prediction target): answers the webview's
 * messages, calls the target from the extension host with the right identity, keeps saved payloads
 * and history, copies curl, runs closed-loop benchmarks and open-loop load tests, saves reports.
 * The shared PanelHost checks every incoming message against src/protocol/predict first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import { PanelHost, panelPage, type HandleResult } from '../../common/panelHost';
import type { Session } from '../shared/session';
import { IdTokenError } from '../../gcp/idToken';
import {
  checkRequest, panelTargetOf, parseWebviewMessage, type HostMessage, type LoadTestSummary, type PanelState, type ServiceInfo, type WebviewMessage,
} from '../../protocol/predict';
import { formSchemas, type FormSchema } from '../../serving/predict/formSchema';
import { errorHint } from '../../serving/predict/hints';
import { parseLenientJson } from '../../serving/predict/lenientJson';
import { MetadataError, parseModelMetadata, type ModelMetadata } from '../../serving/predict/metadata';
import { htmlErrorText } from '../../serving/predict/response';
import { runBenchmark, runPanelLoadTest } from './benchmark';
import type { PayloadStore } from '../shared/payloadStore';
import { CallError, COLD_START_RETRY, NO_RETRY, type CallResult } from '../../serving/node/serviceClient';
import type { PredictionTarget } from './target';
import { saveReport } from '../shared/saveReport';

export interface PanelDeps {
  session: Session;
  logger: Logger;
  store: PayloadStore;
  extensionUri: vscode.Uri;
  /** Writes text to the clipboard (a parameter so tests can read what was copied). */
  clipboard?(text: string): Thenable<void>;
  /** The report's name parts for a load test of this target (service, revision, model version). */
  reportMeta?(): Promise<{ service: string; revision: string; modelVersion?: string }>;
}

/** Responses bigger than this are cut before they go to the webview. */
const BODY_TO_WEBVIEW = 2 * 1024 * 1024;
/** Requests bigger than this are sent but not kept in history. */
const HISTORY_BODY_LIMIT = 256 * 1024;

export type { HandleResult };

export class PredictPanel implements vscode.Disposable {
  readonly info: ServiceInfo;
  private metadata?: ModelMetadata;
  private schemas: FormSchema[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly host: PanelHost<WebviewMessage, HostMessage>;
  /** Every message sent to the webview (tests and the e2e harness observe it). */
  readonly onDidPost: vscode.Event<HostMessage>;
  readonly onDidDispose: vscode.Event<void>;
  /** The last open-loop run, kept until the user saves it (or runs another). */
  private lastLoadTest?: { requestId: string; summary: LoadTestSummary; markdown: string };

  constructor(readonly panel: vscode.WebviewPanel, private readonly target: PredictionTarget, private readonly deps: PanelDeps) {
    this.info = target.info;
    panel.title = `Test ${this.info.id}`;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'ml-serving.svg');
    panel.webview.html = panelPage(panel.webview, deps.extensionUri, 'predict', `Test ${this.info.id}`, { body: '<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>' });
    this.host = new PanelHost<WebviewMessage, HostMessage>(panel, {
      label: `predict panel ${this.info.id}`,
      logger: deps.logger,
      parse: parseWebviewMessage,
      dispatch: m => this.dispatch(m),
      onError: e => {
        this.log.error(e instanceof Error ? e : new Error(String(e)));
        this.post({ type: 'notice', level: 'error', text: (e as Error).message });
      },
    });
    this.onDidPost = this.host.onDidPost;
    this.onDidDispose = this.host.onDidDispose;
    this.host.onDidDispose(() => this.stop());
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** The state the webview would persist, for the serializer when nothing else was saved. */
  get initialState(): PanelState {
    return { target: panelTargetOf(this.info) };
  }

  post(m: HostMessage): void {
    this.host.post(m);
  }

  /** Checks a webview message against the protocol and acts on it. */
  handle(raw: unknown): Promise<HandleResult<WebviewMessage['type']>> {
    return this.host.handle(raw);
  }

  private async dispatch(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready': return this.onReady();
      case 'reloadMetadata': await this.loadMetadata(); return;
      case 'send': return this.send(m.requestId, m.signature, m.body);
      case 'cancel': return this.cancel(m.requestId);
      case 'copyCurl': return this.copyCurl(m.body);
      case 'savePayload': return this.savePayload(m.name, m.signature, m.body);
      case 'deletePayload': return this.deletePayload(m.name);
      case 'benchmark': return this.benchmark(m);
      case 'loadTest': return this.loadTest(m);
      case 'saveReport': await this.saveLoadTest(m.requestId); return;
    }
  }

  private async onReady(): Promise<void> {
    this.post({
      type: 'init',
      service: this.info,
      latencyTargetMs: this.deps.session.settings.latencyTargetMs,
      payloads: this.safeList(),
      history: this.deps.store.recent(this.info.name),
    });
    if (this.metadata) this.postMetadata();
    else await this.loadMetadata();
  }

  private safeList() {
    try {
      return this.deps.store.list(this.info.name);
    } catch (e) {
      this.post({ type: 'notice', level: 'error', text: (e as Error).message });
      return [];
    }
  }

  async loadMetadata(): Promise<ModelMetadata | undefined> {
    let r: CallResult;
    try {
      r = await this.target.metadata({ retry: COLD_START_RETRY, timeoutMs: 60_000 });
    } catch (e) {
      this.post({ type: 'metadataError', message: this.failureText(e), hint: this.failureHint(e) });
      return undefined;
    }
    if (r.status !== 200) {
      const error = this.errorText(r);
      this.post({ type: 'metadataError', status: r.status, message: `GET ${this.target.metadataPath} answered ${r.status}: ${error}`, hint: this.hint(r, error) });
      return undefined;
    }
    try {
      this.metadata = parseModelMetadata(parseLenientJson(r.text));
    } catch (e) {
      const msg = e instanceof MetadataError ? e.message : `the metadata is not JSON (${(e as Error).message})`;
      this.post({ type: 'metadataError', status: r.status, message: msg });
      return undefined;
    }
    this.schemas = formSchemas(this.metadata);
    this.postMetadata();
    return this.metadata;
  }

  private postMetadata(): void {
    if (!this.metadata) return;
    this.post({
      type: 'metadata', modelName: this.metadata.modelName || this.info.modelName, version: this.metadata.version, schemas: this.schemas,
      rules: { signatures: this.metadata.signatures, maxInstances: this.target.maxInstances },
    });
  }

  /** Validates a body for a signature (the same check the webview ran); posts the problems when there are any. */
  private check(requestId: string, signature: string, body: string): boolean {
    const errors = checkRequest(body, signature, this.metadata && { signatures: this.metadata.signatures, maxInstances: this.target.maxInstances });
    if (errors.length) this.post({ type: 'validation', requestId, errors });
    return errors.length === 0;
  }

  private controller(requestId: string): AbortController {
    this.running.get(requestId)?.abort();
    const c = new AbortController();
    this.running.set(requestId, c);
    return c;
  }

  async send(requestId: string, signature: string, body: string): Promise<void> {
    if (!this.check(requestId, signature, body)) return;
    const ctrl = this.controller(requestId);
    try {
      const r = await this.target.predict(body, { signal: ctrl.signal, retry: COLD_START_RETRY, timeoutMs: 120_000 });
      const error = r.status >= 200 && r.status < 300 ? undefined : this.errorText(r);
      this.post({
        type: 'response', requestId, status: r.status,
        bodyText: r.text.length > BODY_TO_WEBVIEW ? r.text.slice(0, BODY_TO_WEBVIEW) : r.text,
        truncated: r.text.length > BODY_TO_WEBVIEW,
        contentType: r.contentType, latencyMs: r.latencyMs, totalMs: r.totalMs, retries: r.retries, coldStart: r.coldStart,
        identity: r.identity, hint: error !== undefined || r.coldStart ? this.hint(r, error ?? '', signature) : undefined,
      });
      this.log.info(`predict ${this.info.id}: ${r.status} in ${r.latencyMs.toFixed(1)} ms${r.retries ? ` after ${r.retries} cold-start retr${r.retries === 1 ? 'y' : 'ies'}` : ''}`);
      if (body.length <= HISTORY_BODY_LIMIT) {
        const history = await this.deps.store.addHistory(this.info.name, { at: new Date().toISOString(), signature, body, status: r.status, latencyMs: Math.round(r.latencyMs * 10) / 10 });
        this.post({ type: 'payloads', payloads: this.safeList(), history });
      }
    } catch (e) {
      this.post({ type: 'requestFailed', requestId, message: this.failureText(e), cancelled: ctrl.signal.aborted, hint: this.failureHint(e) });
    } finally {
      if (this.running.get(requestId) === ctrl) this.running.delete(requestId);
    }
  }

  cancel(requestId: string): void {
    this.running.get(requestId)?.abort();
  }

  private errorText(r: CallResult): string {
    const t = r.text.trim();
    if (/^<(!doctype|html)/i.test(t)) return htmlErrorText(t);
    try {
      const j = parseLenientJson(t) as { error?: unknown };
      if (typeof j?.error === 'string') return j.error;
    } catch { /* not JSON: shown as it came */ }
    return t.slice(0, 2000);
  }

  private hint(r: CallResult, error: string, signature?: string): string | undefined {
    const own = r.status >= 200 && r.status < 300 ? undefined : this.target.hint?.(r.status, error);
    if (own) return own;
    const sig = signature ? this.metadata?.signatures[signature] : undefined;
    const h = errorHint({
      status: r.status, error, modelName: this.info.modelName, signature,
      inputNames: sig ? Object.keys(sig.inputs) : undefined,
      signatureNames: this.metadata ? Object.keys(this.metadata.signatures) : undefined,
      identity: r.identity, anonymous: !this.info.authenticated, serviceId: this.info.id, region: this.info.region, retries: r.retries,
    });
    if (r.coldStart && r.status >= 200 && r.status < 300) {
      return `Cold start: the service answered 503/429 while scaling from zero and succeeded after ${r.retries} retr${r.retries === 1 ? 'y' : 'ies'} (${Math.round(r.totalMs)} ms in all).`;
    }
    return h;
  }

  private failureText(e: unknown): string {
    if (e instanceof Error && e.name === 'AbortError') return 'Cancelled.';
    return (e as Error).message;
  }

  private failureHint(e: unknown): string | undefined {
    if (this.info.kind === 'endpoint' && (e instanceof CallError && e.code === 'token' || e instanceof IdTokenError || /credential|token/i.test((e as Error)?.message ?? ''))) {
      return 'The panel calls Vertex AI with your access token: sign in with "gcloud auth application-default login", then retry.';
    }
    if (e instanceof CallError && e.code === 'token' || e instanceof IdTokenError) {
      return 'The panel needs an ID token for this service: sign in with "gcloud auth application-default login" (or "gcloud auth login" for the gcloud fallback), then retry.';
    }
    if (e instanceof CallError && e.code === 'timeout') return 'No answer in time: the service may be starting (cold start) or the model is slow. Retry, or raise the service timeout.';
    if (e instanceof CallError && e.code === 'network') return `Could not reach ${this.info.uri}: check the URL and your network.`;
    return undefined;
  }

  private async copyCurl(body: string): Promise<void> {
    const text = this.target.curl(body);
    await (this.deps.clipboard ?? (t => vscode.env.clipboard.writeText(t)))(text);
    // Vertex AI takes an OAuth access token; a private Cloud Run service an ID token; a public one none.
    const token = this.info.kind === 'endpoint' ? ' (it runs gcloud auth print-access-token for the token)'
      : this.info.authenticated ? ' (it runs gcloud auth print-identity-token for the token)' : '';
    this.post({ type: 'notice', level: 'info', text: `Copied the curl command${token}.` });
  }

  private savePayload(name: string, signature: string, body: string): void {
    const saved = this.deps.store.save(this.info.name, { name, signature, body });
    this.log.info(`predict ${this.info.id}: saved payload "${saved.name}" to ${this.deps.store.where}`);
    this.post({ type: 'payloads', payloads: this.safeList(), history: this.deps.store.recent(this.info.name) });
    this.post({ type: 'notice', level: 'info', text: `Saved "${saved.name}" to ${vscode.workspace.asRelativePath(this.deps.store.where)}.` });
  }

  private deletePayload(name: string): void {
    this.deps.store.delete(this.info.name, name);
    this.post({ type: 'payloads', payloads: this.safeList(), history: this.deps.store.recent(this.info.name) });
  }

  private async benchmark(m: Extract<WebviewMessage, { type: 'benchmark' }>): Promise<void> {
    if (!this.check(m.requestId, m.signature, m.body)) return;
    const ctrl = this.controller(m.requestId);
    try {
      const result = await runBenchmark({
        count: m.count,
        concurrency: m.concurrency,
        targetMs: this.deps.session.settings.latencyTargetMs,
        signal: ctrl.signal,
        send: async signal => {
          const r = await this.target.predict(m.body, { signal, retry: NO_RETRY, timeoutMs: 60_000 });
          return { status: r.status, latencyMs: r.latencyMs };
        },
        probe: m.probeColdStart ? async signal => {
          const r = await this.target.predict(m.body, { signal, retry: COLD_START_RETRY, timeoutMs: 120_000 });
          return { status: r.status, totalMs: r.totalMs, retries: r.retries };
        } : undefined,
        onProgress: (done, total, phase) => this.post({ type: 'benchmarkProgress', requestId: m.requestId, done, total, phase }),
      });
      this.post({ type: 'benchmarkResult', requestId: m.requestId, result });
      const s = result.stats;
      this.log.info(`benchmark ${this.info.id}: ${result.completed}/${result.count} at ${m.concurrency}, ${result.errors} errors${s ? `, p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} p99 ${s.p99.toFixed(1)} max ${s.max.toFixed(1)} ms` : ''}`);
    } catch (e) {
      this.post({ type: 'requestFailed', requestId: m.requestId, message: this.failureText(e), cancelled: ctrl.signal.aborted, hint: this.failureHint(e) });
    } finally {
      if (this.running.get(m.requestId) === ctrl) this.running.delete(m.requestId);
    }
  }

  private async loadTest(m: Extract<WebviewMessage, { type: 'loadTest' }>): Promise<void> {
    // The mix: the saved payloads named, read from the store (the webview sends names, not bodies); none named, the editor's body.
    const saved = this.safeList();
    const missing = m.mix.find(name => !saved.some(x => x.name === name));
    if (missing !== undefined) {
      this.post({ type: 'requestFailed', requestId: m.requestId, message: `loadTest.mix: no saved payload named "${missing}"`, cancelled: false });
      return;
    }
    const mix = m.mix.length ? m.mix.map(name => saved.find(x => x.name === name)!) : [{ name: '', signature: m.signature, body: m.body }];
    for (const p of mix) if (!this.check(m.requestId, p.signature, p.body)) return;
    const ctrl = this.controller(m.requestId);
    try {
      const run = await runPanelLoadTest({
        rate: m.rate, durationSec: m.durationSec, targetMs: m.targetMs, probe: m.probeColdStart, seed: Date.now() >>> 0,
        bodies: mix.map(p => p.body), signal: ctrl.signal,
        send: (body, signal, retry) => this.target.predict(body, { signal, retry: retry ? COLD_START_RETRY : NO_RETRY, timeoutMs: 60_000 }),
        onProgress: (phase, sent, scheduled) => this.post({ type: 'loadTestProgress', requestId: m.requestId, phase, sent, scheduled }),
      });
      const summary: LoadTestSummary = {
        rate: m.rate, durationSec: m.durationSec, mix: m.mix, report: run.report, coldStart: run.coldStart,
        points: run.points, pointsOmitted: run.pointsOmitted, cancelled: ctrl.signal.aborted,
      };
      this.lastLoadTest = { requestId: m.requestId, summary, markdown: run.markdown(this.info.id) };
      this.post({ type: 'loadTestResult', requestId: m.requestId, result: summary });
      const r = run.report;
      this.log.info(`load test ${this.info.id}: ${r.completed}/${r.scheduled} at ${m.rate}/s for ${m.durationSec} s, ${r.errors} errors, goodput ${(r.goodput * 100).toFixed(1)}%`);
    } catch (e) {
      this.post({ type: 'requestFailed', requestId: m.requestId, message: this.failureText(e), cancelled: ctrl.signal.aborted, hint: this.failureHint(e) });
    } finally {
      if (this.running.get(m.requestId) === ctrl) this.running.delete(m.requestId);
    }
  }

  /** Writes the last open-loop run as a report (JSON + markdown) in .vscode/ml-serving/reports/. */
  async saveLoadTest(requestId: string): Promise<{ json: string; md: string }> {
    const last = this.lastLoadTest;
    if (!last || last.requestId !== requestId) throw new Error('That load test is no longer held: run it again to save it.');
    const meta = this.deps.reportMeta ? await this.deps.reportMeta() : { service: this.info.id, revision: 'unknown' };
    const { rate, durationSec, mix, report, coldStart } = last.summary;
    const files = saveReport({ kind: 'load-test', ...meta, savedAt: new Date().toISOString() }, { rate, durationSec, mix, ...report, coldStart, source: 'panel' }, last.markdown);
    this.log.info(`load test ${this.info.id}: saved ${files.json}`);
    this.post({ type: 'notice', level: 'info', text: `Saved ${path.basename(files.json)} and ${path.basename(files.md)} in .vscode/ml-serving/reports.` });
    return files;
  }

  /** The identity the last token was for (never the token). */
  get identity(): string | undefined {
    return this.target.identity;
  }

  private stop(): void {
    for (const c of this.running.values()) c.abort();
    this.running.clear();
    this.target.dispose();
  }

  dispose(): void {
    this.host.dispose();
  }
}
