/**
 * The Test Prediction panel's state: what the host sent, what the user is editing, the request in
 * flight. One object, persisted (the parts worth keeping) with setState so the serializer can
 * restore the panel after a reload.
 */
import { panelTargetOf, type HostMessage, type PanelState, type RequestRules, type WebviewMessage } from '../../src/protocol/predict';
import { exampleForm } from '../../src/serving/predict/examples';
import type { FormSchema } from '../../src/serving/predict/formSchema';
import type { FormState } from '../../src/serving/predict/request';
import type { FieldError } from '../../src/serving/predict/validate';
import { h } from '../shared/dom';
import type { BenchState, PendingKind } from './benchmarkView';
import type { ResponseState } from './responseView';

declare function acquireVsCodeApi(): { postMessage(m: WebviewMessage): void; getState(): unknown; setState(s: PanelState): void };
const vscode = acquireVsCodeApi();

export type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

/** A request in flight: the host's answer is matched by id, and shown for the signature it was sent with. */
export interface Pending {
  id: string;
  kind: PendingKind;
  signature: string;
}

export interface Ui {
  init?: Msg<'init'>;
  schemas: FormSchema[];
  /** What validating a request needs (the host posts it once, with the metadata). */
  rules?: RequestRules;
  modelVersion?: string;
  metadataError?: { message: string; hint?: string };
  signature?: string;
  form?: FormState;
  raw: string;
  view: 'form' | 'raw';
  errors: FieldError[];
  pending?: Pending;
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
export const ui: Ui = {
  schemas: [], raw: saved.raw ?? '', view: saved.view ?? 'form', errors: [], signature: saved.signature, form: saved.form,
  bench: { mode: 'closed', count: 100, concurrency: 4, probe: true, rate: 5, durationSec: 10, mix: [] },
};

export const sections = {
  header: h('header', { id: 'header' }),
  request: h('section', { id: 'request', 'aria-label': 'Request' }),
  errors: h('section', { id: 'errors', 'data-testid': 'validation-errors', 'aria-live': 'polite' }),
  actions: h('section', { id: 'actions' }),
  notice: h('div', { id: 'notice', role: 'status', 'aria-live': 'polite' }),
  response: h('section', { id: 'response', 'data-testid': 'response', 'aria-label': 'Response' }),
  payloads: h('section', { id: 'payloads', 'aria-label': 'Saved payloads' }),
  benchmark: h('section', { id: 'benchmark', 'aria-label': 'Benchmark' }),
};

export const post = (m: WebviewMessage) => vscode.postMessage(m);
let seq = 0;
export const newId = () => `r${Date.now().toString(36)}${(seq++).toString(36)}`;

export function persist(): void {
  if (!ui.init) return;
  vscode.setState({ target: panelTargetOf(ui.init.service), signature: ui.signature, form: ui.form, raw: ui.raw, view: ui.view });
}

export const schema = (): FormSchema | undefined => ui.schemas.find(s => s.signature === ui.signature);

/** A fresh form for `sch` with example values: the newest saved payload or good request, else from the dtypes. */
export function freshForm(sch: FormSchema): FormState {
  const payloads = (ui.init?.payloads ?? []).map(p => ({ signature: p.signature, body: p.body, at: p.savedAt, label: `saved payload "${p.name}"` }));
  const history = (ui.init?.history ?? []).filter(e => e.status >= 200 && e.status < 300).map(e => ({ signature: e.signature, body: e.body, at: e.at, label: 'your last successful request' }));
  const ex = exampleForm(sch, [...payloads, ...history]);
  ui.exampleFrom = ex.from;
  return ex.form;
}
