/**
 * The compare tool's input, checked without vscode (unit-tested): every bad field is named, and
 * a requests file must be a JSONL file inside the workspace (a model's call must not read
 * anything else on the machine).
 */
import * as path from 'node:path';
import { ValidationError } from '../../common/errors';
import { REVISION_ID, SERVICE_NAME } from '../../serving/resourceNames';

export interface CompareInput {
  service: string;
  a: string;
  b: string;
  /** Absolute path of the JSONL file, or undefined for the service's saved payloads. */
  requests?: string;
}

const KNOWN = ['service', 'a', 'b', 'requests'];

export function parseCompareInput(input: unknown, workspaceRoot: string | undefined): CompareInput {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError('input', 'expected an object');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new ValidationError(k, `unknown field (known: ${KNOWN.join(', ')})`);
  const need = (field: string, re: RegExp, hint: string): string => {
    const v = o[field];
    if (v === undefined || v === null || v === '') throw new ValidationError(field, `required (${hint})`);
    if (typeof v !== 'string' || !re.test(v)) throw new ValidationError(field, `expected ${hint}, got ${JSON.stringify(v)?.slice(0, 80)}`);
    return v;
  };
  const service = need('service', SERVICE_NAME, 'a Cloud Run service name projects/P/locations/R/services/S');
  const a = need('a', REVISION_ID, 'a revision id such as my-model-00001-abc');
  const b = need('b', REVISION_ID, 'a revision id such as my-model-00002-def');
  if (a === b) throw new ValidationError('b', `must differ from a (both are ${a})`);
  const r = o.requests;
  if (r === undefined || r === null || r === '') return { service, a, b };
  if (typeof r !== 'string') throw new ValidationError('requests', `expected the path of a .jsonl file in the workspace, got ${JSON.stringify(r)?.slice(0, 80)}`);
  if (!/\.(jsonl|ndjson)$/i.test(r)) throw new ValidationError('requests', `expected a .jsonl or .ndjson file, got "${r.slice(0, 200)}"`);
  if (!workspaceRoot) throw new ValidationError('requests', 'a file needs an open workspace folder (omit it to use the saved payloads)');
  const root = path.resolve(workspaceRoot);
  const abs = path.resolve(root, r);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ValidationError('requests', `"${r.slice(0, 200)}" is outside the workspace folder`);
  return { service, a, b, requests: abs };
}
