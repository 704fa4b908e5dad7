/** Messages from the host: one switch, each case updating the state and re-rendering its sections. */
import type { HostMessage } from '../../src/protocol/predict';
import { markStale, renderActions, renderBenchSection, renderErrors, renderPayloadSection, renderResponseSection, showNotice } from './actions';
import { renderHeader, renderRequest } from './requestView';
import { freshForm, persist, schema, ui } from './state';

export function onHostMessage(m: HostMessage): void {
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
      ui.rules = m.rules;
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
      // Shown for the signature it was sent with, whatever the editor holds now.
      ui.response = { ...m, signature: ui.pending.signature };
      ui.pending = undefined;
      ui.responseAt = new Date();
      ui.stale = undefined;
      renderActions();
      renderResponseSection();
      break;
    case 'requestFailed':
      if (ui.pending?.id !== m.requestId) return;
      if (ui.pending.kind === 'send') ui.response = { failure: m };
      else if (ui.pending.kind === 'loadTest') ui.bench.openFailure = m.cancelled ? undefined : m.message;
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
    case 'loadTestProgress':
      if (ui.pending?.id !== m.requestId) return;
      ui.bench.loadProgress = { phase: m.phase, sent: m.sent, scheduled: m.scheduled };
      renderBenchSection();
      break;
    case 'loadTestResult':
      if (ui.pending?.id !== m.requestId) return;
      ui.pending = undefined;
      ui.bench.open = { id: m.requestId, result: m.result };
      ui.bench.openFailure = undefined;
      renderBenchSection();
      break;
    case 'payloads':
      if (ui.init) { ui.init.payloads = m.payloads; ui.init.history = m.history; }
      renderPayloadSection();
      renderBenchSection();
      break;
    case 'notice':
      showNotice(m.level, m.text);
      break;
  }
}
