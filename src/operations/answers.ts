/** Deploy answers from untrusted callers (command arguments, a chat tool, the CLI): each problem names the field. */
import { ValidationError } from '../common/errors';
import type { DeployAnswers } from '../serving/deploy/answers';

const STRING_FIELDS = ['serviceName', 'region', 'cpu', 'memory'] as const;
const INT_FIELDS = ['minInstances', 'maxInstances', 'concurrency'] as const;

export function parseAnswers(raw: unknown): DeployAnswers {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('options', 'expected an object');
  const o = raw as Record<string, unknown>;
  const known = new Set<string>([...STRING_FIELDS, ...INT_FIELDS, 'container', 'isPublic', 'yes', 'chat']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new ValidationError(`options.${k}`, 'unknown option');
  const a: DeployAnswers = {};
  for (const k of STRING_FIELDS) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') throw new ValidationError(`options.${k}`, 'expected a string');
    a[k] = o[k] as string;
  }
  for (const k of INT_FIELDS) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'number' || !Number.isInteger(o[k])) throw new ValidationError(`options.${k}`, 'expected a whole number');
    a[k] = o[k] as number;
  }
  if (o.container !== undefined) {
    if (o.container !== 'native' && o.container !== 'python') throw new ValidationError('options.container', 'expected "native" or "python"');
    a.container = o.container;
  }
  if (o.chat !== undefined) a.chat = o.chat;
  for (const k of ['isPublic', 'yes'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'boolean') throw new ValidationError(`options.${k}`, 'expected true or false');
    a[k] = o[k] as boolean;
  }
  return a;
}

