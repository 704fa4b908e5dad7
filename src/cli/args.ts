/** Command-line parsing for `ml-serving`. Pure: no I/O, throws UsageError (exit code 2). */
import { parseGcsUri } from '../gcp/storageSource';
import type { ContainerKind } from '../serving/routing/chooseContainer';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: ml-serving <command> [options]

Commands:
  inspect <folder|gs://bucket/path>   Read a model folder as TF Serving will: version served,
                                      signatures, custom ops, and the container that can serve it.

Options for inspect:
  --json                  print one JSON object instead of the report
  --label KEY=VALUE       a model label used as a routing hint (repeatable),
                          e.g. --label retrieval_algorithm=scann
  --container native|python
                          force the container; the report warns when that will fail
  -h, --help              show this help

Exit codes: 0 servable, 1 not servable (or the folder could not be read), 2 bad usage.

gs:// paths use Application Default Credentials, or the local emulator when
MLSERVING_EMULATOR=http://127.0.0.1:PORT (its admin URL) is set.`;

export type Command =
  | { command: 'help' }
  | { command: 'inspect'; path: string; json: boolean; labels: Record<string, string>; override?: ContainerKind };

const LABEL = /^([a-z][a-z0-9_-]{0,62})=([a-z0-9_-]{0,63})$/;

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command (try: ml-serving inspect <folder|gs://bucket/path>)');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command !== 'inspect') throw new UsageError(`unknown command "${command}" (commands: inspect)`);

  let path: string | undefined;
  let json = false;
  let override: ContainerKind | undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    // Accept both "--opt value" and "--opt=value".
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} expects a value`);
      return v;
    };
    if (name === '-h' || name === '--help') return { command: 'help' };
    if (name === '--json') {
      if (eq > 0) throw new UsageError('--json takes no value');
      json = true;
    } else if (name === '--label') {
      const v = value();
      const m = LABEL.exec(v);
      if (!m) throw new UsageError(`--label "${v}": expected key=value in lowercase letters, digits, _ and - (as Vertex AI labels are)`);
      labels[m[1]] = m[2];
    } else if (name === '--container') {
      const v = value();
      if (v !== 'native' && v !== 'python') throw new UsageError(`--container "${v}": expected native or python`);
      override = v;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option "${arg}" for inspect`);
    } else if (path === undefined) {
      path = arg;
    } else {
      throw new UsageError(`unexpected argument "${arg}": inspect takes one folder`);
    }
  }
  if (path === undefined || path === '') throw new UsageError('inspect: missing <folder|gs://bucket/path>');
  if (/^gs:/i.test(path)) {
    try {
      parseGcsUri(path);
    } catch (e) {
      throw new UsageError(`bad Cloud Storage path ${(e as Error).message}`);
    }
  }
  return { command: 'inspect', path, json, labels, ...(override ? { override } : {}) };
}
