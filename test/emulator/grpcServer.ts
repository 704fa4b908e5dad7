/** Shared plumbing of the gRPC services: fault checks, error mapping, binding to loopback. */
import * as grpc from '@grpc/grpc-js';
import { ApiError } from './errors';
import type { Faults } from './faults';
import { sleep } from './time';

export type Handler<Req, Res> = (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res;

/** Log of calls, for `GET /state` and debugging (most recent last, bounded). */
export class CallLog {
  readonly entries: Array<{ time: string; method: string; resource: string; code: number }> = [];
  add(method: string, resource: string, code: number): void {
    this.entries.push({ time: new Date().toISOString(), method, resource, code });
    if (this.entries.length > 500) this.entries.splice(0, this.entries.length - 500);
  }
}

export interface CallContext {
  faults: Faults;
  calls: CallLog;
}

/** The resource a request is about, for error messages: name, parent, resource, ... */
export function resourceOf(req: any): string {
  return req?.name ?? req?.parent ?? req?.resource ?? req?.service?.name ?? req?.resourceNames?.[0] ?? '';
}

export function toServiceError(e: unknown): Partial<grpc.ServiceError> {
  if (e instanceof ApiError) return { code: e.code, details: e.message, message: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`[emulator] internal error: ${e instanceof Error ? e.stack : msg}\n`);
  return { code: grpc.status.INTERNAL, details: `Internal error: ${msg}` };
}

/** Wrap a unary handler: added latency and injected errors first, then the handler. */
export function unary<Req, Res>(ctx: CallContext, fullMethod: string, handler: Handler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, cb) => {
    const resource = resourceOf(call.request);
    (async () => {
      const delay = ctx.faults.latencyMs(fullMethod);
      if (delay) await sleep(delay);
      const injected = ctx.faults.takeCallError(fullMethod, resource);
      if (injected) throw injected;
      const res = await handler(call.request, call);
      // The call took effect; a lostResponse fault drops the answer on the way back.
      const lost = ctx.faults.takeLostResponse(fullMethod);
      if (lost) throw lost;
      return res;
    })().then(
      res => { ctx.calls.add(fullMethod, resource, 0); cb(null, res); },
      err => { const se = toServiceError(err); ctx.calls.add(fullMethod, resource, se.code ?? 13); cb(se as grpc.ServiceError); },
    );
  };
}

/** Bind a server to 127.0.0.1 (loopback only) and return the port. */
export function listen(server: grpc.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
}

export function shutdown(server: grpc.Server): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, 500);
    server.tryShutdown(() => { clearTimeout(timer); resolve(); });
  });
}
