/**
 * The Test Prediction panel (browser side). It never calls the service and never sees a token: it
 * builds the request from the model's signature, asks the extension host to send it, and shows
 * what came back. State survives reloads through getState/setState (the host's serializer
 * restores the panel from it).
 */
import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { HostMessage, PanelState, WebviewMessage } from '../../src/protocol/predict';
import { dtypeLabel } from '../../src/serving/predict/dtypes';
import { shapeText, type FormSchema } from '../../src/serving/predict/formSchema';
import { parseLenientJson } from '../../src/serving/predict/lenientJson';
import { bodyText, buildPredictBody, emptyFormState, formStateFromBody, type FormState, type RequestFormat } from '../../src/serving/predict/request';
import { utf8Length, validatePredictRequest, type FieldError } from '../../src/serving/predict/validate';
import { renderBenchmark, type BenchState } from './benchmarkView';
import { h, replace } from './dom';
import { renderResponse, type ResponseState } from './responseView';
import { renderPayloads } from './payloadsView';
import { exampleForm } from '../../src/serving/predict/examples';

declare function acquireVsCodeApi(): { postMessage(m: WebviewMessage): void; getState(): unknown; setState(s: PanelState): void };
const vscode = acquireVsCodeApi();

type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

interface Ui {
  init?: Msg<'init'>;
  schemas: FormSchema[];
  modelVersion?: string;
  metadataError?: { message: string; hint?: string };
  signature?: string;
  form?: FormState;
  raw: string;
  view: 'form' | 'raw';
  errors: FieldError[];
  pending?: { id: string; kind: 'send' | 'benchmark' };
  response?: ResponseState;
  /** Why the response on screen no longer answers the request (a newer attempt was refused). */
  stale?: string;
  /** When the response on screen arrived. */
  responseAt?: Date;
  /** The answer shown before the pending send. */
  previous?: { response: ResponseState; at?: Date };
  /** Where the form's example values came from, until the user edits them. */
  exampleFrom?: string;
  bench: BenchState;
  notice?: { level: 'info' | 'error'; text: string };
}

const saved = (vscode.getState() ?? {}) as Partial<PanelState>;
const ui: Ui = { schemas: [], raw: saved.raw ?? '', view: saved.view ?? 'form', errors: [], bench: { count: 100, concurrency: 4, probe: true }, signature: saved.signature, form: saved.form };

const app = document.getElementById('app')!;
const sections = {
  header: h('header', { id: 'header' }),
  request: h('section', { id: 'request', 'aria-label': 'Request' }),
  errors: h('section', { id: 'errors', 'data-testid': 'validation-errors', 'aria-live': 'polite' }),
  actions: h('section', { id: 'actions' }),
  notice: h('div', { id: 'notice', role: 'status', 'aria-live': 'polite' }),
  response: h('section', { id: 'response', 'data-testid': 'response', 'aria-label': 'Response' }),
  payloads: h('section', { id: 'payloads', 'aria-label': 'Saved payloads' }),
  benchmark: h('section', { id: 'benchmark', 'aria-label': 'Benchmark' }),
};
replace(app, ...Object.values(sections));
app.removeAttribute('aria-busy');

const post = (m: WebviewMessage) => vscode.postMessage(m);
let seq = 0;
const newId = () => `r${Date.now().toString(36)}${(seq++).toString(36)}`;

function persist(): void {
  if (!ui.init) return;
  vscode.setState({ serviceName: ui.init.service.name, signature: ui.signature, form: ui.form, raw: ui.raw, view: ui.view });
}

const schema = (): FormSchema | undefined => ui.schemas.find(s => s.signature === ui.signature);

/** A fresh form for `sch` with example values: the newest saved payload or good request, else from the dtypes. */
function freshForm(sch: FormSchema): FormState {
  const payloads = (ui.init?.payloads ?? []).map(p => ({ signature: p.signature, body: p.body, at: p.savedAt, label: `saved payload "${p.name}"` }));
  const history = (ui.init?.history ?? []).filter(e => e.status >= 200 && e.status < 300).map(e => ({ signature: e.signature, body: e.body, at: e.at, label: 'your last successful request' }));
  const ex = exampleForm(sch, [...payloads, ...history]);
  ui.exampleFrom = ex.from;
  return ex.form;
}

// --- header ------------------------------------------------------------------------------------

