/** Arguments of the cloud commands (`runs`, `models`, `services`, `predict`, `logs`). Pure. */
import { UsageError } from './usageError';
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


export function isCloudCommand(c: string): c is CloudCommandName {
  return (CLOUD_COMMANDS as readonly string[]).includes(c);
}

export function parseCloudArgs(command: CloudCommandName, rest: readonly string[]): CloudCommand {
  const cmd: CloudCommand = { command, json: false, regions: [], all: false, minutes: 60, follow: false };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} expects a value`);
      return v;
    };
    const flag = () => { if (eq > 0) throw new UsageError(`${name} takes no value`); };
    const int = (min: number, max: number) => {
      const v = value();
      if (!/^\d+$/.test(v) || +v < min || +v > max) throw new UsageError(`${name} "${v}": expected a whole number from ${min} to ${max}`);
      return Number(v);
    };
    if (name === '--json') { flag(); cmd.json = true; }
    else if (name === '--project') {
      const v = value();
      if (!PROJECT.test(v)) throw new UsageError(`--project "${v}": expected a project id (6 to 30 lowercase letters, digits, hyphens)`);
      cmd.project = v;
    } else if (name === '--region') {
      for (const r of value().split(',')) {
        if (!REGION.test(r)) throw new UsageError(`--region "${r}": expected a region such as us-central1`);
        cmd.regions.push(r);
      }
    } else if (name === '--limit' && ['runs', 'models', 'logs'].includes(command)) cmd.limit = int(1, 1000);
    else if (name === '--all' && command === 'services') { flag(); cmd.all = true; }
    else if (name === '--body' && command === 'predict') cmd.body = value();
    else if (name === '--minutes' && command === 'logs') cmd.minutes = int(1, 7 * 24 * 60);
    else if (name === '--follow' && command === 'logs') { flag(); cmd.follow = true; }
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option "${arg}" for ${command}`);
    else positional.push(arg);
  }
  if (command === 'predict' || command === 'logs') {
    if (positional.length !== 1) throw new UsageError(`${command}: expected one <service> (projects/P/locations/R/services/S, or its id with --region)`);
    const s = positional[0];
    const m = SERVICE_NAME.exec(s);
    if (m) {
      if (cmd.project && cmd.project !== m[1]) throw new UsageError(`--project "${cmd.project}" differs from the service's project "${m[1]}"`);
      cmd.project = m[1];
      cmd.regions = [m[2]];
      cmd.service = s;
    } else if (SERVICE_ID.test(s)) {
      if (cmd.regions.length !== 1) throw new UsageError(`--region: a service id needs exactly one region (or give projects/P/locations/R/services/${s})`);
      cmd.service = s;
    } else throw new UsageError(`<service> "${s}": expected projects/P/locations/R/services/S or a service id`);
    if (command === 'predict' && cmd.body === undefined) throw new UsageError('--body: required (the request JSON, or @file, or @- for stdin)');
  } else if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}" for ${command}`);
  if (!cmd.regions.length) cmd.regions = ['us-central1'];
  return cmd;
}
