/**
 * Test material: compares a response body with an expected one the way TF Serving's own tests do.
 * `values` mode is CompareJson / Python's json.loads equality (numbers by value, 42 == 42.0,
 * objects order-insensitive); `text` mode is CompareJsonAllValuesAsStrings (every number token as
 * printed: `9e+06`, `999999.0`, `NaN`). Returns the first difference, or undefined.
 */
import { parseJson, type JValue } from '../json/parse';

export type CompareMode = 'values' | 'text';

function fromPlain(v: unknown): JValue {
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') return { t: 'num', v, kind: 'double', raw: String(v) };
  if (typeof v === 'string') return { t: 'str', v };
  if (Array.isArray(v)) return { t: 'arr', items: v.map(fromPlain) };
  return { t: 'obj', members: Object.entries(v as object).map(([k, x]) => [k, fromPlain(x)]) };
}

function diff(a: JValue, e: JValue, mode: CompareMode, at: string): string | undefined {
  if (a.t !== e.t) return `${at}: got ${a.t}, expected ${e.t}`;
  switch (e.t) {
    case 'null': return undefined;
    case 'bool': case 'str': return a.t === e.t && (a as typeof e).v === e.v ? undefined : `${at}: got ${JSON.stringify((a as typeof e).v)}, expected ${JSON.stringify(e.v)}`;
    case 'num': {
      const an = a as typeof e;
      if (mode === 'text') return an.raw === e.raw ? undefined : `${at}: got ${an.raw}, expected ${e.raw}`;
      const same = Object.is(an.v, e.v) || an.v === e.v || (Number.isNaN(an.v) && Number.isNaN(e.v));
      return same ? undefined : `${at}: got ${an.raw}, expected ${e.raw}`;
    }
    case 'arr': {
      const aa = a as typeof e;
      if (aa.items.length !== e.items.length) return `${at}: got ${aa.items.length} items, expected ${e.items.length}`;
      for (let k = 0; k < e.items.length; k++) {
        const d = diff(aa.items[k], e.items[k], mode, `${at}[${k}]`);
        if (d) return d;
      }
      return undefined;
    }
    case 'obj': {
      const ao = a as typeof e;
      const keys = (o: typeof e) => o.members.map(([k]) => k).sort();
      if (keys(ao).join('\0') !== keys(e).join('\0')) return `${at}: keys ${JSON.stringify(keys(ao))}, expected ${JSON.stringify(keys(e))}`;
      for (const [k, ev] of e.members) {
        const d = diff(ao.members.find(([n]) => n === k)![1], ev, mode, `${at}.${k}`);
        if (d) return d;
      }
      return undefined;
    }
  }
}

/** `expected` is JSON text (may hold NaN/Infinity) or an already-parsed value. */
export function compareBody(actualText: string, expected: string | unknown, mode: CompareMode = 'values'): string | undefined {
  let actual: JValue;
  try {
    actual = parseJson(actualText);
  } catch (e) {
    return `response is not JSON (${(e as Error).message}): ${actualText.slice(0, 200)}`;
  }
  const exp = typeof expected === 'string' ? parseJson(expected) : fromPlain(expected);
  return diff(actual, exp, mode, '$');
}
