/**
 * Cloud Logging meaning of filters over LogEntry objects (proto-loader form): `severity>=WARNING`
 * compares by severity rank, `timestamp` by time, `:` is a case-insensitive substring test,
 * a bare term searches every text field, `log_id("run.googleapis.com/stdout")`.
 */
import { FilterDomain, evaluate, ordered } from './evaluate';
import { FilterNode, FilterSyntaxError, Op, Value, parseFilter } from './parse';
import { timestampMs } from '../time';
import { structToJson as structJson } from '../../../src/serving/vertex/artifacts';

export const SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];
const SEVERITY_NUM: Record<string, number> = { DEFAULT: 0, DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600, ALERT: 700, EMERGENCY: 800 };

export function severityRank(s: string | number | undefined): number {
  if (typeof s === 'number') return s;
  if (!s) return 0;
  if (/^\d+$/.test(s)) return Number(s);
  return SEVERITY_NUM[s.toUpperCase()] ?? -1;
}

const snake = (s: string) => s.replace(/[A-Z]/g, c => '_' + c.toLowerCase());
const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** google.protobuf.Struct (proto-loader form) → plain JSON: the product's own converter. */
export function structToJson(v: any): unknown {
  return v == null ? null : structJson(v);
}

type Resolved = { found: false } | { found: true; value: unknown };

function resolve(entry: any, field: string[]): Resolved {
  const [head, ...rest] = field;
  const key = camel(head);
  let cur: unknown = key === 'jsonPayload' ? structToJson(entry.jsonPayload) : entry[key];
  if (cur === undefined && key === 'jsonPayload') return { found: false };
  for (const seg of rest) {
    if (cur == null || typeof cur !== 'object') return { found: false };
    const o = cur as Record<string, unknown>;
    // map keys (labels) keep their spelling; message fields accept snake_case or camelCase
    cur = seg in o ? o[seg] : o[camel(seg)] ?? o[snake(seg)];
  }
  return cur === undefined ? { found: false } : { found: true, value: cur };
}

function textOf(v: unknown): string {
  if (v && typeof v === 'object' && 'seconds' in (v as object)) return new Date(timestampMs(v as any)).toISOString();
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (Array.isArray(v)) v.forEach(x => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach(x => allStrings(x, out));
  return out;
}

function matchOp(op: Op, actual: unknown, value: Value, field: string): boolean {
  if (op === ':') {
    if (value.text === '*' && !value.quoted) return true; // presence
    return textOf(actual).toLowerCase().includes(value.text.toLowerCase());
  }
  if (op === '=~' || op === '!~') {
    const hit = new RegExp(value.text).test(textOf(actual));
    return op === '=~' ? hit : !hit;
  }
  if (field === 'severity') return ordered(op, severityRank(actual as string), severityRank(value.text));
  if (field === 'timestamp' || field === 'receiveTimestamp') {
    return ordered(op, timestampMs(actual as any), Date.parse(value.text));
  }
  if (typeof actual === 'number' && value.text !== '' && !Number.isNaN(Number(value.text))) return ordered(op, actual, Number(value.text));
  return ordered(op, textOf(actual), value.text);
}

export const loggingDomain: FilterDomain<any> = {
  compare(entry, field, op, value) {
    const name = camel(field[0]);
    const r = resolve(entry, field);
    if (!r.found) {
      // missing severity counts as DEFAULT, so severity<WARNING matches unset ones too
      if (name === 'severity') return matchOp(op, 'DEFAULT', value, 'severity');
      return op === '!=' || op === '!~';
    }
    return matchOp(op, r.value, value, field.length === 1 ? name : field.join('.'));
  },
  text(entry, value) {
    const needle = value.text.toLowerCase();
    const view = { ...entry, jsonPayload: structToJson(entry.jsonPayload), timestamp: undefined, receiveTimestamp: undefined };
    return allStrings(view).some(s => s.toLowerCase().includes(needle));
  },
  call(entry, _name, args) {
    return args.some(a => String(entry.logName ?? '').endsWith('/logs/' + encodeURIComponent(a.text)));
  },
};

export type LogFilter = (entry: any) => boolean;

/** Parse once, evaluate per entry. Throws FilterSyntaxError on bad input. */
export function compileLogFilter(filter: string | undefined): LogFilter {
  const node: FilterNode = parseFilter(filter);
  validate(node);
  return entry => evaluate(node, entry, loggingDomain);
}

/** Reject bad values up front (a typo in a severity or a time), as Cloud Logging does. */
function validate(node: FilterNode): void {
  switch (node.kind) {
    case 'and': case 'or': node.items.forEach(validate); return;
    case 'not': validate(node.item); return;
    case 'call':
      if (node.name !== 'log_id') throw new FilterSyntaxError(`unsupported function ${node.name}()`, 0);
      return;
    case 'compare': {
      const f = node.field.map(camel).join('.');
      if (f === 'severity' && node.op !== ':' && severityRank(node.value.text) < 0) {
        throw new FilterSyntaxError(`severity: unknown level "${node.value.text}" (expected one of ${SEVERITIES.join(', ')} or a number)`, 0);
      }
      if ((f === 'timestamp' || f === 'receiveTimestamp') && !['=~', '!~', ':'].includes(node.op) && Number.isNaN(Date.parse(node.value.text))) {
        throw new FilterSyntaxError(`${f}: "${node.value.text}" is not an RFC 3339 time`, 0);
      }
      if (node.op === '=~' || node.op === '!~') {
        try { new RegExp(node.value.text); } catch { throw new FilterSyntaxError(`${f}: bad regular expression "${node.value.text}"`, 0); }
      }
      return;
    }
    default: return;
  }
}
