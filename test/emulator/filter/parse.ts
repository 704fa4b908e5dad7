/**
 * Parser for the filter language of Cloud Logging and of Google list methods (AIP-160): the subset
 * the emulator evaluates. Precedence as both documents it: OR binds tighter than AND, and terms
 * side by side are joined by AND. Supported:
 *   field.path OP value      OP: = != < <= > >= : =~ !~
 *   field = ("a" OR "b")     a parenthesised list of values
 *   NOT term, -term, ( expression ), bare "text" (a global text search)
 *   log_id("run.googleapis.com/stdout")   the one function Cloud Logging users need here
 */

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':' | '=~' | '!~';

export interface Value {
  text: string;
  quoted: boolean;
}

export type FilterNode =
  | { kind: 'and'; items: FilterNode[] }
  | { kind: 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'compare'; field: string[]; op: Op; value: Value }
  | { kind: 'text'; value: Value }
  | { kind: 'call'; name: string; args: Value[] }
  | { kind: 'all' };

export class FilterSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

type Token =
  | { t: 'word'; v: string; pos: number; end: number }
  | { t: 'string'; v: string; pos: number; end: number }
  | { t: 'op'; v: Op; pos: number; end: number }
  | { t: '(' | ')' | ','; pos: number; end: number }
  | { t: 'eof'; pos: number; end: number };

const OPS: Op[] = ['<=', '>=', '!=', '=~', '!~', '<', '>', '=', ':'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',') { out.push({ t: c, pos: i, end: i + 1 }); i++; continue; }
    const op = OPS.find(o => src.startsWith(o, i));
    if (op) { out.push({ t: 'op', v: op, pos: i, end: i + op.length }); i += op.length; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1, v = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) { j++; v += src[j] === 'n' ? '\n' : src[j] === 't' ? '\t' : src[j]; }
        else v += src[j];
        j++;
      }
      if (j >= src.length) throw new FilterSyntaxError(`unterminated string starting at position ${i}`, i);
      out.push({ t: 'string', v, pos: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()",']/.test(src[j]) && !OPS.some(o => src.startsWith(o, j))) j++;
    out.push({ t: 'word', v: src.slice(i, j), pos: i, end: j });
    i = j;
  }
  out.push({ t: 'eof', pos: src.length, end: src.length });
  return out;
}

export function parseFilter(src: string | undefined | null): FilterNode {
  if (!src || !src.trim()) return { kind: 'all' };
  const toks = tokenize(src);
  let k = 0;
  const peek = () => toks[k];
  const isWord = (w: string) => { const t = peek(); return t.t === 'word' && t.v === w; };
  const fail = (msg: string): never => { throw new FilterSyntaxError(`${msg} at position ${peek().pos}`, peek().pos); };

  function expression(): FilterNode {
    const items: FilterNode[] = [];
    const add = (n: FilterNode) => (n.kind === 'and' ? items.push(...n.items) : items.push(n));
    add(sequence());
    while (isWord('AND')) { k++; add(sequence()); }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }
  function sequence(): FilterNode {
    const items = [factor()];
    for (;;) {
      const t = peek();
      if (t.t === 'eof' || t.t === ')' || (t.t === 'word' && t.v === 'AND')) break;
      items.push(factor());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }
  function factor(): FilterNode {
    const items = [term()];
    while (isWord('OR')) { k++; items.push(term()); }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }
  function term(): FilterNode {
    if (isWord('NOT')) { k++; return { kind: 'not', item: simple() }; }
    const t = peek();
    if (t.t === 'word' && t.v === '-' && toks[k + 1].pos === t.end && toks[k + 1].t !== 'eof') {
      k++;
      return { kind: 'not', item: simple() };
    }
    if (t.t === 'word' && t.v.startsWith('-') && t.v.length > 1) {
      toks[k] = { ...t, v: t.v.slice(1), pos: t.pos + 1 };
      return { kind: 'not', item: simple() };
    }
    return simple();
  }
  function simple(): FilterNode {
    const t = peek();
    if (t.t === '(') {
      k++;
      const e = expression();
      if (peek().t !== ')') fail('expected ")"');
      k++;
      return e;
    }
    if (t.t === 'string') { k++; return maybeCompare([], { text: t.v, quoted: true }, t); }
    if (t.t === 'word') {
      if (['AND', 'OR', 'NOT'].includes(t.v)) fail(`unexpected ${t.v}`);
      k++;
      if (peek().t === '(' && peek().pos === t.end) return call(t.v);
      // A quoted path segment: labels."a key"
      const path = t.v.split('.');
      while (path[path.length - 1] === '' && peek().t === 'string' && peek().pos === toks[k - 1].end) {
        path[path.length - 1] = (peek() as { v: string }).v;
        k++;
        if (peek().t === 'word' && (peek() as { v: string }).v.startsWith('.') && peek().pos === toks[k - 1].end) {
          path.push(...(peek() as { v: string }).v.slice(1).split('.'));
          k++;
        }
      }
      return maybeCompare(path, { text: t.v, quoted: false }, t);
    }
    return fail(t.t === 'eof' ? 'unexpected end of filter' : `unexpected "${t.t === 'op' ? t.v : t.t}"`);
  }
  function call(name: string): FilterNode {
    k++; // (
    const args: Value[] = [];
    while (peek().t !== ')') {
      const a = peek();
      if (a.t !== 'string' && a.t !== 'word') fail(`expected an argument of ${name}()`);
      args.push({ text: (a as { v: string }).v, quoted: a.t === 'string' });
      k++;
      if (peek().t === ',') k++;
      else if (peek().t !== ')') fail('expected "," or ")"');
    }
    k++;
    return { kind: 'call', name, args };
  }
  function maybeCompare(path: string[], bare: Value, start: Token): FilterNode {
    const t = peek();
    if (t.t !== 'op') return { kind: 'text', value: bare };
    if (start.t === 'string' && path.length === 0) fail('a quoted string cannot be compared; put the field name first');
    if (path.some(p => p === '')) fail(`bad field name "${path.join('.')}"`);
    k++;
    return argument(path, t.v);
  }
  function argument(field: string[], op: Op): FilterNode {
    const t = peek();
    if (t.t === 'string' || t.t === 'word') {
      k++;
      return { kind: 'compare', field, op, value: { text: t.v, quoted: t.t === 'string' } };
    }
    if (t.t === '(') {
      // field = ("a" OR "b" AND ...): same precedence rules, over values
      k++;
      const e = valueExpr(field, op);
      if (peek().t !== ')') fail('expected ")"');
      k++;
      return e;
    }
    return fail(`expected a value after "${op}"`);
  }
  function valueExpr(field: string[], op: Op): FilterNode {
    const ands: FilterNode[] = [];
    for (;;) {
      const ors: FilterNode[] = [argument(field, op)];
      while (isWord('OR')) { k++; ors.push(argument(field, op)); }
      ands.push(ors.length === 1 ? ors[0] : { kind: 'or', items: ors });
      if (isWord('AND')) { k++; continue; }
      break;
    }
    return ands.length === 1 ? ands[0] : { kind: 'and', items: ands };
  }

  const node = expression();
  if (peek().t !== 'eof') fail('unexpected text');
  return node;
}
