/**
 * The host side of one Test Prediction panel (one per service): answers the webview's messages,
 * calls the service from the extension host with the right identity, keeps saved payloads and
 * history, copies curl, runs benchmarks. Every incoming message is checked against the protocol
 * first; anything else is dropped and logged.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import type { Session } from '../../common/session';
import { IdTokenError, loopbackUrlProblem, type IdTokens } from '../../gcp/idToken';
import {
  parseWebviewMessage, type HostMessage, type PanelState, type ServiceInfo, type WebviewMessage,
} from '../../protocol/predict';
import type { CloudRunService } from '../../serving/domain';
import { curlCommand } from '../../serving/predict/curl';
import { formSchemas, type FormSchema } from '../../serving/predict/formSchema';
import { errorHint } from '../../serving/predict/hints';
import { parseLenientJson } from '../../serving/predict/lenientJson';
import { MetadataError, parseModelMetadata, type ModelMetadata } from '../../serving/predict/metadata';
import { metadataPath, predictPath } from '../../serving/predict/request';
import { htmlErrorText } from '../../serving/predict/response';
import { NATIVE_MAX_INSTANCES, utf8Length, validatePredictRequest, type FieldError } from '../../serving/predict/validate';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import { runBenchmark } from './benchmark';
import { panelHtml } from './html';
import type { PayloadStore } from './payloadStore';
import { CallError, COLD_START_RETRY, NO_RETRY, ServiceClient, type CallOptions, type CallResult } from './serviceClient';
import { serviceInfo } from './serviceInfo';

export interface PanelDeps {
  session: Session;
  logger: Logger;
  store: PayloadStore;
  extensionUri: vscode.Uri;
  /** ID tokens for the session's current credentials. */
  tokens(): Promise<IdTokens>;
  /** Writes text to the clipboard (a parameter so tests can read what was copied). */
  clipboard?(text: string): Thenable<void>;
}

/** Responses bigger than this are cut before they go to the webview. */
const BODY_TO_WEBVIEW = 2 * 1024 * 1024;
/** Requests bigger than this are sent but not kept in history. */
const HISTORY_BODY_LIMIT = 256 * 1024;

/** Another place the model serves (a Vertex AI endpoint): answers the panel's calls and builds its curl. */
export interface PredictionTarget {
  call(c: CallOptions): Promise<CallResult>;
  curl(body: string): string;
}

export type HandleResult = { accepted: true; type: WebviewMessage['type'] } | { accepted: false; error: string };

