import * as vscode from 'vscode';
import type { Session } from '../shared/session';
import { normalizeEntry } from '../../serving/logs/entry';
import { recognizeFailure, type KnownFailure } from '../../serving/logs/failures';
import { serviceLogFilter } from '../../serving/logs/filter';
import { idOf, regionOf } from '../../serving/domain';
import { inputObject, int, SERVICE_HINT, str, text } from './tool';
import { SERVICE_NAME } from '../../serving/resourceNames';

export const ERRORS_TOOL = 'mlServing_serviceErrors';

const SEVERE = new Set(['WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);

function describe(f: KnownFailure): string {
  switch (f.kind) {
    case 'opNotRegistered': return `op ${f.op} is not registered in this container (a custom op: serve with the Python server and its pip package)`;
    case 'modelMissing': return `no servable model at ${f.path} (${f.problem}): TF Serving needs <base>/<version>/saved_model.pb`;
    case 'servableNotFound': return `requests name a model the server does not have (${f.requested}): check MODEL_NAME and the URL`;
    case 'portNotListening': return `the container did not listen on the port${f.port ? ` ${f.port}` : ''} in time`;
    case 'memoryLimit': return `out of memory${f.limitMiB ? ` (limit ${f.limitMiB} MiB${f.usedMiB ? `, used ${f.usedMiB} MiB` : ''})` : ''}: redeploy with more memory`;
  }
}

/** Read-only: a service's recent warnings and errors, and the failures the product recognises in them. */
export function serviceErrorsTool(session: Session): vscode.LanguageModelTool<unknown> {
  return {
    async invoke(options) {
      const o = inputObject(options.input, ['service', 'minutes', 'limit']);
      const service = str(o, 'service', SERVICE_NAME, SERVICE_HINT, true);
      const minutes = int(o, 'minutes', 1, 7 * 24 * 60) ?? 60;
      const limit = int(o, 'limit', 1, 200) ?? 50;
      const cloud = await session.cloud();
      const filter = serviceLogFilter({ service: idOf(service), location: regionOf(service), since: new Date(Date.now() - minutes * 60_000) });
      // Read more than shown: the errors are a part of the service's log.
      const lines = (await cloud.apis.logs.list(filter, Math.min(1000, limit * 10))).map(normalizeEntry);
      const failures = new Map<string, { f: KnownFailure; count: number; revision?: string }>();
      const shown: string[] = [];
      for (const l of lines) {
        const f = recognizeFailure(l.message);
        if (f) {
          const key = describe(f);
          const seen = failures.get(key);
          if (seen) seen.count++;
          else failures.set(key, { f, count: 1, revision: l.revision });
        }
        const bad = SEVERE.has(l.severity) || (l.request?.status ?? 0) >= 500 || f;
        if (bad && shown.length < limit) shown.push(`${l.time} ${l.severity}${l.revision ? ` ${l.revision}` : ''}: ${l.message.slice(0, 300)}`);
      }
      return text(
        `${idOf(service)} (${regionOf(service)}), last ${minutes} min: ${lines.length} log entries read, ${shown.length} warnings/errors shown (newest first).`,
        failures.size ? 'Recognised failures:' : 'Recognised failures: none.',
        ...[...failures].map(([d, v]) => `- ${d} — ${v.count}×${v.revision ? `, e.g. in ${v.revision}` : ''}`),
        shown.length ? 'Entries:' : '',
        ...shown,
      );
    },
  };
}
