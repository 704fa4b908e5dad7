/** Arguments of the commands that change things (`deploy`, `traffic`) and `compare`. Pure. */
import type { DeployAnswers } from '../serving/deploy/answers';
import { serviceNameProblem } from '../serving/deploy/names';
import type { TrafficAction } from '../operations/traffic';
import { COMMON_FLAGS, commonOptions, serviceArgument } from './cloudArgs';
import { intFlag, last, readFlags, UsageError } from './flags';

export const OPERATION_COMMANDS = ['deploy', 'traffic', 'compare'] as const;
export type OperationCommandName = (typeof OPERATION_COMMANDS)[number];

interface Common {
  json: boolean;
  project?: string;
  regions: string[];
  /** Changes without asking (pipelines); without it a terminal is asked, anything else refused. */
  yes: boolean;
}

export type OperationCommand =
  | (Common & { command: 'deploy'; source: { kind: 'gcs'; uri: string } | { kind: 'registry'; model: string; version: string }; answers: DeployAnswers; image?: string; serviceAccount?: string })
  | (Common & { command: 'traffic'; service: string; action: TrafficAction })
  | (Common & { command: 'compare'; service: string; a: string; b: string; requests: string; k: number });

const GCS = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/;
const REGISTRY = /^(projects\/[^/]+\/locations\/([a-z0-9-]+)\/models\/[^/@]+)@(\d+)$/;
const REVISION = /^[a-z][a-z0-9-]{0,62}$/;
const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9-]+\.iam\.gserviceaccount\.com$|^\d+-compute@developer\.gserviceaccount\.com$/;

export function isOperationCommand(c: string): c is OperationCommandName {
  return (OPERATION_COMMANDS as readonly string[]).includes(c);
}

export function parseOperationArgs(command: OperationCommandName, rest: readonly string[]): OperationCommand {
  if (command === 'deploy') return parseDeploy(rest);
  if (command === 'traffic') return parseTraffic(rest);
  return parseCompare(rest);
}

