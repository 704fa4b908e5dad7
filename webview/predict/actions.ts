/** Validation, sending, the response, payloads and the benchmark: the panel's actions and their sections. */
import { checkRequest } from '../../src/protocol/predict';
import { parseLenientJson } from '../../src/serving/predict/lenientJson';
import { DEFAULT_SIGNATURE } from '../../src/serving/savedModel/types';
import { bodyText, buildPredictBody } from '../../src/serving/predict/request';
import { h, replace } from '../shared/dom';
import { renderBenchmark } from './benchmarkView';
import { renderPayloads } from './payloadsView';
import { renderRequest, syncFormFromRaw } from './requestView';
import { renderResponse } from './responseView';
import { newId, persist, post, schema, sections, ui } from './state';
import { renderErrors, showNotice } from './notices';

export { renderErrors, showNotice };


/** The body to send, or undefined (problems shown). */
export function currentBody(): { signature: string; body: string } | undefined {
  const sch = schema();
  let text: string;
  if (ui.view === 'form' && sch && ui.form) {
    const { body, errors } = buildPredictBody(sch, ui.form);
    ui.errors = errors;
    if (!body) { renderErrors(); return undefined; }
    text = bodyText(body);
    ui.raw = text;
  } else text = ui.raw;
  // The same check the host runs before sending, on what the host posted for it (ui.rules).
  const sigName = signatureOf(text);
  ui.errors = checkRequest(text, sigName, ui.rules);
  renderErrors();
  persist();
  return ui.errors.length ? undefined : { signature: sigName, body: text };
}

/** The signature a body asks for: its signature_name, else TF Serving's default. */
function signatureOf(text: string): string {
  try {
    const j = parseLenientJson(text) as { signature_name?: unknown };
    return typeof j?.signature_name === 'string' ? j.signature_name : DEFAULT_SIGNATURE;
  } catch {
    return ui.signature ?? DEFAULT_SIGNATURE;
  }
}

/** The answer on screen no longer answers the request: say so, keep it readable. */
export function markStale(): void {
  if (!ui.response || ui.stale) return;
  const at = ui.responseAt ? ui.responseAt.toLocaleTimeString() : 'earlier';
  ui.stale = `this answer is from the request sent at ${at}; the new request was not sent (see the errors above).`;
  renderResponseSection();
}

export function send(): void {
  const b = currentBody();
  if (!b) { markStale(); return; }
  const id = newId();
  ui.pending = { id, kind: 'send', signature: b.signature };
  // Kept aside: if the host refuses the request before sending it, the old answer comes back, marked stale.
  ui.previous = ui.response ? { response: ui.response, at: ui.responseAt } : undefined;
  ui.response = undefined;
  ui.stale = undefined;
  renderActions();
  renderResponseSection();
  post({ type: 'send', requestId: id, signature: b.signature, body: b.body });
}

export function renderActions(): void {
  const busy = ui.pending?.kind === 'send';
  replace(sections.actions, h('div', { className: 'row' },
    h('vscode-button', { 'data-testid': 'send', disabled: busy, onclick: send }, busy ? 'Sending…' : 'Send'),
    busy ? h('vscode-button', { secondary: true, 'data-testid': 'cancel', onclick: () => ui.pending && post({ type: 'cancel', requestId: ui.pending.id }) }, 'Cancel') : null,
    h('vscode-button', { secondary: true, 'data-testid': 'copy-curl', onclick: () => { const b = currentBody(); if (b) post({ type: 'copyCurl', signature: b.signature, body: b.body }); } }, 'Copy as curl'),
  ));
}

export function renderResponseSection(): void {
  const r = ui.response;
  const sch = r && !('failure' in r) ? ui.schemas.find(s => s.signature === r.signature) ?? schema() : undefined;
  replace(sections.response, ...renderResponse(ui.response, ui.pending?.kind === 'send', sch?.outputs.map(o => o.name) ?? [], ui.stale));
}


// --- payloads, benchmark -------------------------------------------------------------------------

export function loadBody(signature: string, body: string): void {
  if (ui.schemas.some(s => s.signature === signature)) ui.signature = signature;
  ui.raw = body;
  ui.view = syncFormFromRaw(false) ? 'form' : 'raw';
  renderRequest();
  persist();
}

export function renderPayloadSection(): void {
  replace(sections.payloads, ...renderPayloads(ui.init?.payloads ?? [], ui.init?.history ?? [], {
    save: name => { const b = currentBody(); if (b) post({ type: 'savePayload', name, signature: b.signature, body: b.body }); },
    load: p => loadBody(p.signature, p.body),
    remove: name => post({ type: 'deletePayload', name }),
  }));
}

export function renderBenchSection(): void {
  const bench = ui.bench;
  replace(sections.benchmark, ...renderBenchmark(bench, ui.init?.latencyTargetMs ?? 20, ui.pending?.kind, ui.init?.payloads ?? [], {
    run: () => {
      const b = currentBody();
      if (!b) return;
      const id = newId();
      ui.pending = { id, kind: 'benchmark', signature: b.signature };
      bench.result = undefined;
      bench.progress = undefined;
      renderBenchSection();
      post({ type: 'benchmark', requestId: id, signature: b.signature, body: b.body, count: bench.count, concurrency: bench.concurrency, probeColdStart: bench.probe });
    },
    runOpen: () => {
      // A mix of saved payloads needs no body from the editor; without one, the editor's request is the mix.
      const names = bench.mix.filter(n => (ui.init?.payloads ?? []).some(p => p.name === n));
      const b = names.length ? { signature: ui.signature ?? DEFAULT_SIGNATURE, body: '' } : currentBody();
      if (!b) return;
      const id = newId();
      ui.pending = { id, kind: 'loadTest', signature: b.signature };
      bench.open = undefined;
      bench.loadProgress = undefined;
      renderBenchSection();
      post({
        type: 'loadTest', requestId: id, signature: b.signature, body: b.body, rate: bench.rate, durationSec: bench.durationSec,
        targetMs: bench.targetMs ?? ui.init?.latencyTargetMs ?? 300, mix: names, probeColdStart: bench.probe,
      });
    },
    saveReport: id => post({ type: 'saveReport', requestId: id }),
    cancel: () => ui.pending && post({ type: 'cancel', requestId: ui.pending.id }),
    rerender: renderBenchSection,
  }));
}
