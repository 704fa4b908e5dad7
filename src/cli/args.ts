/** Command-line parsing for `ml-serving`. Pure: no I/O, throws UsageError (exit code 2). */
import { parseGcsUri } from '../gcp/storageSource';
import type { ContainerKind } from '../serving/routing/chooseContainer';
import { UsageError } from './usageError';
import { CLOUD_COMMANDS, isCloudCommand, parseCloudArgs, type CloudCommand } from './cloudArgs';

export { UsageError };

export const USAGE = `Usage: ml-serving <command> [options]

Commands:
  inspect <folder|gs://bucket/path>   Read a model folder as TF Serving will: version served,
                                      signatures, custom ops, and the container that can serve it.
  runs                                Vertex AI training runs (pipelines and custom jobs), newest first.
  models                              Model Registry versions with aliases and artifact URIs.
  services                            Cloud Run services deployed by ML Serving: URL, state, traffic.
  predict <service> --body JSON|@file Send one TF Serving predict request; prints the answer.
  logs <service>                      Recent log entries of a service (--follow keeps reading).

Options for inspect:
  --json                  print one JSON object instead of the report
  --label KEY=VALUE       a model label used as a routing hint (repeatable),
                          e.g. --label retrieval_algorithm=scann
  --container native|python
                          force the container; the report warns when that will fail
  -h, --help              show this help

Options for runs, models, services, predict, logs:
  --project ID            the Google Cloud project (default: GOOGLE_CLOUD_PROJECT, then gcloud's)
  --region R[,R...]       regions to read (default us-central1); repeatable
  --json                  JSON for pipelines instead of text
  --limit N               runs/models: most items per region (default 20); logs: entries (default 100)
  --all                   services: also those not deployed by ML Serving
  --body JSON|@file|@-    predict: the request, e.g. '{"instances":[{"x":1}]}'
  --minutes N             logs: how far back (default 60)
  --follow                logs: keep printing new entries until interrupted

<service> is projects/P/locations/R/services/S, or the service id with one --region.

Exit codes: inspect: 0 servable, 1 not servable (or the folder could not be read), 2 bad usage.
Other commands: 0 done, 1 the call failed (an API error, or predict got a non-2xx answer),
2 bad usage, 3 cannot connect or sign in (no ADC, emulator down), 4 not found (service).

gs:// paths and the cloud commands use Application Default Credentials, or the local emulator
when MLSERVING_EMULATOR=http://127.0.0.1:PORT (its admin URL) is set. Progress goes to stderr.
Deploying and moving traffic are not in the CLI yet: they run only in the extension today.`;

export type Command =
  | { command: 'help' }
  | CloudCommand
  | { command: 'inspect'; path: string; json: boolean; labels: Record<string, string>; override?: ContainerKind };

const LABEL = /^([a-z][a-z0-9_-]{0,62})=([a-z0-9_-]{0,63})$/;

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command (try: ml-serving inspect <folder|gs://bucket/path>)');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (isCloudCommand(command)) return parseCloudArgs(command, rest);
  if (command !== 'inspect') throw new UsageError(`unknown command "${command}" (commands: inspect, ${CLOUD_COMMANDS.join(', ')})`);

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
