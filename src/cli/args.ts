/** Command-line parsing for `ml-serving`. Pure: no I/O, throws UsageError (exit code 2). */
import { parseGcsUri } from '../gcp/storageSource';
import type { ContainerKind } from '../serving/routing/chooseContainer';
import { CLOUD_COMMANDS, isCloudCommand, parseCloudArgs, type CloudCommand } from './cloudArgs';
import { last, readFlags, UsageError } from './flags';
import { ENDPOINT_COMMANDS, isEndpointCommand, parseEndpointArgs, type EndpointCommand } from './endpointArgs';
import { COMMAND_HELP } from './help';
import { isOperationCommand, OPERATION_COMMANDS, parseOperationArgs, type OperationCommand } from './operationArgs';

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
  deploy <model> --service NAME       Deploy a SavedModel to Cloud Run (a new service, or a new
                                      revision that keeps what the service already runs with).
                                      <model> is gs://BUCKET/PATH or projects/P/locations/R/models/ID@VERSION.
  traffic <service> ACTION            Move traffic: --canary REVISION --percent N, --promote,
                                      --end-canary, or --rollback REVISION.
  compare <service> --a REV --b REV --requests FILE.jsonl
                                      Send the same requests to two revisions (through tag URLs)
                                      and compare their top-K answers, errors and latency.
  endpoints                           Vertex AI endpoints: deployed models, traffic, machines.
  endpoint-deploy <model> --endpoint ID|--new-endpoint NAME
                                      Deploy a Model Registry version to a Vertex AI endpoint
                                      (--machine-type, --min-replicas, --max-replicas, --traffic N).
  endpoint-traffic <endpoint> --split DEPLOYED_ID=PCT,...
                                      Set an endpoint's traffic split (summing to 100).
  endpoint-undeploy <endpoint> <deployedModelId>
                                      Undeploy a model; its share goes to the others.

"ml-serving <command> --help" shows a command's own options.

Options for inspect:
  --json                  print one JSON object instead of the report
  --label KEY=VALUE       a model label used as a routing hint (repeatable),
                          e.g. --label retrieval_algorithm=scann
  --container native|python
                          force the container; the report warns when that will fail
  -h, --help              show this help

Options for the cloud commands (all but inspect):
  --project ID            the Google Cloud project (default: GOOGLE_CLOUD_PROJECT, then gcloud's)
  --region R[,R...]       regions to read (default us-central1); repeatable; deploy: one region
  --json                  JSON for pipelines instead of text
  --limit N               runs/models: most items per region (default 20); logs: entries (default 100)
  --all                   services: also those not deployed by ML Serving
  --body JSON|@file|@-    predict: the request, e.g. '{"instances":[{"x":1}]}'
  --minutes N             logs: how far back (default 60)
  --follow                logs: keep printing new entries until interrupted
  --yes                   deploy, traffic, compare, endpoint-*: confirm without asking. Without
                          it the plan is printed and a terminal is asked; with no terminal the
                          command refuses (exit 5) and changes nothing.

Options for deploy:
  --service NAME          the Cloud Run service (required); an existing one gets a new revision
  --container native|python   the container (default: the one the model needs)
  --cpu C, --memory M     e.g. --cpu 2 --memory 4Gi (a redeploy keeps the service's otherwise)
  --min-instances N, --max-instances N, --concurrency N
  --public | --no-public  allow unauthenticated calls, or require authentication
  --service-account EMAIL the identity the model runs as
  --image REF             the serving image (default: REGION-docker.pkg.dev/PROJECT/ml-serving/…)

Options for compare:
  --a REV, --b REV        the reference revision and the one to compare with it
  --requests FILE.jsonl   one request body per line (at most 500)
  --k N                   top-K ids compared (default 10)

<service> is projects/P/locations/R/services/S, or the service id with one --region.

Exit codes: inspect: 0 servable, 1 not servable (or the folder could not be read), 2 bad usage.
Other commands: 0 done, 1 the call failed (an API error, predict got a non-2xx answer, or the
deployed revision did not become ready: the previous one keeps serving), 2 bad usage (the message
names the flag), 3 cannot connect or sign in (no ADC, emulator down), 4 not found (service, model
version), 5 not confirmed (no --yes without a terminal, or "n" at the prompt): nothing changed.

gs:// paths and the cloud commands use Application Default Credentials, or the local emulator
when MLSERVING_EMULATOR=http://127.0.0.1:PORT (its admin URL) is set. Progress goes to stderr.`;

export type Command =
  | { command: 'help'; topic?: string }
  | EndpointCommand
  | CloudCommand
  | OperationCommand
  | { command: 'inspect'; path: string; json: boolean; labels: Record<string, string>; override?: ContainerKind };

const LABEL = /^([a-z][a-z0-9_-]{0,62})=([a-z0-9_-]{0,63})$/;

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command (try: ml-serving inspect <folder|gs://bucket/path>)');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  // "ml-serving deploy --help" is deploy's help, whatever else the line holds.
  if (rest.some(a => a === '-h' || a === '--help')) return command in COMMAND_HELP ? { command: 'help', topic: command } : { command: 'help' };
  if (isEndpointCommand(command)) return parseEndpointArgs(command, rest);
  if (isCloudCommand(command)) return parseCloudArgs(command, rest);
  if (isOperationCommand(command)) return parseOperationArgs(command, rest);
  if (command !== 'inspect') throw new UsageError(`unknown command "${command}" (commands: inspect, ${[...CLOUD_COMMANDS, ...OPERATION_COMMANDS, ...ENDPOINT_COMMANDS].join(', ')})`);

  const r = readFlags('inspect', rest, { '--json': 'flag', '--label': 'value', '--container': 'value' });
  const labels: Record<string, string> = {};
  for (const v of r.values.get('--label') ?? []) {
    const m = LABEL.exec(v);
    if (!m) throw new UsageError(`--label "${v}": expected key=value in lowercase letters, digits, _ and - (as Vertex AI labels are)`);
    labels[m[1]] = m[2];
  }
  const container = last(r, '--container');
  if (container !== undefined && container !== 'native' && container !== 'python') throw new UsageError(`--container "${container}": expected native or python`);
  if (r.positional.length > 1) throw new UsageError(`unexpected argument "${r.positional[1]}": inspect takes one folder`);
  const path = r.positional[0];
  if (path === undefined || path === '') throw new UsageError('inspect: missing <folder|gs://bucket/path>');
  if (/^gs:/i.test(path)) {
    try {
      parseGcsUri(path);
    } catch (e) {
      throw new UsageError(`bad Cloud Storage path ${(e as Error).message}`);
    }
  }
  return { command: 'inspect', path, json: r.flags.has('--json'), labels, ...(container ? { override: container } : {}) };
}