export class PredictPanel implements vscode.Disposable {
  readonly info: ServiceInfo;
  private client?: Pick<ServiceClient, 'call' | 'dispose'>;
  private metadata?: ModelMetadata;
  private schemas: FormSchema[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<HostMessage>();
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  /** Every message sent to the webview (tests and the e2e harness observe it). */
  readonly onDidPost = this.posted.event;
  readonly onDidDispose = this.disposedEmitter.event;
  private disposed = false;
  private lastIdentity?: string;

  /** The native TF Serving image refuses requests over max_batch_size instances: said before sending. */
  private readonly maxInstances?: number;

  constructor(readonly panel: vscode.WebviewPanel, service: CloudRunService, private readonly deps: PanelDeps, private readonly target?: PredictionTarget) {
    this.info = serviceInfo(service);
    if (service.labels[SERVICE_LABELS.container] === 'native') this.maxInstances = NATIVE_MAX_INSTANCES;
    panel.title = `Test ${service.id}`;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'ml-serving.svg');
    panel.webview.html = panelHtml(panel.webview, deps.extensionUri, `Test ${service.id}`);
    this.disposables.push(
      this.posted, this.disposedEmitter,
      panel.webview.onDidReceiveMessage(m => void this.handle(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** The state the webview would persist, for the serializer when nothing else was saved. */
  get initialState(): PanelState {
    return { serviceName: this.info.name };
  }

  post(m: HostMessage): void {
    if (this.disposed) return;
    this.posted.fire(m);
    void this.panel.webview.postMessage(m);
  }

  /** Checks a webview message against the protocol and acts on it. */
  async handle(raw: unknown): Promise<HandleResult> {
    const parsed = parseWebviewMessage(raw);
    if ('error' in parsed) {
      this.log.warn(`predict panel ${this.info.id}: dropped a webview message: ${parsed.error}`);
      return { accepted: false, error: parsed.error };
    }
    const m = parsed.message;
    try {
      await this.dispatch(m);
    } catch (e) {
      this.log.error(e instanceof Error ? e : new Error(String(e)));
      this.post({ type: 'notice', level: 'error', text: (e as Error).message });
    }
    return { accepted: true, type: m.type };
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

  private async serviceClient(): Promise<Pick<ServiceClient, 'call' | 'dispose'>> {
    if (this.client) return this.client;
    if (this.target) return (this.client = { call: c => this.target!.call(c), dispose: () => undefined });
    if (!this.info.uri) throw new CallError(`Service ${this.info.id} has no URL yet: wait until it is ready.`, 'network');
    const tokens = this.info.authenticated ? await this.deps.tokens() : undefined;
    this.client = new ServiceClient({
      url: this.info.uri,
      authenticated: this.info.authenticated,
      tokens: tokens && {
        get: async aud => {
          const t = await tokens.get(aud);
          this.lastIdentity = t.identity;
          return t;
        },
        invalidate: aud => tokens.invalidate(aud),
      },
      userAgent: 'ml-serving-vscode/predict',
      urlProblem: this.deps.session.usesEmulator ? loopbackUrlProblem : undefined,
    });
    return this.client;
  }

  async loadMetadata(): Promise<ModelMetadata | undefined> {
    let r: CallResult;
    try {
      const client = await this.serviceClient();
      r = await client.call({ method: 'GET', path: metadataPath(this.info.modelName), retry: COLD_START_RETRY, timeoutMs: 60_000 });
    } catch (e) {
      this.post({ type: 'metadataError', message: this.failureText(e), hint: this.failureHint(e) });
      return undefined;
    }
    if (r.status !== 200) {
      const error = this.errorText(r);
      this.post({ type: 'metadataError', status: r.status, message: `GET ${metadataPath(this.info.modelName)} answered ${r.status}: ${error}`, hint: this.hint(r, error) });
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
    this.post({ type: 'metadata', modelName: this.metadata.modelName || this.info.modelName, version: this.metadata.version, schemas: this.schemas });
  }

  /** Parses and validates a body for a signature; posts the problems when there are any. */
  private check(requestId: string, signature: string, body: string): boolean {
    let json: unknown;
    const errors: FieldError[] = [];
    try {
      json = parseLenientJson(body);
    } catch (e) {
      errors.push({ field: 'body', message: (e as Error).message });
    }
    if (!errors.length) {
      const sig = this.metadata?.signatures[signature];
      if (this.metadata && !sig) errors.push({ field: 'signature_name', message: `the model has no signature "${signature}"` });
      errors.push(...validatePredictRequest(json, sig, { sizeBytes: utf8Length(body), signature, maxInstances: this.maxInstances }));
    }
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
      const client = await this.serviceClient();
      const r = await client.call({ method: 'POST', path: predictPath(this.info.modelName), body, signal: ctrl.signal, retry: COLD_START_RETRY, timeoutMs: 120_000 });
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
    if (e instanceof CallError && e.code === 'token' || e instanceof IdTokenError) {
      return 'The panel needs an ID token for this service: sign in with "gcloud auth application-default login" (or "gcloud auth login" for the gcloud fallback), then retry.';
    }
    if (e instanceof CallError && e.code === 'timeout') return 'No answer in time: the service may be starting (cold start) or the model is slow. Retry, or raise the service timeout.';
    if (e instanceof CallError && e.code === 'network') return `Could not reach ${this.info.uri}: check the URL and your network.`;
    return undefined;
  }

  private async copyCurl(body: string): Promise<void> {
    if (!this.info.uri) throw new Error(`Service ${this.info.id} has no URL yet.`);
    const text = this.target ? this.target.curl(body) : curlCommand({ url: this.info.uri, path: predictPath(this.info.modelName), body, authenticated: this.info.authenticated });
    await (this.deps.clipboard ?? (t => vscode.env.clipboard.writeText(t)))(text);
    this.post({ type: 'notice', level: 'info', text: `Copied the curl command (it runs gcloud auth ${this.target ? 'print-access-token' : 'print-identity-token'} for the token).` });
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
      const client = await this.serviceClient();
      const path = predictPath(this.info.modelName);
      const result = await runBenchmark({
        count: m.count,
        concurrency: m.concurrency,
        targetMs: this.deps.session.settings.latencyTargetMs,
        signal: ctrl.signal,
        send: async signal => {
          const r = await client.call({ method: 'POST', path, body: m.body, signal, retry: NO_RETRY, timeoutMs: 60_000 });
          return { status: r.status, latencyMs: r.latencyMs };
        },
        probe: m.probeColdStart ? async signal => {
          const r = await client.call({ method: 'POST', path, body: m.body, signal, retry: COLD_START_RETRY, timeoutMs: 120_000 });
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

  /** The identity the last token was for (never the token). */
  get identity(): string | undefined {
    return this.lastIdentity;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.running.values()) c.abort();
    this.running.clear();
    this.client?.dispose();
    this.disposedEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
