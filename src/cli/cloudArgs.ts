/** Arguments of the cloud commands (`runs`, `models`, `services`, `predict`, `logs`), read by the one flag reader (flags.ts). Pure. */
import { intFlag, last, readFlags, UsageError, type FlagKinds, type ReadFlags } from './flags';
import { PROJECT_ID as PROJECT, REGION, SERVICE_ID, SERVICE_NAME } from '../serving/resourceNames';

export const CLOUD_COMMANDS = ['runs', 'models', 'services', 'predict', 'logs'] as const;
export type CloudCommandName = (typeof CLOUD_COMMANDS)[number];

export interface CloudCommand {
  command: CloudCommandName;
  json: boolean;
  project?: string;
  regions: string[];
  limit?: number;
  all: boolean;
  /** predict, logs: projects/P/locations/R/services/S, or a service id with --region. */
  service?: string;
  /** predict: the request body text (--body JSON, or --body @file read by the caller). */
  body?: string;
  minutes: number;
  follow: boolean;
}


/** --json, --project and --region: every cloud command takes them. */
export const COMMON_FLAGS: FlagKinds = { '--json': 'flag', '--project': 'value', '--region': 'value' };

export function commonOptions(r: ReadFlags): { json: boolean; project?: string; regions: string[] } {
  const project = last(r, '--project');
  if (project !== undefined && !PROJECT.test(project)) throw new UsageError(`--project "${project}": expected a project id (6 to 30 lowercase letters, digits, hyphens)`);
  const regions: string[] = [];
  for (const v of r.values.get('--region') ?? []) {
    for (const region of v.split(',')) {
      if (!REGION.test(region)) throw new UsageError(`--region "${region}": expected a region such as us-central1`);
      regions.push(region);
    }
  }
  return { json: r.flags.has('--json'), ...(project ? { project } : {}), regions };
}

/** <service>: projects/P/locations/R/services/S, or its id with exactly one --region. */
export function serviceArgument(command: string, positional: string[], o: { project?: string; regions: string[] }): { service: string; project?: string; regions: string[] } {
  if (positional.length !== 1) throw new UsageError(`${command}: expected one <service> (projects/P/locations/R/services/S, or its id with --region)`);
  const s = positional[0];
  const m = SERVICE_NAME.exec(s);
  if (m) {
    if (o.project && o.project !== m[1]) throw new UsageError(`--project "${o.project}" differs from the service's project "${m[1]}"`);
    return { service: s, project: m[1], regions: [m[2]] };
  }
  if (SERVICE_ID.test(s)) {
    if (o.regions.length !== 1) throw new UsageError(`--region: a service id needs exactly one region (or give projects/P/locations/R/services/${s})`);
    return { service: s, project: o.project, regions: o.regions };
  }
  throw new UsageError(`<service> "${s}": expected projects/P/locations/R/services/S or a service id`);
}

export function isCloudCommand(c: string): c is CloudCommandName {
  return (CLOUD_COMMANDS as readonly string[]).includes(c);
}

export function parseCloudArgs(command: CloudCommandName, rest: readonly string[]): CloudCommand {
  const cmd: CloudCommand = { command, json: false, regions: [], all: false, minutes: 60, follow: false };
  const kinds: FlagKinds = { ...COMMON_FLAGS };
  if (['runs', 'models', 'logs'].includes(command)) kinds['--limit'] = 'value';
  if (command === 'services') kinds['--all'] = 'flag';
  if (command === 'predict') kinds['--body'] = 'value';
  if (command === 'logs') Object.assign(kinds, { '--minutes': 'value', '--follow': 'flag' });
  const r = readFlags(command, rest, kinds);
  if (r.help) throw new UsageError(`${command}: see "ml-serving --help"`);
  Object.assign(cmd, commonOptions(r));
  cmd.limit = intFlag(r, '--limit', 1, 1000);
  cmd.all = r.flags.has('--all');
  cmd.body = last(r, '--body');
  cmd.minutes = intFlag(r, '--minutes', 1, 7 * 24 * 60) ?? 60;
  cmd.follow = r.flags.has('--follow');
  const positional = r.positional;
  if (command === 'predict' || command === 'logs') {
    const s = serviceArgument(command, positional, cmd);
    cmd.service = s.service;
    cmd.regions = s.regions;
    if (s.project) cmd.project = s.project;
    if (command === 'predict' && cmd.body === undefined) throw new UsageError('--body: required (the request JSON, or @file, or @- for stdin)');
  } else if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}" for ${command}`);
  if (!cmd.regions.length) cmd.regions = ['us-central1'];
  return cmd;
}
