/**
 * The cloud commands of `ml-serving`: the same adapters (src/gcp) and listing, predict and log
 * code the extension's language model tools use, connected to Google with ADC or to the emulator.
 */
import { readFileSync } from 'node:fs';
import type { CloudApis } from '../gcp/apis';
import { predictOnce } from '../gcp/predictCall';
import { normalizeEntry, type LogLine } from '../serving/logs/entry';
import { formatLine } from '../serving/logs/format';
import { serviceLogFilter } from '../serving/logs/filter';
import { formatRows, listRows } from '../serving/inventory/listing';
import { validatePredictRequest } from '../serving/predict/validate';
import { UsageError } from './usageError';
import type { CloudCommand } from './cloudArgs';
import { connect, ConnectError } from './connect';
import type { CliIo } from './io';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CONNECT = 3;
export const EXIT_NOT_FOUND = 4;


export interface CloudIo extends CliIo {
  /** predict --body @-: the standard input. */
  stdin?: () => string;
  /** logs --follow: stops when this aborts (Ctrl+C in main.ts). */
  signal?: AbortSignal;
  /** logs --follow: time between reads. */
  followIntervalMs?: number;
}

export async function runCloud(cmd: CloudCommand, io: CloudIo): Promise<number> {
  let apis: CloudApis | undefined;
  try {
    const api = (apis = await connect(io, cmd));
    const project = api.project;
    const serviceName = cmd.service && !cmd.service.startsWith('projects/') ? `projects/${project}/locations/${cmd.regions[0]}/services/${cmd.service}` : cmd.service;

    if (cmd.command === 'runs' || cmd.command === 'models' || cmd.command === 'services') {
      const rows = await listRows(cmd.command, api, { regions: cmd.regions, limit: cmd.limit, allServices: cmd.all });
      io.stdout(cmd.json ? JSON.stringify(rows, null, 2) + '\n' : formatRows(cmd.command, rows) + '\n');
      return EXIT_OK;
    }

    const service = await api.run.getService(serviceName!);
    if (!service) {
      io.stderr(`ml-serving: service ${serviceName} does not exist\n`);
      return EXIT_NOT_FOUND;
    }

    if (cmd.command === 'predict') {
      const bodyText = readBody(cmd.body!, io);
      let body: unknown;
      try {
        body = JSON.parse(bodyText);
      } catch (e) {
        throw new UsageError(`--body: not JSON (${(e as Error).message})`);
      }
      const problems = validatePredictRequest(body, undefined, { sizeBytes: Buffer.byteLength(bodyText) });
      if (problems.length) throw new UsageError(`--body: ${problems[0].field}: ${problems[0].message}`);
      io.stderr(`ml-serving: POST ${service.uri} (model ${service.env.MODEL_NAME ?? '?'})\n`);
      const a = await predictOnce(api, service, bodyText);
      const ok = a.status >= 200 && a.status < 300;
      if (cmd.json) io.stdout(JSON.stringify({ status: a.status, ms: a.ms, url: a.url, body: parseOr(a.text) }) + '\n');
      else io.stdout(a.text.endsWith('\n') ? a.text : `${a.text}\n`);
      io.stderr(`ml-serving: HTTP ${a.status} in ${a.ms} ms\n`);
      return ok ? EXIT_OK : EXIT_FAILED;
    }

    // logs
    const seen = new Set<string>();
    const emit = (l: LogLine) => {
      if (seen.has(l.key)) return;
      seen.add(l.key);
      io.stdout(cmd.json ? JSON.stringify({ time: l.time, severity: l.severity, revision: l.revision, log: l.log, message: l.message, request: l.request }) + '\n' : formatLine(l) + '\n');
    };
    const read = async (since: Date, pageSize: number) => {
      const filter = serviceLogFilter({ service: service.id, location: service.region, since });
      return (await api.logs.list(filter, pageSize)).map(normalizeEntry).reverse();
    };
    let lines = await read(new Date(Date.now() - cmd.minutes * 60_000), cmd.limit ?? 100);
    lines.forEach(emit);
    if (!cmd.follow) return EXIT_OK;
    io.stderr('ml-serving: following (Ctrl+C stops)\n');
    let last = lines.length ? lines[lines.length - 1].timestamp : Date.now() - 5_000;
    while (!io.signal?.aborted) {
      await new Promise(r => setTimeout(r, io.followIntervalMs ?? 2000));
      if (io.signal?.aborted) break;
      // From the last entry's second on: entries of that same instant are dropped by key.
      lines = await read(new Date(last - 1000), 1000);
      lines.forEach(emit);
      if (lines.length) last = lines[lines.length - 1].timestamp;
      if (seen.size > 50_000) seen.clear();
    }
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ml-serving: ${e.message}\nRun "ml-serving --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof ConnectError) {
      io.stderr(`ml-serving: ${e.message}\n`);
      return EXIT_CONNECT;
    }
    io.stderr(`ml-serving: ${cmd.command} failed: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT_FAILED;
  } finally {
    await apis?.dispose();
  }
}

function readBody(arg: string, io: CloudIo): string {
  if (arg === '@-') {
    if (!io.stdin) throw new UsageError('--body @-: no standard input');
    return io.stdin();
  }
  if (arg.startsWith('@')) {
    try {
      return readFileSync(arg.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`--body ${arg}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return arg;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
