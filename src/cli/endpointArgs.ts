/** Arguments of the Vertex AI endpoint commands, read by the one flag reader (flags.ts). Pure. */
import { COMMON_FLAGS, commonOptions } from './cloudArgs';
import { intFlag, last, readFlags, UsageError, type ReadFlags } from './flags';
import type { EndpointDeployAnswers } from '../operations/endpoints';
import type { TrafficSplit } from '../serving/endpoints/traffic';

export const ENDPOINT_COMMANDS = ['endpoints', 'endpoint-deploy', 'endpoint-traffic', 'endpoint-undeploy'] as const;
export type EndpointCommandName = (typeof ENDPOINT_COMMANDS)[number];

interface Common {
  json: boolean;
  project?: string;
  regions: string[];
  yes: boolean;
}

export type EndpointCommand =
  | (Common & { command: 'endpoints' })
  | (Common & { command: 'endpoint-deploy'; model: string; version: string; answers: EndpointDeployAnswers })
  | (Common & { command: 'endpoint-traffic'; endpoint: string; split: TrafficSplit })
  | (Common & { command: 'endpoint-undeploy'; endpoint: string; deployedModelId: string });

const REGISTRY = /^(projects\/([^/]+)\/locations\/([a-z0-9-]+)\/models\/[^/@]+)@(\d+)$/;
const ENDPOINT_FULL = /^projects\/([^/]+)\/locations\/([a-z0-9-]+)\/endpoints\/([^/]+)$/;
const ENDPOINT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEPLOYED_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isEndpointCommand(c: string): c is EndpointCommandName {
  return (ENDPOINT_COMMANDS as readonly string[]).includes(c);
}

/** <endpoint>: projects/P/locations/R/endpoints/ID, or its id with exactly one --region (and --project or the default). */
function endpointArgument(value: string | undefined, o: { project?: string; regions: string[] }): { endpoint: string; project?: string; regions: string[] } {
  if (value === undefined) throw new UsageError('<endpoint>: required (projects/P/locations/R/endpoints/ID, or its id with --region)');
  const m = ENDPOINT_FULL.exec(value);
  if (m) {
    if (o.project && o.project !== m[1]) throw new UsageError(`--project "${o.project}" differs from the endpoint's project "${m[1]}"`);
    return { endpoint: value, project: m[1], regions: [m[2]] };
  }
  if (ENDPOINT_ID.test(value)) {
    if (o.regions.length > 1) throw new UsageError(`--region: an endpoint id needs one region (or give projects/P/locations/R/endpoints/${value})`);
    // The project is filled in once connected (the id alone names no project).
    return { endpoint: value, project: o.project, regions: o.regions.length ? o.regions : ['us-central1'] };
  }
  throw new UsageError(`<endpoint> "${value}": expected projects/P/locations/R/endpoints/ID or an endpoint id`);
}

function tooMany(command: string, r: ReadFlags, n: number): void {
  if (r.positional.length > n) throw new UsageError(`unexpected argument "${r.positional[n]}" for ${command}`);
}

