/** `ml-serving` without process globals: argv, env and output streams in, exit code out. */
import { inspectModelFolder } from '../serving/savedModel/inspect';
import { emptyInspection, isServable, type ModelInspection } from '../serving/savedModel/inspection';
import { parseArgs, USAGE, UsageError } from './args';
import { sourceFor } from './modelSource';
import { formatReport } from './report';
import { runCloud, type CloudIo } from './cloud';
import type { CloudCommand } from './cloudArgs';
import type { CliIo } from './io';
import { runOperation, type OperationIo } from './operations';
import { isEndpointCommand } from './endpointArgs';
import { COMMAND_HELP } from './help';


export const EXIT_SERVABLE = 0;
export const EXIT_NOT_SERVABLE = 1;
export const EXIT_USAGE = 2;

export async function runCli(argv: readonly string[], io: CliIo & Omit<CloudIo, keyof CliIo> & Pick<OperationIo, 'ask'>): Promise<number> {
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    return usageFailure(e, io);
  }
  if (cmd.command === 'help') {
    io.stdout(((cmd.topic ? COMMAND_HELP[cmd.topic] : undefined) ?? USAGE) + '\n');
    return EXIT_SERVABLE;
  }
  if (cmd.command === 'deploy' || cmd.command === 'traffic' || cmd.command === 'compare' || isEndpointCommand(cmd.command)) return runOperation(cmd as Parameters<typeof runOperation>[0], io);
  if (cmd.command !== 'inspect') return runCloud(cmd as CloudCommand, io);

  let ins: ModelInspection;
  try {
    const source = await sourceFor(cmd.path, io.env);
    ins = await inspectModelFolder(source, cmd.path, { labels: cmd.labels, override: cmd.override });
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(e, io);
    // Could not even start reading (no emulator, no client): report it in the same shape.
    ins = emptyInspection(cmd.path);
    ins.errors.push((e as Error)?.message ?? String(e));
    ins.errorCode = 'io';
  }
  io.stdout(cmd.json ? JSON.stringify(ins, null, 2) + '\n' : formatReport(ins));
  return isServable(ins) ? EXIT_SERVABLE : EXIT_NOT_SERVABLE;
}

function usageFailure(e: unknown, io: CliIo): number {
  if (!(e instanceof UsageError)) throw e;
  io.stderr(`ml-serving: ${e.message}\nRun "ml-serving --help" for usage.\n`);
  return EXIT_USAGE;
}
