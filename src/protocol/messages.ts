/**
 * Typed message descriptors shared by every panel (as GitLens declares its IPC commands): each
 * webview → host message type is declared once, with one check per field, and its TypeScript type
 * is derived from those checks. `messageParser` turns a list of descriptors into the one parser a
 * panel host runs on everything the webview sends: the webview is untrusted input, so a message
 * of an unknown type, with a field missing, of the wrong type or size, or with a field nobody
 * declared, is refused with a ValidationError naming the field (`send.body: expected a string`).
 * No vscode import: the webview bundles compile this file too.
 */
import { ValidationError } from '../common/errors';

/** Checks one field's value; returns it typed, or throws a ValidationError naming `field`. */
export type Check<T> = (value: unknown, field: string) => T;

export const str = (max: number, pattern?: RegExp): Check<string> => (v, field) => {
  if (typeof v !== 'string') throw new ValidationError(field, 'expected a string');
  if (v.length > max) throw new ValidationError(field, `longer than ${max} characters`);
  if (pattern && !pattern.test(v)) throw new ValidationError(field, 'has an invalid format');
  return v;
};

export const int = (min: number, max: number): Check<number> => (v, field) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new ValidationError(field, `expected a whole number from ${min} to ${max}`);
  return v;
};

export const num = (min: number, max: number): Check<number> => (v, field) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ValidationError(field, `expected a number from ${min} to ${max}`);
  return v;
};

export const bool: Check<boolean> = (v, field) => {
  if (typeof v !== 'boolean') throw new ValidationError(field, 'expected true or false');
  return v;
};

export const list = <T>(item: Check<T>, maxItems: number): Check<T[]> => (v, field) => {
  if (!Array.isArray(v)) throw new ValidationError(field, 'expected a list');
  if (v.length > maxItems) throw new ValidationError(field, `more than ${maxItems} items`);
  return v.map((x, i) => item(x, `${field}[${i}]`));
};

type Fields = Record<string, Check<unknown>>;
type Payload<F extends Fields> = { [K in keyof F]: ReturnType<F[K]> };

export interface MessageDescriptor<T extends string, F extends Fields> {
  readonly type: T;
  readonly fields: F;
}

/** The message a descriptor describes: `{type, ...fields}`. */
export type MessageOf<D> = D extends MessageDescriptor<infer T, infer F> ? { type: T } & Payload<F> : never;

/** Declares one webview → host message type and the check of each of its fields. */
export function message<T extends string, F extends Fields = Record<never, never>>(type: T, fields?: F): MessageDescriptor<T, F> {
  return { type, fields: (fields ?? {}) as F };
}

/**
 * The parser of a panel's incoming messages: the exact set of declared fields, each checked.
 * Throws a ValidationError naming the field (`message`, `type`, or `<type>.<field>`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function messageParser<D extends MessageDescriptor<string, any>>(descriptors: readonly D[]): (raw: unknown) => MessageOf<D> {
  const byType = new Map<string, D>(descriptors.map(d => [d.type, d]));
  return raw => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError('message', 'expected an object');
    const m = raw as Record<string, unknown>;
    const d = typeof m.type === 'string' ? byType.get(m.type) : undefined;
    if (!d) throw new ValidationError('type', `unknown message type ${JSON.stringify(String(m.type)).slice(0, 60)}`);
    for (const k of Object.keys(m)) {
      if (k !== 'type' && !Object.prototype.hasOwnProperty.call(d.fields, k)) throw new ValidationError(`${d.type}.${k.slice(0, 40)}`, 'unexpected field');
    }
    const out: Record<string, unknown> = { type: d.type };
    for (const [k, check] of Object.entries(d.fields as Fields)) out[k] = check(m[k], `${d.type}.${k}`);
    return out as MessageOf<D>;
  };
}
