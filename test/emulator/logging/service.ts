/** google.logging.v2.LoggingServiceV2: ListLogEntries, TailLogEntries (bidi), WriteLogEntries, ListLogs. */
import * as grpc from '@grpc/grpc-js';
import { ApiError, invalidArgument } from '../errors';
import { CallContext, toServiceError, unary } from '../grpcServer';
import { paginate } from '../paging';
import { FilterSyntaxError } from '../filter/parse';
import { LogFilter, compileLogFilter } from '../filter/logging';
import { timestampMs } from '../time';
import type { LogStore, StoredEntry } from './store';

const M = 'google.logging.v2.LoggingServiceV2.';
/** Cloud Logging allows 10 concurrent tail sessions per project. */
const MAX_TAIL_SESSIONS = 10;
const DEFAULT_BUFFER_MS = 100;

function projectsOf(resourceNames: string[] | undefined): string[] {
  if (!resourceNames?.length) throw invalidArgument('resource_names: at least one resource name is required, e.g. "projects/my-project"');
  return resourceNames.map(r => {
    const m = /^(projects\/[^/]+)(\/.*)?$/.exec(r);
    if (!m) throw invalidArgument(`resource_names: unsupported resource name "${r}" (expected "projects/PROJECT_ID")`);
    return m[1];
  });
}

function filterOf(filter: string | undefined): LogFilter {
  try {
    return compileLogFilter(filter);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalidArgument(`filter: ${e.message}`);
    throw e;
  }
}

export function loggingService(ctx: CallContext, store: LogStore): grpc.UntypedServiceImplementation {
  const tailSessions = new Map<string, number>();
  return {
    listLogEntries: unary<any, object>(ctx, M + 'ListLogEntries', req => {
      const projects = projectsOf(req.resourceNames);
      const match = filterOf(req.filter);
      const order = (req.orderBy || 'timestamp asc').trim().toLowerCase().replace(/\s+/g, ' ');
      if (order !== 'timestamp asc' && order !== 'timestamp desc') throw invalidArgument(`order_by: only "timestamp asc" and "timestamp desc" are supported, got "${req.orderBy}"`);
      let entries = store.query(projects).filter(match);
      if (order === 'timestamp desc') entries = entries.reverse();
      // Tokens are bound to the projects only: the Node client's getEntries rewrites its 24 h
      // timestamp filter on every call, so the filter text differs from page to page.
      const { page, nextPageToken } = paginate(entries, req, `${projects}|${order}`, 50, 1000);
      return { entries: page, nextPageToken };
    }),

    writeLogEntries: unary<any, object>(ctx, M + 'WriteLogEntries', req => {
      const entries: any[] = req.entries ?? [];
      if (!entries.length) throw invalidArgument('entries: at least one log entry is required');
      entries.forEach((e, i) => {
        const logName = e.logName || req.logName;
        if (!logName) throw invalidArgument(`entries[${i}].log_name: required (or set log_name on the request)`);
        store.appendProto({ ...e, logName, resource: e.resource ?? req.resource ?? { type: 'global' }, labels: { ...(req.labels ?? {}), ...(e.labels ?? {}) } });
      });
      return {};
    }),

    listLogs: unary<any, object>(ctx, M + 'ListLogs', req => {
      const projects = projectsOf(req.resourceNames?.length ? req.resourceNames : [req.parent]);
      const names = [...new Set(store.query(projects).map(e => e.logName))].sort();
      const { page, nextPageToken } = paginate(names, req, `${projects}`);
      return { logNames: page, nextPageToken };
    }),

    tailLogEntries(call: grpc.ServerDuplexStream<any, any>) {
      let started = false;
      let closed = false;
      let unsubscribe = () => {};
      let project = '';
      let timer: NodeJS.Timeout | undefined;
      const pending: StoredEntry[] = [];
      const close = (err?: ApiError) => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (timer) clearInterval(timer);
        if (project) tailSessions.set(project, (tailSessions.get(project) ?? 1) - 1);
        if (err) call.emit('error', { code: err.code, details: err.message });
        else call.end();
      };
      const flush = () => {
        if (closed || !pending.length) return;
        const batch = pending.splice(0).sort((a, b) => timestampMs(a.timestamp) - timestampMs(b.timestamp));
        if (ctx.faults.tailRateLimited()) {
          call.write({ entries: [], suppressionInfo: [{ reason: 'RATE_LIMIT', suppressedCount: batch.length }] });
          return;
        }
        const out: StoredEntry[] = [];
        for (const e of batch) {
          out.push(e);
          const drop = ctx.faults.takeTailEntry();
          if (drop !== undefined) {
            call.write({ entries: out });
            close(new ApiError(drop, 'The tail session was closed by the server. Reconnect to continue.'));
            return;
          }
        }
        call.write({ entries: out });
      };
      call.on('data', (req: any) => {
        if (started || closed) return; // later requests on the stream carry nothing new
        started = true;
        try {
          const injected = ctx.faults.takeCallError(M + 'TailLogEntries', req.resourceNames?.[0] ?? '');
          if (injected) throw injected;
          const projects = projectsOf(req.resourceNames);
          const match = filterOf(req.filter);
          project = projects[0];
          const open = tailSessions.get(project) ?? 0;
          if (open >= MAX_TAIL_SESSIONS) { project = ''; throw new ApiError(grpc.status.RESOURCE_EXHAUSTED, `Too many concurrent tail sessions for ${projects[0]}: the limit is ${MAX_TAIL_SESSIONS}.`); }
          tailSessions.set(project, open + 1);
          const prefixes = projects.map(p => `${p}/logs/`);
          unsubscribe = store.subscribe(e => { if (prefixes.some(p => e.logName.startsWith(p)) && match(e)) pending.push(e); });
          const bufferMs = req.bufferWindow ? Math.min(60_000, timestampMs(req.bufferWindow)) : DEFAULT_BUFFER_MS;
          timer = setInterval(flush, Math.max(20, bufferMs));
          ctx.calls.add(M + 'TailLogEntries', project, 0);
        } catch (e) {
          const se = toServiceError(e);
          ctx.calls.add(M + 'TailLogEntries', req.resourceNames?.[0] ?? '', se.code ?? 13);
          close(new ApiError(se.code ?? grpc.status.INTERNAL, se.details ?? 'error'));
        }
      });
      call.on('end', () => close());
      call.on('cancelled', () => close());
      call.on('error', () => close());
      call.on('close', () => close());
    },
  };
}
