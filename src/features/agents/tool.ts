/**
 * Shared pieces of the language model tools: input checks that name the field, compact text
 * results, and the confirmations each changing tool records in prepareInvocation for its invoke.
 */
import * as vscode from 'vscode';
import { UserError } from '../../common/errors';

type Obj = Record<string, unknown>;

/** A bad tool input: the message starts with the field, so the model can fix its call. */
export class ToolInputError extends Error {
  constructor(readonly field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}

export function inputObject(input: unknown, known: string[]): Obj {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ToolInputError('input', 'expected an object');
  for (const k of Object.keys(input)) if (!known.includes(k)) throw new ToolInputError(k, `unknown field (known: ${known.join(', ')})`);
  return input as Obj;
}

export function str(o: Obj, field: string, re: RegExp, hint: string, required: true): string;
export function str(o: Obj, field: string, re: RegExp, hint: string, required?: boolean): string | undefined;
export function str(o: Obj, field: string, re: RegExp, hint: string, required = false): string | undefined {
  const v = o[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ToolInputError(field, `required (${hint})`);
    return undefined;
  }
  if (typeof v !== 'string' || !re.test(v)) throw new ToolInputError(field, `expected ${hint}, got ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
}

export function int(o: Obj, field: string, min: number, max: number): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ToolInputError(field, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(o: Obj, field: string, values: readonly T[], required = false): T | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    if (required) throw new ToolInputError(field, `required (one of ${values.join(', ')})`);
    return undefined;
  }
  if (!values.includes(v as T)) throw new ToolInputError(field, `expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export const SERVICE_HINT = 'a Cloud Run service name projects/P/locations/R/services/S';

export function text(...lines: string[]): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(lines.filter(l => l !== '').join('\n'))]);
}

/** A failure the model should read: a UserError's message and next step, never a stack. */
export function failureText(e: unknown): string {
  if (e instanceof UserError) return `${e.message}${e.next ? ` ${e.next}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * What prepareInvocation showed for one input, kept for the invoke that follows: VS Code calls
 * invoke only after the user accepted that confirmation (in chat, or its own dialog outside one).
 * An invoke with no matching entry (nobody was shown anything) gets no chat token, so the command
 * asks with its own modal. Entries are single-use and expire.
 */
export class Shown {
  private readonly entries = new Map<string, { text: string; at: number }>();

  constructor(private readonly ttlMs = 10 * 60_000) {}

  remember(input: unknown, text: string): void {
    this.entries.set(JSON.stringify(input), { text, at: Date.now() });
  }

  take(input: unknown): string | undefined {
    const key = JSON.stringify(input);
    const e = this.entries.get(key);
    this.entries.delete(key);
    return e && Date.now() - e.at < this.ttlMs ? e.text : undefined;
  }
}

export function bool(o: Obj, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ToolInputError(field, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}
