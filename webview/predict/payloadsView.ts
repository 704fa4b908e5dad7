/** Saved payloads (a workspace file) and the recent history of sent requests. */
import type { HistoryEntry, SavedPayload } from '../../src/protocol/predict';
import { h, ms, type Child } from '../shared/dom';

export interface PayloadActions {
  save(name: string): void;
  load(p: { signature: string; body: string }): void;
  remove(name: string): void;
}

export function renderPayloads(payloads: SavedPayload[], history: HistoryEntry[], a: PayloadActions): Child[] {
  const name = h('vscode-textfield', { placeholder: 'payload name', 'data-testid': 'payload-name' }) as HTMLElement & { value: string };
  const save = () => { const n = name.value.trim(); if (n) a.save(n); };
  name.addEventListener('keydown', e => { if ((e as KeyboardEvent).key === 'Enter') save(); });
  return [
    h('h2', {}, 'Saved payloads'),
    h('div', { className: 'row' }, name, h('vscode-button', { secondary: true, 'data-testid': 'save-payload', onclick: save }, 'Save current')),
    payloads.length
      ? h('ul', { className: 'list', 'data-testid': 'saved-payloads' }, ...payloads.map(p => h('li', { 'data-payload': p.name },
          h('span', { className: 'name' }, p.name), h('span', { className: 'muted' }, ` ${p.signature}`),
          h('vscode-button', { secondary: true, onclick: () => a.load(p) }, 'Load'),
          h('vscode-button', { secondary: true, onclick: () => a.remove(p.name) }, 'Delete'))))
      : h('p', { className: 'muted' }, 'None yet. Saved payloads go to .vscode/ml-serving/requests.json, which you can commit.'),
    history.length ? h('details', { className: 'history' }, h('summary', {}, `History (${history.length})`),
      h('ul', { className: 'list' }, ...history.map(e => h('li', {},
        h('span', { className: 'muted' }, new Date(e.at).toLocaleTimeString()), ` HTTP ${e.status} · ${ms(e.latencyMs)} · ${e.signature} `,
        h('vscode-button', { secondary: true, onclick: () => a.load(e) }, 'Load'))))) : null,
  ];
}