export function parseEndpointArgs(command: EndpointCommandName, rest: readonly string[]): EndpointCommand {
  if (command === 'endpoints') {
    const r = readFlags(command, rest, COMMON_FLAGS);
    tooMany(command, r, 0);
    const o = commonOptions(r);
    return { command, ...o, regions: o.regions.length ? o.regions : ['us-central1'], yes: false };
  }
  if (command === 'endpoint-deploy') {
    const r = readFlags(command, rest, {
      ...COMMON_FLAGS, '--yes': 'flag', '--endpoint': 'value', '--new-endpoint': 'value', '--machine-type': 'value',
      '--accelerator': 'value', '--accelerator-count': 'value', '--min-replicas': 'value', '--max-replicas': 'value', '--traffic': 'value',
    });
    const o = commonOptions(r);
    if (r.positional.length !== 1) throw new UsageError('endpoint-deploy: expected one <model>: projects/P/locations/R/models/ID@VERSION');
    tooMany(command, r, 1);
    const m = REGISTRY.exec(r.positional[0]);
    if (!m) throw new UsageError(`<model> "${r.positional[0]}": expected projects/P/locations/R/models/ID@VERSION (a Model Registry version)`);
    if (o.project && o.project !== m[2]) throw new UsageError(`--project "${o.project}" differs from the model's project "${m[2]}"`);
    if (o.regions.length && (o.regions.length > 1 || o.regions[0] !== m[3])) throw new UsageError(`--region: the endpoint is in the model's region (${m[3]})`);
    const endpoint = last(r, '--endpoint');
    const newEndpoint = last(r, '--new-endpoint');
    if ((endpoint === undefined) === (newEndpoint === undefined)) throw new UsageError('--endpoint ID or --new-endpoint NAME: give one');
    const answers: EndpointDeployAnswers = { model: m[1], version: m[4] };
    if (endpoint !== undefined) {
      const e = endpointArgument(endpoint, { project: m[2], regions: [m[3]] });
      answers.endpoint = e.endpoint.startsWith('projects/') ? e.endpoint : `projects/${m[2]}/locations/${m[3]}/endpoints/${e.endpoint}`;
      if (!answers.endpoint.startsWith(`projects/${m[2]}/locations/${m[3]}/`)) throw new UsageError(`--endpoint "${endpoint}": not in the model's project and region (projects/${m[2]}/locations/${m[3]})`);
    }
    if (newEndpoint !== undefined) {
      if (!newEndpoint.trim() || newEndpoint.length > 128) throw new UsageError(`--new-endpoint "${newEndpoint}": expected a display name of 1 to 128 characters`);
      answers.newEndpoint = newEndpoint;
    }
    const machineType = last(r, '--machine-type');
    if (machineType !== undefined) {
      if (!/^[a-z][a-z0-9-]+$/.test(machineType)) throw new UsageError(`--machine-type "${machineType}": expected a machine type such as n1-standard-2`);
      answers.machineType = machineType;
    }
    const acc = last(r, '--accelerator');
    if (acc !== undefined) {
      if (!/^[A-Z][A-Z0-9_]+$/.test(acc)) throw new UsageError(`--accelerator "${acc}": expected an accelerator type such as NVIDIA_TESLA_T4`);
      if (machineType === undefined) throw new UsageError('--accelerator: needs --machine-type');
      answers.acceleratorType = acc;
      answers.acceleratorCount = intFlag(r, '--accelerator-count', 1, 8) ?? 1;
    } else if (r.values.has('--accelerator-count')) throw new UsageError('--accelerator-count: only with --accelerator');
    const min = intFlag(r, '--min-replicas', 1, 1000);
    const max = intFlag(r, '--max-replicas', 1, 1000);
    if (min !== undefined) answers.minReplicas = min;
    if (max !== undefined) answers.maxReplicas = max;
    if (min !== undefined && max !== undefined && max < min) throw new UsageError(`--max-replicas ${max}: must be at least --min-replicas (${min})`);
    const traffic = intFlag(r, '--traffic', 0, 100);
    if (traffic !== undefined) answers.trafficShare = traffic;
    return { command, json: o.json, project: m[2], regions: [m[3]], yes: r.flags.has('--yes'), model: m[1], version: m[4], answers };
  }
  if (command === 'endpoint-traffic') {
    const r = readFlags(command, rest, { ...COMMON_FLAGS, '--yes': 'flag', '--split': 'value' });
    const o = commonOptions(r);
    tooMany(command, r, 1);
    const e = endpointArgument(r.positional[0], o);
    const text = last(r, '--split');
    if (text === undefined) throw new UsageError('--split: required (DEPLOYED_MODEL_ID=PERCENT,..., summing to 100)');
    const split: TrafficSplit = {};
    for (const part of text.split(',')) {
      const p = /^\s*([A-Za-z0-9_-]{1,64})\s*=\s*(\d{1,3})\s*$/.exec(part);
      if (!p || +p[2] > 100) throw new UsageError(`--split "${part}": expected DEPLOYED_MODEL_ID=PERCENT (a whole number from 0 to 100)`);
      if (p[1] in split) throw new UsageError(`--split: ${p[1]} is given twice`);
      split[p[1]] = Number(p[2]);
    }
    const sum = Object.values(split).reduce((a, b) => a + b, 0);
    if (sum !== 100) throw new UsageError(`--split: the shares sum to ${sum}, not 100`);
    return { command, json: o.json, project: e.project, regions: e.regions, yes: r.flags.has('--yes'), endpoint: e.endpoint, split };
  }
  const r = readFlags(command, rest, { ...COMMON_FLAGS, '--yes': 'flag' });
  const o = commonOptions(r);
  tooMany(command, r, 2);
  const e = endpointArgument(r.positional[0], o);
  const id = r.positional[1];
  if (id === undefined) throw new UsageError('<deployedModelId>: required (the id `ml-serving endpoints` shows)');
  if (!DEPLOYED_ID.test(id)) throw new UsageError(`<deployedModelId> "${id}": expected a deployed model id such as 1234567890`);
  return { command, json: o.json, project: e.project, regions: e.regions, yes: r.flags.has('--yes'), endpoint: e.endpoint, deployedModelId: id };
}
