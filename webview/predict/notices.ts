/** The panel's problem list and its passing notice (requestView and actions both show them). */
import { h, replace } from '../shared/dom';
import { sections, ui } from './state';

/** The field errors of the request, or nothing. */
export function renderErrors(): void {
  if (!ui.errors.length) return replace(sections.errors);
  replace(sections.errors, h('ul', { className: 'errors' }, ...ui.errors.map(e => h('li', {}, h('code', {}, e.field), ': ', e.message))));
}

/** A notice that clears itself after a few seconds. */
export function showNotice(level: 'info' | 'error', text: string): void {
  ui.notice = { level, text };
  replace(sections.notice, h('p', { className: level === 'error' ? 'error-box' : 'info-box' }, text));
  window.setTimeout(() => { if (ui.notice?.text === text) { ui.notice = undefined; replace(sections.notice); } }, 6000);
}
