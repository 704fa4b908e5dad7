/**
 * Fault injection, set through the admin API (`POST /faults`, `DELETE /faults`). Each kind mimics a
 * failure a user meets on Google Cloud, so the extension's error paths can be exercised for real.
 * A `method` filter matches the full gRPC method (`google.cloud.run.v2.Services.CreateService`) or
 * any dotted suffix of it (`Services.CreateService`, `CreateService`); `predict` names the serving
 * stand-ins' predict calls.
 */
import { status } from '@grpc/grpc-js';
import { ApiError, invalidArgument, parseStatusCode } from './errors';

export type FaultRequest =
  | { kind: 'failLro'; method?: string; message?: string; code?: number | string }
  | { kind: 'unavailable'; method?: string; count?: number; message?: string }
  | { kind: 'permissionDenied'; method: string; permission?: string; count?: number }
  | { kind: 'resourceExhausted'; method?: string; count?: number; message?: string }
  | { kind: 'dropTail'; afterEntries: number; code?: number | string }
  | { kind: 'tailRateLimit' }
  | { kind: 'predict503'; count?: number; service?: string }
  | { kind: 'latency'; ms: number; method?: string }
  /** Images (matching the substring `image`, default all) the registry does not have. */
  | { kind: 'missingImage'; image?: string }
  /**
   * The next `count` calls of a method are carried out, but the caller gets UNAVAILABLE instead of
   * the answer (a response lost on the way back): what makes blind retries of mutations unsafe.
   */
  | { kind: 'lostResponse'; method?: string; count?: number; message?: string }
  /** Vertex AI DeployModel operations on this machine type (default any) end in a quota error. */
  | { kind: 'machineQuota'; machineType?: string; count?: number }
  /** The next `count` models deployed to a Vertex AI endpoint fail to start (the model server exits). */
  | { kind: 'modelStartFails'; count?: number; message?: string };

export type Fault = FaultRequest & { id: number; remaining: number; method?: string; message?: string; permission?: string };

export const FAULT_KINDS = ['failLro', 'unavailable', 'permissionDenied', 'resourceExhausted', 'dropTail', 'tailRateLimit', 'predict503', 'latency', 'missingImage', 'lostResponse', 'machineQuota', 'modelStartFails'] as const;

/** IAM permission each method needs, for PERMISSION_DENIED messages and TestIamPermissions. */
const PERMISSIONS: Record<string, string> = {
  'Services.CreateService': 'run.services.create', 'Services.GetService': 'run.services.get',
  'Services.ListServices': 'run.services.list', 'Services.UpdateService': 'run.services.update',
  'Services.DeleteService': 'run.services.delete', 'Services.GetIamPolicy': 'run.services.getIamPolicy',
  'Services.SetIamPolicy': 'run.services.setIamPolicy', 'Revisions.GetRevision': 'run.revisions.get',
  'Revisions.ListRevisions': 'run.revisions.list', 'Revisions.DeleteRevision': 'run.revisions.delete',
  'ModelService.ListModels': 'aiplatform.models.list', 'ModelService.GetModel': 'aiplatform.models.get',
  'ModelService.ListModelVersions': 'aiplatform.models.list', 'ModelService.UploadModel': 'aiplatform.models.upload',
  'ModelService.DeleteModel': 'aiplatform.models.delete', 'JobService.ListCustomJobs': 'aiplatform.customJobs.list',
  'JobService.GetCustomJob': 'aiplatform.customJobs.get', 'PipelineService.ListPipelineJobs': 'aiplatform.pipelineJobs.list',
  'PipelineService.GetPipelineJob': 'aiplatform.pipelineJobs.get', 'LoggingServiceV2.ListLogEntries': 'logging.logEntries.list',
  'LoggingServiceV2.TailLogEntries': 'logging.logEntries.list', 'LoggingServiceV2.WriteLogEntries': 'logging.logEntries.create',
  'Operations.GetOperation': 'operations.get', 'Operations.ListOperations': 'operations.list',
};

export function permissionFor(fullMethod: string): string {
  const key = fullMethod.split('.').slice(-2).join('.');
  return PERMISSIONS[key] ?? `${key.split('.')[1]?.toLowerCase() ?? fullMethod}`;
}

