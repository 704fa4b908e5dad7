/**
 * What the vscode-free operations need of Google Cloud: the parts of `CloudApis` (src/gcp/apis.ts)
 * they call, named as there, so the session's CloudApis, the CLI's and the unit tests' in-memory
 * fake all fit. Operations never see the official clients.
 */
import type { CloudRunService, Revision, TrafficTarget } from '../serving/domain';
import type { ModelInspection } from '../serving/savedModel/inspection';
import type { InspectOptions } from '../serving/savedModel/inspect';
import type { ServingSpec } from '../serving/servingSpec';

export type Json = Record<string, any>;

export interface RunWritePort {
  /** One read of a service for a (re)deploy; undefined when it does not exist. */
  read(name: string): Promise<{ raw: Json; spec: ServingSpec; service: CloudRunService } | undefined>;
  create(parent: string, serviceId: string, service: Json, signal?: AbortSignal): Promise<CloudRunService>;
  update(service: Json, signal?: AbortSignal): Promise<CloudRunService>;
  setTraffic(name: string, traffic: TrafficTarget[], signal?: AbortSignal): Promise<CloudRunService>;
  remove(name: string, signal?: AbortSignal): Promise<void>;
  setPublic(name: string, isPublic: boolean): Promise<void>;
  isPublic(name: string): Promise<boolean>;
  missingPermissions(resource: string, permissions: string[]): Promise<string[]>;
}

export interface RunReadPort {
  getService(name: string): Promise<CloudRunService | undefined>;
  listRevisions(serviceName: string): Promise<Revision[]>;
}

export interface OperationApis {
  readonly project: string;
  readonly run: RunReadPort;
  readonly runWrite: RunWritePort;
  readonly models: { inspect(uri: string, opts?: InspectOptions): Promise<ModelInspection> };
  readonly storage: { exists(uri: string): Promise<boolean> };
  readonly logs: { list(filter: string, pageSize: number): Promise<unknown[]> };
}