function parseDeploy(rest: readonly string[]): OperationCommand {
  const r = readFlags('deploy', rest, {
    ...COMMON_FLAGS, '--yes': 'flag', '--service': 'value', '--container': 'value', '--cpu': 'value', '--memory': 'value',
    '--min-instances': 'value', '--max-instances': 'value', '--concurrency': 'value', '--public': 'flag', '--no-public': 'flag',
    '--service-account': 'value', '--image': 'value',
  });
  const o = commonOptions(r);
  if (r.positional.length !== 1) throw new UsageError('deploy: expected one model: gs://BUCKET/PATH (a SavedModel folder) or projects/P/locations/R/models/ID@VERSION');
  const m = r.positional[0];
  let source: Extract<OperationCommand, { command: 'deploy' }>['source'];
  const reg = REGISTRY.exec(m);
  if (GCS.test(m)) source = { kind: 'gcs', uri: m };
  else if (reg) {
    source = { kind: 'registry', model: reg[1], version: reg[3] };
    if (!o.regions.length) o.regions = [reg[2]];
  } else throw new UsageError(`<model> "${m}": expected gs://BUCKET/PATH or projects/P/locations/R/models/ID@VERSION`);
  if (o.regions.length > 1) throw new UsageError('--region: deploy goes to one region');
  const answers: DeployAnswers = {};
  const service = last(r, '--service');
  if (service === undefined) throw new UsageError('--service: required (the Cloud Run service to create, or to give a new revision)');
  const nameProblem = serviceNameProblem(service);
  if (nameProblem) throw new UsageError(`--service "${service}": ${nameProblem}`);
  answers.serviceName = service;
  const container = last(r, '--container');
  if (container !== undefined) {
    if (container !== 'native' && container !== 'python') throw new UsageError(`--container "${container}": expected native or python`);
    answers.container = container;
  }
  const cpu = last(r, '--cpu');
  if (cpu !== undefined) {
    if (!/^(\d+(\.\d+)?|\d+m)$/.test(cpu)) throw new UsageError(`--cpu "${cpu}": expected a CPU limit such as 1, 2, 4 or 500m`);
    answers.cpu = cpu;
  }
  const memory = last(r, '--memory');
  if (memory !== undefined) {
    if (!/^\d+(Mi|Gi)$/.test(memory)) throw new UsageError(`--memory "${memory}": expected a memory limit such as 512Mi or 4Gi`);
    answers.memory = memory;
  }
  answers.minInstances = intFlag(r, '--min-instances', 0, 1000);
  answers.maxInstances = intFlag(r, '--max-instances', 1, 1000);
  answers.concurrency = intFlag(r, '--concurrency', 1, 1000);
  for (const k of ['minInstances', 'maxInstances', 'concurrency'] as const) if (answers[k] === undefined) delete answers[k];
  if (r.flags.has('--public') && r.flags.has('--no-public')) throw new UsageError('--public and --no-public: give one');
  if (r.flags.has('--public')) answers.isPublic = true;
  if (r.flags.has('--no-public')) answers.isPublic = false;
  const serviceAccount = last(r, '--service-account');
  if (serviceAccount !== undefined && !SERVICE_ACCOUNT.test(serviceAccount)) throw new UsageError(`--service-account "${serviceAccount}": expected a service account e-mail such as ml-serving@PROJECT.iam.gserviceaccount.com`);
  const image = last(r, '--image');
  if (image !== undefined && !/^[a-z0-9.-]+(:\d+)?\/[^\s:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(image)) throw new UsageError(`--image "${image}": expected an image reference such as REGION-docker.pkg.dev/PROJECT/ml-serving/NAME:TAG`);
  return { command: 'deploy', ...o, regions: o.regions.length ? o.regions : ['us-central1'], yes: r.flags.has('--yes'), source, answers, ...(image ? { image } : {}), ...(serviceAccount ? { serviceAccount } : {}) };
}

function parseTraffic(rest: readonly string[]): OperationCommand {
  const r = readFlags('traffic', rest, { ...COMMON_FLAGS, '--yes': 'flag', '--canary': 'value', '--percent': 'value', '--promote': 'flag', '--end-canary': 'flag', '--rollback': 'value' });
  const o = commonOptions(r);
  const s = serviceArgument('traffic', r.positional, o);
  const given = ['--canary', '--promote', '--end-canary', '--rollback'].filter(f => r.flags.has(f) || r.values.has(f));
  if (given.length !== 1) throw new UsageError(`traffic: give one of --canary REVISION --percent N, --promote, --end-canary, --rollback REVISION${given.length ? ` (got ${given.join(', ')})` : ''}`);
  const revision = (flag: string) => {
    const v = last(r, flag)!;
    if (!REVISION.test(v)) throw new UsageError(`${flag} "${v}": expected a revision name such as my-service-00002-abc`);
    return v;
  };
  let action: TrafficAction;
  if (given[0] === '--canary') {
    const percent = intFlag(r, '--percent', 1, 99);
    if (percent === undefined) throw new UsageError('--percent: required with --canary (a whole number from 1 to 99)');
    action = { kind: 'canary', revision: revision('--canary'), percent };
  } else {
    if (r.values.has('--percent')) throw new UsageError('--percent: only with --canary');
    action = given[0] === '--promote' ? { kind: 'promote' } : given[0] === '--end-canary' ? { kind: 'endCanary' } : { kind: 'rollback', revision: revision('--rollback') };
  }
  return { command: 'traffic', json: o.json, project: s.project, regions: s.regions, yes: r.flags.has('--yes'), service: s.service, action };
}

function parseCompare(rest: readonly string[]): OperationCommand {
  const r = readFlags('compare', rest, { ...COMMON_FLAGS, '--yes': 'flag', '--a': 'value', '--b': 'value', '--requests': 'value', '--k': 'value' });
  const o = commonOptions(r);
  const s = serviceArgument('compare', r.positional, o);
  const rev = (flag: string) => {
    const v = last(r, flag);
    if (v === undefined) throw new UsageError(`${flag}: required (a revision of the service)`);
    if (!REVISION.test(v)) throw new UsageError(`${flag} "${v}": expected a revision name`);
    return v;
  };
  const a = rev('--a');
  const b = rev('--b');
  if (a === b) throw new UsageError('--b: must differ from --a');
  const requests = last(r, '--requests');
  if (!requests) throw new UsageError('--requests: required (a JSONL file, one request body per line)');
  return { command: 'compare', json: o.json, project: s.project, regions: s.regions, yes: r.flags.has('--yes'), service: s.service, a, b, requests, k: intFlag(r, '--k', 1, 100) ?? 10 };
}
