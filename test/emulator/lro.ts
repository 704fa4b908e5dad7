/**
 * google.longrunning.Operations, in memory. A mutating method creates an operation that is not done,
 * does its work asynchronously (a revision starting, a model being imported), then completes it with
 * a response or an error; clients poll GetOperation (`op.promise()`).
 */
import * as grpc from '@grpc/grpc-js';
import type { Protos } from './protos';
import { notFound } from './errors';
import { CallContext, unary } from './grpcServer';
import { paginate } from './paging';
import { sleep } from './time';

type Payload = [typeName: string, value: object];

interface OperationRecord {
  name: string;
  metadata?: Payload;
  done: boolean;
  response?: Payload;
  error?: { code: number; message: string };
  waiters: Array<() => void>;
}

export interface OperationHandle {
  readonly name: string;
  /** The Operation message as the creating RPC returns it (not done yet). */
  readonly initial: object;
  setMetadata(metadata: Payload): void;
  succeed(response: Payload, metadata?: Payload): void;
  fail(code: number, message: string, metadata?: Payload): void;
}

export class OperationStore {
  private readonly ops = new Map<string, OperationRecord>();

  constructor(private readonly protos: Protos) {}

  create(name: string, metadata?: Payload): OperationHandle {
    const rec: OperationRecord = { name, metadata, done: false, waiters: [] };
    this.ops.set(name, rec);
    const finish = () => { rec.done = true; rec.waiters.splice(0).forEach(w => w()); };
    return {
      name,
      initial: this.render(rec),
      setMetadata: m => { rec.metadata = m; },
      succeed: (response, m) => { if (rec.done) return; if (m) rec.metadata = m; rec.response = response; finish(); },
      fail: (code, message, m) => { if (rec.done) return; if (m) rec.metadata = m; rec.error = { code, message }; finish(); },
    };
  }

  get(name: string): object | undefined {
    const rec = this.ops.get(name);
    return rec && this.render(rec);
  }

  size(): number {
    return this.ops.size;
  }

  private render(rec: OperationRecord): object {
    const op: Record<string, unknown> = { name: rec.name, done: rec.done };
    if (rec.metadata) op.metadata = this.protos.packAny(...rec.metadata);
    if (rec.done && rec.error) op.error = { code: rec.error.code, message: rec.error.message, details: [] };
    else if (rec.done && rec.response) op.response = this.protos.packAny(...rec.response);
    return op;
  }

  private must(name: string): OperationRecord {
    const rec = this.ops.get(name);
    if (!rec) throw notFound(`Operation "${name}" not found.`);
    return rec;
  }

  /** The google.longrunning.Operations implementation for one gRPC server. */
  service(ctx: CallContext): grpc.UntypedServiceImplementation {
    const M = 'google.longrunning.Operations.';
    return {
      getOperation: unary<any, object>(ctx, M + 'GetOperation', req => this.render(this.must(req.name))),
      listOperations: unary<any, object>(ctx, M + 'ListOperations', req => {
        const all = [...this.ops.values()].filter(o => !req.name || o.name.startsWith(req.name + '/'));
        const { page, nextPageToken } = paginate(all, req, `${req.name}|${req.filter ?? ''}`);
        return { operations: page.map(o => this.render(o)), nextPageToken };
      }),
      deleteOperation: unary<any, object>(ctx, M + 'DeleteOperation', req => { this.must(req.name); this.ops.delete(req.name); return {}; }),
      cancelOperation: unary<any, object>(ctx, M + 'CancelOperation', req => {
        const rec = this.must(req.name);
        if (!rec.done) { rec.error = { code: grpc.status.CANCELLED, message: 'Operation was cancelled.' }; rec.done = true; rec.waiters.splice(0).forEach(w => w()); }
        return {};
      }),
      waitOperation: unary<any, object>(ctx, M + 'WaitOperation', async req => {
        const rec = this.must(req.name);
        const timeoutMs = req.timeout ? Number(req.timeout.seconds ?? 0) * 1000 + (req.timeout.nanos ?? 0) / 1e6 : 60_000;
        if (!rec.done) await Promise.race([new Promise<void>(r => rec.waiters.push(r)), sleep(timeoutMs)]);
        return this.render(rec);
      }),
    };
  }
}