function renderHeader(): void {
  const s = ui.init?.service;
  if (!s) return replace(sections.header, h('p', { className: 'muted' }, 'Connecting…'));
  replace(sections.header,
    h('h1', {}, s.id),
    h('p', { className: 'meta' },
      `${s.region} · model ${s.modelName}${ui.modelVersion ? ` v${ui.modelVersion}` : ''} · `,
      h('span', { className: s.authenticated ? 'badge' : 'badge public' }, s.authenticated ? 'authenticated (ID token)' : 'public'),
      s.state !== 'ready' ? h('span', { className: 'badge warn' }, s.state) : null),
    h('p', { className: 'meta mono' }, s.uri ?? 'no URL yet'),
  );
}

// --- request: signature, format, form / raw ------------------------------------------------------

function select(options: Array<[string, string]>, value: string, onChange: (v: string) => void, attrs: Record<string, string> = {}): HTMLElement {
  const el = h('vscode-single-select', attrs, ...options.map(([v, label]) => h('vscode-option', { value: v }, label))) as HTMLElement & { value: string };
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

function setSignature(sig: string): void {
  const sch = ui.schemas.find(s => s.signature === sig);
  if (!sch) return;
  ui.signature = sig;
  const keep = ui.form && ui.form.signature === sig;
  ui.form = keep ? ui.form : { ...freshForm(sch), format: ui.form?.format ?? 'row' };
  ui.errors = [];
  renderRequest();
  renderErrors();
  persist();
}

function renderRequest(): void {
  if (ui.metadataError) {
    replace(sections.request,
      h('div', { className: 'error-box', 'data-testid': 'metadata-error' }, h('strong', {}, 'Could not read the model\'s signature. '), ui.metadataError.message,
        ui.metadataError.hint ? h('p', { className: 'hint' }, ui.metadataError.hint) : null),
      h('vscode-button', { secondary: true, onclick: () => { ui.metadataError = undefined; renderRequest(); post({ type: 'reloadMetadata' }); } }, 'Retry'),
      h('p', { className: 'muted' }, 'You can still send a raw JSON body:'),
      rawEditor());
    return;
  }
  const sch = schema();
  if (!sch || !ui.form) return replace(sections.request, h('p', { className: 'muted' }, 'Reading the model\'s signature…'));
  const form = ui.form;
  const top = h('div', { className: 'row' },
    h('label', {}, 'Signature ', select(ui.schemas.map(s => [s.signature, `${s.signature}${s.methodName ? ` (${s.methodName.replace('tensorflow/serving/', '')})` : ''}`]), sch.signature, setSignature, { 'data-testid': 'signature' })),
    h('label', {}, 'Format ', select([['row', 'row (instances)'], ['columnar', 'columnar (inputs)']], form.format, v => {
      form.format = v as RequestFormat;
      if (ui.view === 'raw') syncRawFromForm();
      persist();
    }, { 'data-testid': 'format' })),
    h('span', { className: 'spacer' }),
    h('vscode-button', { secondary: ui.view !== 'form', 'data-testid': 'view-form', onclick: () => switchView('form') }, 'Form'),
    h('vscode-button', { secondary: ui.view !== 'raw', 'data-testid': 'view-raw', onclick: () => switchView('raw') }, 'Raw JSON'),
  );
  replace(sections.request, top, ui.view === 'form' ? formEditor(sch, form) : rawEditor());
}

function switchView(v: 'form' | 'raw'): void {
  if (v === ui.view) return;
  if (v === 'raw') syncRawFromForm();
  else syncFormFromRaw(true);
  ui.view = v;
  renderRequest();
  persist();
}

/** Form → raw text (when the form is complete; otherwise the raw text stays as it was). */
function syncRawFromForm(): void {
  const sch = schema();
  if (!sch || !ui.form) return;
  const { body, errors } = buildPredictBody(sch, ui.form);
  if (body) ui.raw = bodyText(body);
  else if (!ui.raw.trim()) ui.raw = '';
  ui.errors = errors;
  renderErrors();
}

/** Raw text → form, where the body fits the form. */
function syncFormFromRaw(report: boolean): boolean {
  const sch = schema();
  if (!sch || !ui.raw.trim()) return false;
  let json: unknown;
  try {
    json = parseLenientJson(ui.raw);
  } catch {
    if (report) showNotice('info', 'The raw JSON does not parse, so the form keeps its values.');
    return false;
  }
  const sigName = (json as { signature_name?: unknown })?.signature_name;
  if (typeof sigName === 'string' && sigName !== sch.signature && ui.schemas.some(s => s.signature === sigName)) {
    ui.signature = sigName;
  }
  const target = schema()!;
  const fs = formStateFromBody(target, json);
  if (fs) { ui.form = fs; return true; }
  if (report) showNotice('info', 'The raw JSON does not map onto the form (extra inputs or nested shapes); edit it in the Raw JSON view.');
  return false;
}

function fieldLabel(f: FormSchema['fields'][number]): string {
  return `${f.name} · ${f.kind ? dtypeLabel(f.dtype) : f.dtype} · ${f.scalar ? 'scalar per instance' : `list ${shapeText(f.instanceShape)} per instance`}`;
}

function placeholder(f: FormSchema['fields'][number], b64: boolean): string {
  if (!f.scalar) return f.kind === 'string' ? '["a", "b"]' : f.kind === 'bool' ? '[true, false]' : '[1, 2, 3]';
  if (f.kind === 'string') return b64 ? 'base64, e.g. aGVsbG8=' : 'text';
  if (f.kind === 'integer') return 'whole number';
  if (f.kind === 'float') return 'number (NaN, Infinity allowed)';
  return '';
}

function formEditor(sch: FormSchema, form: FormState): HTMLElement {
  const strings = sch.fields.filter(f => f.kind === 'string');
  const b64Row = strings.length ? h('div', { className: 'row b64' }, h('span', { className: 'muted' }, 'Binary (b64):'),
    ...strings.map(f => {
      const cb = h('vscode-checkbox', { 'data-testid': `b64-${f.name}`, checked: Boolean(form.b64[f.name]) }, f.name) as HTMLElement & { checked: boolean };
      cb.addEventListener('change', () => { form.b64[f.name] = cb.checked; renderRequest(); persist(); });
      return cb;
    })) : null;
  const unsupported = sch.fields.filter(f => !f.kind);
  const instances = form.instances.map((inst, i) => {
    const rows = sch.fields.map(f => {
      const id = `f-${i}-${f.name}`;
      let input: HTMLElement;
      const onInput = (v: string) => { inst[f.name] = v; ui.exampleFrom = undefined; persist(); };
      if (f.kind === 'bool' && f.scalar) {
        input = select([['', '—'], ['true', 'true'], ['false', 'false']], inst[f.name] ?? '', onInput, { id, 'data-field': f.name });
      } else if (f.scalar) {
        const tf = h('vscode-textfield', { id, 'data-field': f.name, placeholder: placeholder(f, Boolean(form.b64[f.name])) }) as HTMLElement & { value: string };
        tf.value = inst[f.name] ?? '';
        tf.addEventListener('input', () => onInput(tf.value));
        input = tf;
      } else {
        const ta = h('vscode-textarea', { id, 'data-field': f.name, rows: 2, className: 'mono', placeholder: placeholder(f, Boolean(form.b64[f.name])) }) as HTMLElement & { value: string };
        ta.value = inst[f.name] ?? '';
        ta.addEventListener('input', () => onInput(ta.value));
        input = ta;
      }
      return h('div', { className: 'field' }, h('label', { for: id }, fieldLabel(f)), input);
    });
    return h('fieldset', { 'data-testid': `instance-${i}` },
      h('legend', {}, `Instance ${i + 1}`),
      ...rows,
      form.instances.length > 1 ? h('vscode-button', { secondary: true, onclick: () => { form.instances.splice(i, 1); renderRequest(); persist(); } }, 'Remove instance') : null);
  });
  const canAdd = sch.batched || (sch.fixedBatch ?? 0) > form.instances.length || (!sch.fixedBatch && !sch.batched);
  return h('div', { className: 'form' },
    ui.exampleFrom ? h('p', { className: 'muted example-note', 'data-testid': 'example-note' }, `Example values from ${ui.exampleFrom}: replace them with your input.`) : null,
    unsupported.length ? h('p', { className: 'error-box' }, `Inputs ${unsupported.map(f => `${f.name} (${f.dtype})`).join(', ')} cannot be sent as JSON.`) : null,
    sch.batched ? null : h('p', { className: 'muted' }, sch.fixedBatch ? `This signature takes ${sch.fixedBatch} instance(s).` : 'This signature has no batch dimension.'),
    b64Row,
    ...instances,
    canAdd ? h('vscode-button', { secondary: true, 'data-testid': 'add-instance', onclick: () => { form.instances.push(Object.fromEntries(sch.fields.map(f => [f.name, form.instances[form.instances.length - 1]?.[f.name] ?? '']))); renderRequest(); persist(); } }, '+ Add instance') : null);
}

function rawEditor(): HTMLElement {
  const ta = h('vscode-textarea', { rows: 16, className: 'mono raw', 'data-testid': 'raw-json', placeholder: '{"instances": [{"input": "value"}]}' }) as HTMLElement & { value: string };
  ta.value = ui.raw;
  ta.addEventListener('input', () => { ui.raw = ta.value; syncFormFromRaw(false); persist(); });
  return ta;
}

// --- validation, sending -----------------------------------------------------------------------

function renderErrors(): void {
  if (!ui.errors.length) return replace(sections.errors);
  replace(sections.errors, h('ul', { className: 'errors' }, ...ui.errors.map(e => h('li', {}, h('code', {}, e.field), ': ', e.message))));
}

/** The body to send, or undefined (problems shown). */
function currentBody(): { signature: string; body: string } | undefined {
  const sch = schema();
  let text: string;
  if (ui.view === 'form' && sch && ui.form) {
    const { body, errors } = buildPredictBody(sch, ui.form);
    ui.errors = errors;
    if (!body) { renderErrors(); return undefined; }
    text = bodyText(body);
    ui.raw = text;
  } else text = ui.raw;
  let json: unknown;
  try {
    json = parseLenientJson(text);
  } catch (e) {
    ui.errors = [{ field: 'body', message: (e as Error).message }];
    renderErrors();
    return undefined;
  }
  const sigName = typeof (json as { signature_name?: unknown })?.signature_name === 'string' ? (json as { signature_name: string }).signature_name : 'serving_default';
  const target = ui.schemas.find(s => s.signature === sigName);
  // Same checks as the host; the host checks again before sending.
  const sigSpec = target ? { methodName: target.methodName, inputs: Object.fromEntries(target.fields.map(f => [f.name, { name: f.name, dtype: f.dtype, shape: f.shape }])), outputs: {} } : undefined;
  ui.errors = validatePredictRequest(json, sigSpec, { sizeBytes: utf8Length(text) });
  if (ui.schemas.length && !target) ui.errors.push({ field: 'signature_name', message: `the model has no signature "${sigName}"` });
  renderErrors();
  persist();
  return ui.errors.length ? undefined : { signature: sigName, body: text };
}

/** The answer on screen no longer answers the request: say so, keep it readable. */
function markStale(): void {
  if (!ui.response || ui.stale) return;
  const at = ui.responseAt ? ui.responseAt.toLocaleTimeString() : 'earlier';
  ui.stale = `this answer is from the request sent at ${at}; the new request was not sent (see the errors above).`;
  renderResponseSection();
}

function send(): void {
  const b = currentBody();
  if (!b) { markStale(); return; }
  const id = newId();
  ui.pending = { id, kind: 'send' };
  // Kept aside: if the host refuses the request before sending it, the old answer comes back, marked stale.
  ui.previous = ui.response ? { response: ui.response, at: ui.responseAt } : undefined;
  ui.response = undefined;
  ui.stale = undefined;
  renderActions();
  renderResponseSection();
  post({ type: 'send', requestId: id, signature: b.signature, body: b.body });
}

function renderActions(): void {
  const busy = ui.pending?.kind === 'send';
  replace(sections.actions, h('div', { className: 'row' },
    h('vscode-button', { 'data-testid': 'send', disabled: busy, onclick: send }, busy ? 'Sending…' : 'Send'),
    busy ? h('vscode-button', { secondary: true, 'data-testid': 'cancel', onclick: () => ui.pending && post({ type: 'cancel', requestId: ui.pending.id }) }, 'Cancel') : null,
    h('vscode-button', { secondary: true, 'data-testid': 'copy-curl', onclick: () => { const b = currentBody(); if (b) post({ type: 'copyCurl', signature: b.signature, body: b.body }); } }, 'Copy as curl'),
  ));
}

function renderResponseSection(): void {
  const r = ui.response;
  const sch = r && !('failure' in r) ? ui.schemas.find(s => s.signature === r.signature) ?? schema() : undefined;
  replace(sections.response, ...renderResponse(ui.response, ui.pending?.kind === 'send', sch?.outputs.map(o => o.name) ?? [], ui.stale));
}

function showNotice(level: 'info' | 'error', text: string): void {
  ui.notice = { level, text };
  replace(sections.notice, h('p', { className: level === 'error' ? 'error-box' : 'info-box' }, text));
  window.setTimeout(() => { if (ui.notice?.text === text) { ui.notice = undefined; replace(sections.notice); } }, 6000);
}

// --- payloads, benchmark -------------------------------------------------------------------------

function loadBody(signature: string, body: string): void {
  if (ui.schemas.some(s => s.signature === signature)) ui.signature = signature;
  ui.raw = body;
  ui.view = syncFormFromRaw(false) ? 'form' : 'raw';
  renderRequest();
  persist();
}

function renderPayloadSection(): void {
  replace(sections.payloads, ...renderPayloads(ui.init?.payloads ?? [], ui.init?.history ?? [], {
    save: name => { const b = currentBody(); if (b) post({ type: 'savePayload', name, signature: b.signature, body: b.body }); },
    load: p => loadBody(p.signature, p.body),
    remove: name => post({ type: 'deletePayload', name }),
  }));
}

function renderBenchSection(): void {
  replace(sections.benchmark, ...renderBenchmark(ui.bench, ui.init?.latencyTargetMs ?? 20, ui.pending?.kind === 'benchmark', {
    run: () => {
      const b = currentBody();
      if (!b) return;
      const id = newId();
      ui.pending = { id, kind: 'benchmark' };
      ui.bench.result = undefined;
      ui.bench.progress = undefined;
      renderBenchSection();
      post({ type: 'benchmark', requestId: id, signature: b.signature, body: b.body, count: ui.bench.count, concurrency: ui.bench.concurrency, probeColdStart: ui.bench.probe });
    },
    cancel: () => ui.pending && post({ type: 'cancel', requestId: ui.pending.id }),
  }));
}

// --- messages from the host --------------------------------------------------------------------

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostMessage;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
  switch (m.type) {
    case 'init':
      ui.init = m;
      renderHeader();
      renderPayloadSection();
      renderBenchSection();
      persist();
      break;
    case 'metadata': {
      ui.schemas = m.schemas;
      ui.modelVersion = m.version;
      ui.metadataError = undefined;
      if (!ui.signature || !m.schemas.some(s => s.signature === ui.signature)) ui.signature = m.schemas[0]?.signature;
      const sch = schema();
      const fits = ui.form && sch && ui.form.signature === sch.signature && sch.fields.every(f => ui.form!.instances.every(i => f.name in i));
      if (sch && !fits) ui.form = freshForm(sch);
      renderHeader();
      renderRequest();
      break;
    }
    case 'metadataError':
      ui.metadataError = { message: m.message, hint: m.hint };
      if (ui.view !== 'raw') ui.view = 'raw';
      renderRequest();
      break;
    case 'validation':
      if (ui.pending?.id === m.requestId) ui.pending = undefined;
      ui.errors = m.errors;
      renderErrors();
      renderActions();
      renderBenchSection();
      if (m.errors.length && !ui.response && ui.previous) {
        ui.response = ui.previous.response;
        ui.responseAt = ui.previous.at;
      }
      ui.previous = undefined;
      if (m.errors.length) markStale();
      else renderResponseSection();
      break;
    case 'response':
      if (ui.pending?.id !== m.requestId) return;
      ui.pending = undefined;
      ui.response = { ...m, signature: currentSignatureOf(ui.raw) };
      ui.responseAt = new Date();
      ui.stale = undefined;
      renderActions();
      renderResponseSection();
      break;
    case 'requestFailed':
      if (ui.pending?.id !== m.requestId) return;
      if (ui.pending.kind === 'send') ui.response = { failure: m };
      else ui.bench.failure = m.cancelled ? undefined : m.message;
      ui.pending = undefined;
      renderActions();
      renderResponseSection();
      renderBenchSection();
      break;
    case 'benchmarkProgress':
      if (ui.pending?.id !== m.requestId) return;
      ui.bench.progress = { done: m.done, total: m.total, phase: m.phase };
      renderBenchSection();
      break;
    case 'benchmarkResult':
      if (ui.pending?.id !== m.requestId) return;
      ui.pending = undefined;
      ui.bench.result = m.result;
      ui.bench.failure = undefined;
      renderBenchSection();
      break;
    case 'payloads':
      if (ui.init) { ui.init.payloads = m.payloads; ui.init.history = m.history; }
      renderPayloadSection();
      break;
    case 'notice':
      showNotice(m.level, m.text);
      break;
  }
});

function currentSignatureOf(text: string): string {
  try {
    const j = parseLenientJson(text) as { signature_name?: unknown };
    return typeof j?.signature_name === 'string' ? j.signature_name : 'serving_default';
  } catch {
    return ui.signature ?? 'serving_default';
  }
}

renderHeader();
renderRequest();
renderActions();
renderResponseSection();
post({ type: 'ready' });
