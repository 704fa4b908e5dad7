/**
 * The one flag reader of `ml-serving`: "--opt value" and "--opt=value", flags that take no value,
 * positionals, and errors that name the flag. Each command says which options it takes. Pure.
 */
import { UsageError } from './usageError';

export { UsageError };

export interface ReadFlags {
  /** Values of each option in the order given (repeatable options keep them all). */
  values: Map<string, string[]>;
  /** Options without a value that were given. */
  flags: Set<string>;
  positional: string[];
  help: boolean;
}

/** `value`: takes a value; `flag`: takes none. */
export type FlagKinds = Record<string, 'value' | 'flag'>;

export function readFlags(command: string, rest: readonly string[], kinds: FlagKinds): ReadFlags {
  const out: ReadFlags = { values: new Map(), flags: new Set(), positional: [], help: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '-h' || name === '--help') {
      out.help = true;
      continue;
    }
    const kind = kinds[name];
    if (kind === 'flag') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      out.flags.add(name);
    } else if (kind === 'value') {
      let v: string | undefined;
      if (eq > 0) v = arg.slice(eq + 1);
      else {
        v = rest[++i];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} expects a value`);
      }
      out.values.set(name, [...(out.values.get(name) ?? []), v]);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option "${arg}" for ${command}`);
    } else {
      out.positional.push(arg);
    }
  }
  return out;
}

/** The last value of an option (a later one wins), or undefined. */
export function last(r: ReadFlags, name: string): string | undefined {
  const v = r.values.get(name);
  return v?.[v.length - 1];
}

/** A whole number option within bounds; the error names the flag. */
export function intFlag(r: ReadFlags, name: string, min: number, max: number): number | undefined {
  const v = last(r, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || +v < min || +v > max) throw new UsageError(`${name} "${v}": expected a whole number from ${min} to ${max}`);
  return Number(v);
}
