/**
 * AIP-160 list filters as Vertex AI applies them to its resources: a fixed set of fields per list
 * method (snake_case or camelCase), `labels.key=value`, `labels.key:*` / `labels:key` presence,
 * `:` as a `*`-wildcard match, RFC 3339 times. An unknown field is INVALID_ARGUMENT.
 */
import { invalidArgument } from '../errors';
import { FilterDomain, evaluate, fieldsOf, globMatch, ordered } from './evaluate';
import { FilterSyntaxError, Op, Value, parseFilter } from './parse';

export interface FieldSpec<T> {
  type: 'string' | 'time';
  /** String value, or epoch ms for times; undefined when unset. */
  get(item: T): string | number | undefined;
}

export interface ResourceSchema<T> {
  fields: Record<string, FieldSpec<T>>;
  labels?(item: T): Record<string, string> | undefined;
}

const snake = (s: string) => s.replace(/[A-Z]/g, c => '_' + c.toLowerCase());

export function compileResourceFilter<T>(filter: string | undefined, schema: ResourceSchema<T>): (item: T) => boolean {
  let node;
  try { node = parseFilter(filter); } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalidArgument(`filter: ${e.message}`);
    throw e;
  }
  for (const f of fieldsOf(node)) {
    const head = snake(f[0]);
    if (head === 'labels' && schema.labels) { if (f.length > 2) throw invalidArgument(`filter: bad label reference "${f.join('.')}"`); continue; }
    const spec = schema.fields[f.join('.').split('.').map(snake).join('.')];
    if (!spec) throw invalidArgument(`filter: unsupported field "${f.join('.')}" (supported: ${[...Object.keys(schema.fields), ...(schema.labels ? ['labels'] : [])].join(', ')})`);
  }
  const domain: FilterDomain<T> = {
    compare(item, field, op, value) {
      if (snake(field[0]) === 'labels') {
        const labels = schema.labels?.(item) ?? {};
        if (field.length === 1) return op === ':' ? value.text in labels : false; // labels:key
        const v = labels[field[1]];
        if (op === ':') return value.text === '*' ? v !== undefined : v !== undefined && globMatch(value.text, v);
        if (v === undefined) return op === '!=';
        return ordered(op, v, value.text);
      }
      const spec = schema.fields[field.map(snake).join('.')];
      return compareField(spec, spec.get(item), op, value, field.join('.'));
    },
    text(_item, value) {
      throw invalidArgument(`filter: bare term "${value.text}" is not supported; use field=value`);
    },
    call(_item, name) {
      throw invalidArgument(`filter: unsupported function ${name}()`);
    },
  };
  return item => evaluate(node, item, domain);
}

function compareField<T>(spec: FieldSpec<T>, actual: string | number | undefined, op: Op, value: Value, field: string): boolean {
  if (spec.type === 'time') {
    const t = Date.parse(value.text);
    if (Number.isNaN(t)) throw invalidArgument(`filter: ${field} must be compared with an RFC 3339 time, got "${value.text}"`);
    if (actual === undefined) return op === '!=';
    return ordered(op, actual as number, t);
  }
  if (op === ':') return actual !== undefined && globMatch(value.text, String(actual));
  if (op === '=~' || op === '!~') throw invalidArgument(`filter: operator ${op} is not supported on ${field}`);
  if (actual === undefined) return op === '!=';
  return ordered(op, String(actual), value.text);
}