function methodMatches(filter: string | undefined, fullMethod: string): boolean {
  if (!filter) return true;
  const f = filter.replace(/\//g, '.');
  return fullMethod === f || fullMethod.endsWith('.' + f);
}

function positiveInt(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalidArgument(`${field}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

export class Faults {
  private list: Fault[] = [];
  private seq = 0;

  /** Validate and add a fault; throws an INVALID_ARGUMENT ApiError naming the bad field. */
  add(req: unknown): Fault {
    if (!req || typeof req !== 'object') throw invalidArgument('fault: expected a JSON object');
    const r = req as Record<string, unknown>;
    if (!FAULT_KINDS.includes(r.kind as any)) throw invalidArgument(`kind: expected one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(r.kind)}`);
    for (const k of ['method', 'message', 'permission', 'service', 'image', 'machineType'] as const) {
      if (r[k] !== undefined && typeof r[k] !== 'string') throw invalidArgument(`${k}: expected a string`);
    }
    let remaining = Infinity;
    switch (r.kind) {
      case 'failLro': remaining = 1; parseStatusCode(r.code, status.INTERNAL, 'code'); break;
      case 'unavailable': case 'resourceExhausted': case 'predict503': case 'lostResponse': case 'modelStartFails': remaining = positiveInt(r.count, 'count', 1); break;
      case 'machineQuota': remaining = r.count === undefined ? Infinity : positiveInt(r.count, 'count', 1); break;
      case 'permissionDenied':
        if (!r.method) throw invalidArgument('method: required for permissionDenied (e.g. "Services.CreateService")');
        remaining = r.count === undefined ? Infinity : positiveInt(r.count, 'count', 1);
        break;
      case 'dropTail':
        remaining = positiveInt(r.afterEntries, 'afterEntries', 0);
        if (remaining < 1) throw invalidArgument('afterEntries: expected an integer >= 1');
        parseStatusCode(r.code, status.UNAVAILABLE, 'code');
        break;
      case 'latency': positiveInt(r.ms, 'ms', 0); break;
    }
    const fault = { ...(r as FaultRequest), id: ++this.seq, remaining };
    this.list.push(fault);
    return fault;
  }

  reset(): void {
    this.list = [];
  }

  active(): Fault[] {
    return this.list.map(f => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : -1 }));
  }

  private take(f: Fault): void {
    if (--f.remaining <= 0) this.list = this.list.filter(x => x !== f);
  }

  /** An error the call must fail with before doing anything, or undefined. */
  takeCallError(fullMethod: string, resource: string): ApiError | undefined {
    for (const f of this.list) {
      if (!methodMatches(f.method, fullMethod) || f.remaining <= 0) continue;
      if (f.kind === 'unavailable') {
        this.take(f);
        return new ApiError(status.UNAVAILABLE, f.message ?? 'The service is currently unavailable.');
      }
      if (f.kind === 'resourceExhausted') {
        this.take(f);
        const svc = fullMethod.split('.').slice(0, -1).join('.');
        return new ApiError(status.RESOURCE_EXHAUSTED, f.message ?? `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service '${svc}' for consumer 'project_number:123456789012'.`);
      }
      if (f.kind === 'permissionDenied') {
        this.take(f);
        const perm = f.permission ?? permissionFor(fullMethod);
        return new ApiError(status.PERMISSION_DENIED, `Permission '${perm}' denied on resource '${resource}' (or it may not exist).`);
      }
    }
    return undefined;
  }

  /** After a call was carried out: the UNAVAILABLE error to answer with instead, or undefined. */
  takeLostResponse(fullMethod: string): ApiError | undefined {
    const f = this.list.find(x => x.kind === 'lostResponse' && x.remaining > 0 && methodMatches(x.method, fullMethod));
    if (!f) return undefined;
    this.take(f);
    return new ApiError(status.UNAVAILABLE, f.message ?? 'The service is currently unavailable.');
  }

  /** Permissions a caller is denied (for TestIamPermissions), without consuming faults. */
  deniedPermissions(): Set<string> {
    return new Set(this.list.filter(f => f.kind === 'permissionDenied').map(f => f.permission ?? permissionFor(f.method!)));
  }

  /** True when a revision with this image must fail as Cloud Run does for an image it cannot pull. */
  imageMissing(image: string): boolean {
    return this.list.some(f => f.kind === 'missingImage' && (!f.image || image.includes(f.image)));
  }

  latencyMs(fullMethod: string): number {
    return this.list.filter(f => f.kind === 'latency' && methodMatches(f.method, fullMethod)).reduce((s, f) => s + (f as { ms: number }).ms, 0);
  }

  /** The error the next long-running operation of this method must end with, or undefined. */
  takeLroFailure(fullMethod: string): { code: status; message: string } | undefined {
    const f = this.list.find(x => x.kind === 'failLro' && methodMatches(x.method, fullMethod));
    if (!f || f.kind !== 'failLro') return undefined;
    this.take(f);
    return { code: parseStatusCode(f.code, status.INTERNAL, 'code'), message: f.message ?? 'Internal error encountered.' };
  }

  /** Called once per tail entry sent; returns the status to end the stream with when it must drop now. */
  takeTailEntry(): status | undefined {
    const f = this.list.find(x => x.kind === 'dropTail');
    if (!f || f.kind !== 'dropTail') return undefined;
    if (--f.remaining > 0) return undefined;
    this.list = this.list.filter(x => x !== f);
    return parseStatusCode(f.code, status.UNAVAILABLE, 'code');
  }

  tailRateLimited(): boolean {
    return this.list.some(f => f.kind === 'tailRateLimit');
  }

  /** True when deploying on this machine type must fail for quota (Vertex AI endpoints). */
  takeMachineQuota(machineType: string): boolean {
    const f = this.list.find(x => x.kind === 'machineQuota' && (!x.machineType || x.machineType === machineType));
    if (!f) return false;
    this.take(f);
    return true;
  }

  /** The message a deployed model's server dies with, when it must fail to start; else undefined. */
  takeModelStartFailure(): string | undefined {
    const f = this.list.find(x => x.kind === 'modelStartFails');
    if (!f) return undefined;
    this.take(f);
    return f.message ?? 'RuntimeError: the model server failed to start (injected fault)';
  }

  takePredictFailure(service: string): boolean {
    const f = this.list.find(x => x.kind === 'predict503' && (!x.service || x.service === service));
    if (!f) return false;
    this.take(f);
    return true;
  }
}
