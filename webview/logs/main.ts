/**
 * The serving-logs panel: toolbar (min severity, revision — or deployed model on an endpoint's
 * panel —, text, pause/resume, clear, copy, follow, Cloud Console), a virtualised list, a status line. Talks to the host only through src/protocol/logs.
 */
import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { HostToWebview, LogItem, TailState, WebviewToHost } from '../../src/protocol/logs';
import { formatLine, formatTime } from '../../src/serving/logs/format';
import { SEVERITIES, type Severity } from '../../src/serving/logs/severity';
import { isFilters, LogModel, NO_FILTERS, type Filters } from '../../src/serving/logs/viewModel';
import { h, type ValueElement } from '../shared/dom';
import { VirtualList } from './virtualList';

interface VsCodeApi {
  postMessage(m: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  service?: string;
  revision?: string;
  /** The title the host gave (an endpoint's display name and model), for the restore. */
  label?: string;
  filters?: Filters;
  follow?: boolean;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as SavedState;

const custom = (tag: string, attrs: Record<string, string> = {}, text?: string) => h(tag, attrs, text) as ValueElement;

// ---- layout
const toolbar = h('div', { id: 'toolbar', role: 'toolbar' });
const sevSelect = custom('vscode-single-select', { 'aria-label': 'Minimum severity', title: 'Minimum severity' });
for (const s of SEVERITIES) sevSelect.append(custom('vscode-option', { value: s }, s === 'DEFAULT' ? 'All severities' : `${s} and above`));
const revSelect = custom('vscode-single-select', { 'aria-label': 'Revision', title: 'Revision' });
const textField = custom('vscode-textfield', { placeholder: 'Filter text', class: 'grow', 'aria-label': 'Filter text' });
const pauseBtn = custom('vscode-button', { secondary: '' }, 'Pause');
const clearBtn = custom('vscode-button', { secondary: '' }, 'Clear');
const copyBtn = custom('vscode-button', { secondary: '' }, 'Copy');
const followBtn = custom('vscode-button', { secondary: '' }, 'Follow: on');
const consoleBtn = custom('vscode-button', { secondary: '', title: 'Open these logs in the Cloud Console\'s Logs Explorer' }, 'Cloud Console');
consoleBtn.hidden = true;
toolbar.append(sevSelect, revSelect, textField, pauseBtn, clearBtn, copyBtn, followBtn, consoleBtn);
const viewport = h('div', { id: 'viewport', role: 'log', 'aria-live': 'off' });
const spacer = h('div', { id: 'spacer' });
viewport.append(spacer);
const jumpBtn = custom('vscode-button', { id: 'jump' }, 'Jump to newest ↓');
const status = h('div', { id: 'status' });
const stateText = h('span', {}, 'connecting…');
const countText = h('span');
const reconnectBtn = custom('vscode-button', { secondary: '' }, 'Reconnect');
reconnectBtn.hidden = true;
status.append(stateText, countText, reconnectBtn);
document.body.append(toolbar, viewport, jumpBtn, status);

// ---- state
let model = new LogModel(20_000);
let service = saved.service ?? '';
let serviceId = saved.label ?? '';
let revisionsKnown: string[] = [];
/** An endpoint's panel: the second filter selects a deployed model, not a revision. */
let endpointTarget = false;
const list = new VirtualList(viewport, spacer);
list.follow = saved.follow ?? true;
const initialFilters: Filters = isFilters(saved.filters) ? saved.filters : { ...NO_FILTERS };
model.setFilters(initialFilters);

function save(): void {
  vscode.setState({ service, revision: endpointTarget ? undefined : model.filters.revision || undefined, label: serviceId || undefined, filters: model.filters, follow: list.follow } satisfies SavedState);
}

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

function updateCounts(): void {
  const shown = model.visible.length;
  const total = model.items.length;
  const parts = [`${shown.toLocaleString()} shown`];
  if (shown !== total) parts.push(`of ${total.toLocaleString()}`);
  if (model.dropped) parts.push(`· ${model.dropped.toLocaleString()} oldest dropped (cap ${model.maxLines.toLocaleString()})`);
  countText.textContent = parts.join(' ');
  pauseBtn.textContent = model.paused ? `Resume${model.buffered.length ? ` (${model.buffered.length.toLocaleString()} new)` : ''}` : 'Pause';
}

function setState(state: TailState, detail?: string): void {
  const label: Record<TailState, string> = { connecting: 'connecting…', live: '● live', reconnecting: 'reconnecting…', stopped: 'stopped', failed: 'stopped (error)' };
  stateText.textContent = `${label[state]}${detail && state !== 'live' ? `: ${detail}` : ''}`;
  stateText.className = `state-${state}`;
  reconnectBtn.hidden = state !== 'failed';
}

function setRevisions(revs: string[]): void {
  revisionsKnown = revs;
  const current = model.filters.revision;
  const what = endpointTarget ? 'Deployed model' : 'Revision';
  revSelect.setAttribute('aria-label', what);
  revSelect.title = what;
  const opts = [custom('vscode-option', { value: '' }, endpointTarget ? 'All deployed models' : 'All revisions'), ...revs.map(r => custom('vscode-option', { value: r }, endpointTarget ? `deployed model ${r}` : r))];
  if (current && !revs.includes(current)) opts.push(custom('vscode-option', { value: current }, current));
  revSelect.replaceChildren(...opts);
  revSelect.value = current;
}

function setFollowUi(follow: boolean): void {
  followBtn.textContent = `Follow: ${follow ? 'on' : 'off'}`;
  jumpBtn.classList.toggle('shown', !follow);
}

function refreshList(): void {
  list.setItems(model.visible);
  updateCounts();
}

function addItems(items: LogItem[]): void {
  const r = model.add(items);
  if (r.trimmed) list.setItems(model.visible);
  else if (r.appended) list.appended(model.visible, r.appended);
  updateCounts();
}

// ---- controls
sevSelect.value = initialFilters.minSeverity;
textField.value = initialFilters.text;
setRevisions([]);
setFollowUi(list.follow);
list.onFollowChange = f => {
  setFollowUi(f);
  save();
};
list.onAction = id => post({ type: 'action', id });

sevSelect.addEventListener('change', () => {
  const v = sevSelect.value as Severity;
  if (!(SEVERITIES as readonly string[]).includes(v)) return;
  model.setFilters({ minSeverity: v });
  refreshList();
  save();
});
revSelect.addEventListener('change', () => {
  model.setFilters({ revision: revSelect.value });
  refreshList();
  save();
});
let textTimer: number | undefined;
textField.addEventListener('input', () => {
  // debounce: refiltering 20,000 lines per keystroke is wasted work
  clearTimeout(textTimer);
  textTimer = window.setTimeout(() => {
    model.setFilters({ text: textField.value });
    refreshList();
    save();
  }, 150);
});
pauseBtn.addEventListener('click', () => {
  if (model.paused) {
    const r = model.resume();
    if (r.trimmed) list.setItems(model.visible);
    else list.appended(model.visible, r.appended);
  } else model.pause();
  updateCounts();
});
clearBtn.addEventListener('click', () => {
  post({ type: 'clear', upToSeq: model.clear() });
  refreshList();
});
copyBtn.addEventListener('click', () => {
  const text = model.visible.map(i => (i.kind === 'entry' ? formatLine(i) : `${formatTime(i.timestamp)} ---- ${i.text}${i.detail ? ` ${i.detail}` : ''}`)).join('\n');
  post({ type: 'copy', text });
});
followBtn.addEventListener('click', () => {
  if (list.follow) {
    list.follow = false;
    setFollowUi(false);
  } else list.jumpToNewest();
  save();
});
jumpBtn.addEventListener('click', () => list.jumpToNewest());
reconnectBtn.addEventListener('click', () => post({ type: 'reconnect' }));
consoleBtn.addEventListener('click', () => post({ type: 'openConsole' }));

// ---- host messages
window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'init':
      service = m.service;
      serviceId = m.serviceId;
      endpointTarget = m.target === 'endpoint';
      consoleBtn.hidden = !m.console;
      list.serviceId = m.serviceId;
      document.title = `Logs: ${m.serviceId}`;
      if (model.maxLines !== m.maxLines) {
        const f = model.filters;
        model = new LogModel(m.maxLines);
        model.setFilters(f);
      }
      if (m.revision !== undefined) model.setFilters({ revision: m.revision });
      setRevisions(m.revisions);
      save();
      return;
    case 'items':
      if (m.replace) {
        model.replace(m.items);
        refreshList();
      } else addItems(m.items);
      return;
    case 'state':
      setState(m.state, m.detail);
      return;
    case 'revisions':
      if (m.revisions.join() !== revisionsKnown.join()) setRevisions(m.revisions);
      return;
  }
});

post({ type: 'ready' });
