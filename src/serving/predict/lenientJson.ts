/**
 * JSON.parse that also accepts the bare `NaN`, `Infinity` and `-Infinity` tokens TF Serving writes
 * for non-finite floats (JSON.parse rejects them). Tokens inside strings are left alone.
 */

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

// Sentinels that cannot occur in real data: private-use characters inside a string.
const MARK = '\uE000nonfinite\uE000';
const SENTINELS: Record<string, number> = { [`${MARK}NaN`]: NaN, [`${MARK}Infinity`]: Infinity, [`${MARK}-Infinity`]: -Infinity };

export function parseLenientJson(text: string): unknown {
  let out = '';
  let i = 0;
  let replaced = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      // Copy the whole string literal, honouring escapes.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const rest = text.startsWith('-Infinity', i) ? '-Infinity' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('NaN', i) ? 'NaN' : undefined;
    if (rest) {
      out += `"${MARK}${rest}"`;
      i += rest.length;
      replaced = true;
      continue;
    }
    out += c;
    i++;
  }
  try {
    return replaced ? JSON.parse(out, (_k, v) => (typeof v === 'string' && v in SENTINELS ? SENTINELS[v] : v)) : JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    throw new JsonSyntaxError(`not valid JSON: ${(e as Error).message}`, m ? Number(m[1]) : -1);
  }
}

/** JSON text that keeps NaN and ±Infinity as TF Serving's bare tokens (JSON.stringify would write null). */
export function stringifyLenient(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${MARK}${String(v)}` : v), indent);
  return text.replace(new RegExp(`"${MARK}(NaN|-?Infinity)"`, 'g'), '$1');
}
