/** The runs filter box: free text plus `state:` and `label:key=value` terms (no vscode import). */
import { ValidationError } from '../../common/errors';
import type { RunState } from '../../serving/domain';
import { labelKeyProblem } from '../../serving/labels';
import type { RunFilter } from './runsPager';

const STATES: RunState[] = ['running', 'succeeded', 'failed', 'cancelled', 'pending'];

/** Parses the filter box: free text plus `state:failed` and `label:key=value` terms. */
export function parseRunFilter(input: string): RunFilter {
  const f: RunFilter = {};
  const text: string[] = [];
  for (const term of input.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(state|label):(.*)$/i.exec(term);
    if (!m) { text.push(term); continue; }
    if (m[1].toLowerCase() === 'state') {
      const s = m[2].toLowerCase() as RunState;
      if (!STATES.includes(s)) throw new ValidationError('state', `"${m[2]}" is not one of ${STATES.join(', ')}`);
      f.state = s;
    } else {
      const kv = /^([^=]+)=(.*)$/.exec(m[2]);
      if (!kv) throw new ValidationError('label', `expected label:key=value, got "${term}"`);
      const p = labelKeyProblem(kv[1]);
      if (p) throw new ValidationError('label', `"${kv[1]}": ${p}`);
      f.label = { key: kv[1], value: kv[2] };
    }
  }
  if (text.length) f.text = text.join(' ');
  return f;
}

export function formatRunFilter(f: RunFilter): string {
  return [f.text ?? '', f.state ? `state:${f.state}` : '', f.label ? `label:${f.label.key}=${f.label.value}` : ''].filter(Boolean).join(' ');
}

/** The runs view's title note: "filter: state:failed" while a filter is set, nothing otherwise. */
export function filterDescription(f: RunFilter): string | undefined {
  const text = formatRunFilter(f);
  return text ? `filter: ${text}` : undefined;
}
