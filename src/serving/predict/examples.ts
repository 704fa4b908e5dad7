/**
 * Example values for a fresh Test Prediction form, so a first Send works: the newest saved payload
 * (or a request from the history that succeeded) for the signature, else values made from the
 * signature's dtypes and shapes. Pure: shared by the panel (webview) and unit tests.
 */
import type { FormField, FormSchema } from './formSchema';
import { parseLenientJson } from './lenientJson';
import { emptyFormState, formStateFromBody, type FormState } from './request';

export interface ExampleSource {
  signature: string;
  body: string;
  /** ISO time: the newest wins. */
  at: string;
  /** Shown to the user: where the values came from. */
  label: string;
}

export interface ExampleForm {
  form: FormState;
  /** "saved payload "paris"", "the last successful request", or "the signature's dtypes". */
  from: string;
}

export function exampleForm(schema: FormSchema, sources: ExampleSource[] = []): ExampleForm {
  const mine = sources.filter(s => s.signature === schema.signature).sort((a, b) => b.at.localeCompare(a.at));
  for (const s of mine) {
    let json: unknown;
    try {
      json = parseLenientJson(s.body);
    } catch {
      continue;
    }
    const form = formStateFromBody(schema, json);
    if (form) return { form, from: s.label };
  }
  const form = emptyFormState(schema);
  form.instances = [Object.fromEntries(schema.fields.map(f => [f.name, exampleText(f, Boolean(form.b64[f.name]))]))];
  return { form, from: 'the signature\'s dtypes' };
}

/** One field's example as the form shows it: a scalar's text, or a list's JSON. */
export function exampleText(f: FormField, b64: boolean): string {
  if (!f.kind) return '';
  const one = (): unknown => (f.kind === 'string' ? (b64 ? 'aGVsbG8=' : 'example') : f.kind === 'integer' ? 1 : f.kind === 'float' ? 0.5 : true);
  if (f.scalar) return String(one());
  // A list per instance: its fixed sizes, 2 where a size is unknown (-1) or the rank is.
  const dims = f.instanceShape ?? [2];
  const build = (k: number): unknown => (k === dims.length ? one() : Array.from({ length: dims[k] > 0 ? Math.min(dims[k], 8) : 2 }, () => build(k + 1)));
  return JSON.stringify(build(0));
}
