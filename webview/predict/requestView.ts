/** The header and the request editor: signature, format, the form built from the signature, or raw JSON. */
import { dtypeLabel } from '../../src/serving/predict/dtypes';
import { shapeText, type FormSchema } from '../../src/serving/predict/formSchema';
import { parseLenientJson } from '../../src/serving/predict/lenientJson';
import { bodyText, buildPredictBody, formStateFromBody, type FormState, type RequestFormat } from '../../src/serving/predict/request';
import { h, replace } from '../shared/dom';
import { renderErrors, showNotice } from './notices';
import { freshForm, persist, post, schema, sections, ui } from './state';

export function renderHeader(): void {
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


export function select(options: Array<[string, string]>, value: string, onChange: (v: string) => void, attrs: Record<string, string> = {}): HTMLElement {
  const el = h('vscode-single-select', attrs, ...options.map(([v, label]) => h('vscode-option', { value: v }, label))) as HTMLElement & { value: string };
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

export function setSignature(sig: string): void {
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

export function renderRequest(): void {
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

export function switchView(v: 'form' | 'raw'): void {
  if (v === ui.view) return;
  if (v === 'raw') syncRawFromForm();
  else syncFormFromRaw(true);
  ui.view = v;
  renderRequest();
  persist();
}

/** Form → raw text (when the form is complete; otherwise the raw text stays as it was). */
export function syncRawFromForm(): void {
  const sch = schema();
  if (!sch || !ui.form) return;
  const { body, errors } = buildPredictBody(sch, ui.form);
  if (body) ui.raw = bodyText(body);
  else if (!ui.raw.trim()) ui.raw = '';
  ui.errors = errors;
  renderErrors();
}

/** Raw text → form, where the body fits the form. */
export function syncFormFromRaw(report: boolean): boolean {
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
