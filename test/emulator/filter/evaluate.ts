/** Evaluates a parsed filter with a domain-specific meaning of fields, text terms and functions. */
import type { FilterNode, Op, Value } from './parse';

export interface FilterDomain<T> {
  compare(item: T, field: string[], op: Op, value: Value): boolean;
  text(item: T, value: Value): boolean;
  call(item: T, name: string, args: Value[]): boolean;
}

export function evaluate<T>(node: FilterNode, item: T, domain: FilterDomain<T>): boolean {
  switch (node.kind) {
    case 'all': return true;
    case 'and': return node.items.every(n => evaluate(n, item, domain));
    case 'or': return node.items.some(n => evaluate(n, item, domain));
    case 'not': return !evaluate(node.item, item, domain);
    case 'compare': return domain.compare(item, node.field, node.op, node.value);
    case 'text': return domain.text(item, node.value);
    case 'call': return domain.call(item, node.name, node.args);
  }
}

/** Every field path a filter names (to validate them up front, once per request). */
export function fieldsOf(node: FilterNode): string[][] {
  switch (node.kind) {
    case 'and': case 'or': return node.items.flatMap(fieldsOf);
    case 'not': return fieldsOf(node.item);
    case 'compare': return [node.field];
    default: return [];
  }
}

/** Ordered comparison of two values already converted to a common type. */
export function ordered(op: Op, a: number | string, b: number | string): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default: return false;
  }
}

/** `*` wildcards of list filters (`display_name:"my_job_*"`). */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(text);
}
