/** `ml-serving compare`: the extension's comparison of two revisions (src/operations/compare.ts). */
import { readFileSync } from 'node:fs';
import type { CloudApis } from '../gcp/apis';
import { ValidationError } from '../common/errors';
import { compareRevisions, requestsFromJsonl } from '../operations/compare';
import { UsageError } from './flags';
import type { OperationCommand } from './operationArgs';
import type { OperationIo } from './io';

export async function runCompare(cmd: Extract<OperationCommand, { command: 'compare' }>, apis: CloudApis, io: OperationIo, confirm: (question: string, detail: string) => Promise<void>): Promise<number> {
  let text: string;
  try {
    text = readFileSync(cmd.requests, 'utf8');
  } catch (e) {
    throw new UsageError(`--requests ${cmd.requests}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let requests;
  try {
    requests = requestsFromJsonl(text);
  } catch (e) {
    if (e instanceof ValidationError) throw new UsageError(`--requests ${cmd.requests}: ${e.message}`);
    throw e;
  }
  const service = (await apis.run.getService(cmd.service))!;
  const ready = (await apis.run.listRevisions(service.name)).filter(r => r.state === 'ready').map(r => r.id);
  for (const [flag, rev] of [['--a', cmd.a], ['--b', cmd.b]] as const) {
    if (!ready.includes(rev)) throw new UsageError(`${flag} "${rev}": not a ready revision of ${service.id} (ready: ${ready.join(', ') || 'none'})`);
  }
  const out = await compareRevisions(apis, service, cmd.a, cmd.b, requests, cmd.k, {
    confirmTags: async (q, d) => { await confirm(q, d); return true; },
    progress: (i, n) => { if (i === 1 || i === n || i % 20 === 0) io.stderr(`ml-serving: request ${i}/${n}\n`); },
    signal: io.signal,
  });
  io.stdout(cmd.json ? JSON.stringify({ service: out.service, a: out.a, b: out.b, summary: out.summary, rows: out.rows }) + '\n' : out.report.endsWith('\n') ? out.report : `${out.report}\n`);
  io.stderr(`ml-serving: ${out.summary.verdict}\n`);
  return 0;
}
