/**
 * One in-memory CloudApis for unit tests of logic that calls Google Cloud (the emulator and the
 * real clients are for integration tests). State is plain data a test seeds and reads back;
 * `failNext` makes one call fail the way Google does (a gRPC-shaped error), and every adapter is
 * wrapped with the production `withCloudFailures`, so failures reach callers classified exactly as
 * they do from buildCloudApis.
 */
import type { CloudApis, ExistingService, IdTokenApi, LogsApi, ModelInspectorApi, RunWriteApi, StorageApi, TailStream } from '../../../src/gcp/apis';
import type { Connection } from '../../../src/gcp/endpoints';
import { withCloudFailures } from '../../../src/gcp/errors';
import type { IdToken } from '../../../src/gcp/idToken';
import { toService } from '../../../src/gcp/normalize';
import { servingSpecOf } from '../../../src/gcp/runSpec';
import type { PageRequest, RunApi, UploadModelRequest, VertexApi } from '../../../src/gcp/types';
import type { ModelVersion, Page, RegisteredModel, Revision, TrafficTarget, TrainingRun } from '../../../src/serving/domain';
import type { ModelInspection } from '../../../src/serving/savedModel/inspection';
import type { VertexEndpointsApi } from '../../../src/gcp/vertexEndpoints';
import type { BatchPredictionApi } from '../../../src/gcp/batchPrediction';
import type { BigQueryApi, BigQueryColumn } from '../../../src/gcp/bigquery';

type Json = Record<string, any>;

/** An error shaped like the gax clients' (code, details, message "7 PERMISSION_DENIED: …"). */
export function grpcError(code: number, details: string): Error & { code: number; details: string } {
  const names: Record<number, string> = { 3: 'INVALID_ARGUMENT', 5: 'NOT_FOUND', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 14: 'UNAVAILABLE', 16: 'UNAUTHENTICATED' };
  return Object.assign(new Error(`${code} ${names[code] ?? 'UNKNOWN'}: ${details}`), { code, details });
}

export function permissionDenied(permission: string, resource = 'projects/demo-project'): Error {
  return grpcError(7, `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`);
}

export function apiDisabled(api: string, title: string, project = 'demo-project'): Error {
  // Google's wording: the API's title, then its name only inside the console link.
  return grpcError(7, `${title} has not been used in project ${project} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${api}/overview?project=${project} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`);
}

export interface FakeCloudOptions {
  project?: string;
  connection?: Connection;
}

export class FakeCloud implements CloudApis {
  readonly project: string;
  readonly connection: Connection;
  /** Cloud Run services as raw v2 JSON, by full name. */
  readonly services = new Map<string, Json>();
  readonly revisions = new Map<string, Revision[]>();
  readonly publicServices = new Set<string>();
  /** Permissions TestIamPermissions reports as missing. */
  readonly deniedPermissions = new Set<string>();
  readonly runs: TrainingRun[] = [];
  readonly registeredModels: RegisteredModel[] = [];
  readonly versions = new Map<string, ModelVersion[]>();
  /** Log entries, oldest first; `tail` streams what `emitLog` adds later. */
  readonly logEntries: Json[] = [];
  readonly objects = new Map<string, Uint8Array>();
  readonly inspections = new Map<string, ModelInspection>();
  /** Every call, as `api.method arg0`. */
  readonly calls: string[] = [];
  private readonly faults = new Map<string, unknown[]>();
  private readonly tails = new Set<{ filter: string; listeners: Map<string, Array<(...a: any[]) => void>> }>();
  private generation = 0;

  readonly vertex: VertexApi;
  readonly run: RunApi;
  readonly runWrite: RunWriteApi;
  readonly logs: LogsApi;
  readonly models: ModelInspectorApi;
  readonly idTokens: IdTokenApi;
  readonly storage: StorageApi;
  /** BigQuery tables by `project.dataset.table`: columns and rows (objects keyed by column). */
  readonly bqTables = new Map<string, { columns: BigQueryColumn[]; rows: Array<Record<string, unknown>> }>();
  readonly bigquery: BigQueryApi;
  /** Not faked: the endpoint commands are tested in-host against the emulator. */
  get endpoints(): VertexEndpointsApi {
    throw new Error('FakeCloud has no Vertex AI endpoints');
  }
  get batch(): BatchPredictionApi {
    throw new Error('FakeCloud has no Vertex AI batch prediction');
  }

  constructor(o: FakeCloudOptions = {}) {
    this.project = o.project ?? 'demo-project';
    this.connection = o.connection ?? { kind: 'google' };
    const ctx = (role: string) => ({ project: this.project, role });
    this.vertex = withCloudFailures(this.track('vertex', this.makeVertex()), ctx('roles/aiplatform.user'));
    this.run = withCloudFailures(this.track('run', this.makeRun()), ctx('roles/run.viewer'));
    this.runWrite = withCloudFailures(this.track('runWrite', this.makeRunWrite()), ctx('roles/run.developer'));
    this.logs = withCloudFailures(this.track('logs', this.makeLogs()), ctx('roles/logging.viewer'));
    this.models = withCloudFailures(this.track('models', { inspect: async (uri: string) => this.inspections.get(uri.replace(/\/+$/, '')) ?? Promise.reject(grpcError(5, `${uri}: not found`)) }), ctx('roles/storage.objectViewer'));
    this.storage = withCloudFailures(this.track('storage', {
      exists: async (uri: string) => this.objects.has(uri),
      write: async (uri: string, data: Uint8Array) => { this.objects.set(uri, data); },
    }), ctx('roles/storage.objectUser'));
    this.bigquery = withCloudFailures(this.track('bigquery', {
      table: async (r: { project: string; dataset: string; table: string }) => {
        const id = `${r.project}.${r.dataset}.${r.table}`;
        const t = this.bqTables.get(id);
        return t ? { id, rows: t.rows.length, columns: t.columns } : undefined;
      },
      rows: async (r: { project: string; dataset: string; table: string }, max: number) => (this.bqTables.get(`${r.project}.${r.dataset}.${r.table}`)?.rows ?? []).slice(0, max),
      datasetExists: async (project: string, dataset: string) => [...this.bqTables.keys()].some(k => k.startsWith(`${project}.${dataset}.`)),
    }), ctx('roles/bigquery.dataViewer'));
    this.idTokens = this.track('idTokens', {
      get: async (audience: string): Promise<IdToken> => ({ token: `fake-token-for-${audience}`, identity: 'tester@example.com', source: 'emulator', expiresAt: Date.now() + 3_600_000 }),
      invalidate: () => undefined,
    });
  }

  /** The next call of `method` (`runWrite.setTraffic`) fails with `error`; repeat for more. */
  failNext(method: string, error: unknown): this {
    const list = this.faults.get(method) ?? [];
    list.push(error);
    this.faults.set(method, list);
    return this;
  }

  /** A service deployed as Cloud Run would answer, ready, serving its latest revision. */
  addService(id: string, opts: { region?: string; env?: Record<string, string>; template?: Json; labels?: Record<string, string> } = {}): Json {
    const name = `projects/${this.project}/locations/${opts.region ?? 'us-central1'}/services/${id}`;
    const template = opts.template ?? { containers: [{ name: 'serving', image: 'tf-serving', env: Object.entries(opts.env ?? {}).map(([n, value]) => ({ name: n, value })) }] };
    return this.store(name, { labels: opts.labels ?? {}, template });
  }

  checkCredentials = async (): Promise<void> => {
    this.calls.push('checkCredentials');
  };

  dispose = async (): Promise<void> => {
    for (const t of this.tails) for (const l of t.listeners.get('close') ?? []) l();
    this.tails.clear();
  };

  /** Appends a log entry and sends it to the open tails. */
  emitLog(entry: Json): void {
    this.logEntries.push(entry);
    for (const t of this.tails) for (const l of t.listeners.get('data') ?? []) l({ entries: [entry] });
  }

  /** Breaks the open tails with `error` (as a dropped gRPC stream does). */
  breakTails(error: Error): void {
    for (const t of [...this.tails]) for (const l of t.listeners.get('error') ?? []) l(error);
  }

  private track<T extends object>(area: string, api: T): T {
    const self = this;
    return new Proxy(api, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        const method = `${area}.${String(key)}`;
        return (...args: unknown[]) => {
          self.calls.push(`${method}${typeof args[0] === 'string' ? ` ${args[0]}` : ''}`);
          const fault = self.faults.get(method)?.shift();
          if (fault !== undefined) {
            if (method === 'logs.tail') throw fault;
            return Promise.reject(fault);
          }
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  private store(name: string, body: Json): Json {
    const id = name.slice(name.lastIndexOf('/') + 1);
    const revision = `${name}/revisions/${id}-${String(++this.generation).padStart(5, '0')}-fak`;
    const prev = this.services.get(name);
    const raw: Json = {
      ...structuredClone(body), name,
      uri: `https://${id}-fake-uc.a.run.app`,
      generation: String(this.generation), etag: `"etag-${this.generation}"`,
      latestCreatedRevision: revision, latestReadyRevision: revision,
      terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
      traffic: prev?.traffic ?? [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    };
    raw.trafficStatuses = this.statuses(raw);
    this.services.set(name, raw);
    const revs = this.revisions.get(name) ?? [];
    revs.unshift({ name: revision, id: revision.slice(revision.lastIndexOf('/') + 1), service: name, state: 'ready', labels: {}, image: raw.template?.containers?.[0]?.image, createTime: new Date(Date.now() + this.generation) });
    this.revisions.set(name, revs);
    return raw;
  }

  private statuses(raw: Json): Json[] {
    return (raw.traffic as Json[]).map(t => ({ ...t, revision: t.type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? raw.latestReadyRevision.split('/').pop() : t.revision }));
  }

  private get(name: string): Json {
    const s = this.services.get(name);
    if (!s) throw grpcError(5, `service "${name}" not found`);
    return s;
  }

  private makeRun(): RunApi {
    return {
      listServices: async region => [...this.services.values()].filter(s => s.name.includes(`/locations/${region}/`)).map(s => toService(structuredClone(s))),
      getService: async name => (this.services.has(name) ? toService(structuredClone(this.get(name))) : undefined),
      listRevisions: async name => [...(this.revisions.get(name) ?? [])],
    };
  }

  private makeRunWrite(): RunWriteApi {
    return {
      getRaw: async name => (this.services.has(name) ? structuredClone(this.get(name)) : undefined),
      read: async (name): Promise<ExistingService | undefined> => {
        if (!this.services.has(name)) return undefined;
        const raw = structuredClone(this.get(name));
        return { raw, spec: servingSpecOf(raw), service: toService(structuredClone(raw)) };
      },
      create: async (parent, serviceId, service) => {
        const name = `${parent}/services/${serviceId}`;
        if (this.services.has(name)) throw grpcError(6, `service "${name}" already exists`);
        return toService(structuredClone(this.store(name, service)));
      },
      update: async service => {
        const current = this.get(service.name);
        if (service.etag && service.etag !== current.etag) throw grpcError(10, 'etag mismatch: the service changed');
        return toService(structuredClone(this.store(service.name, service)));
      },
      setTraffic: async (name, traffic: TrafficTarget[]) => {
        const s = this.get(name);
        s.traffic = traffic.map(t => ({ type: t.type === 'LATEST' ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' : 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: t.type === 'REVISION' ? t.revision?.split('/').pop() : undefined, percent: t.percent, tag: t.tag || undefined }));
        s.trafficStatuses = this.statuses(s);
        return toService(structuredClone(s));
      },
      remove: async name => {
        this.get(name);
        this.services.delete(name);
        this.revisions.delete(name);
      },
      setPublic: async (name, isPublic) => {
        this.get(name);
        if (isPublic) this.publicServices.add(name);
        else this.publicServices.delete(name);
      },
      isPublic: async name => this.publicServices.has(name),
      missingPermissions: async (_resource, permissions) => permissions.filter(p => this.deniedPermissions.has(p)),
    };
  }

  private makeVertex(): VertexApi {
    const page = <T>(items: T[], p: PageRequest): Page<T> => {
      const from = Number(p.pageToken || 0);
      const next = from + p.pageSize;
      return { items: items.slice(from, next), nextPageToken: next < items.length ? String(next) : undefined };
    };
    const inRegion = (r: { region: string }, region: string) => r.region === region;
    return {
      listPipelineRuns: async (region, p) => page(this.runs.filter(r => r.kind === 'pipeline' && inRegion(r, region)), p),
      listCustomJobRuns: async (region, p) => page(this.runs.filter(r => r.kind === 'custom' && inRegion(r, region)), p),
      getPipelineRun: async name => this.runs.find(r => r.name === name) ?? Promise.reject(grpcError(5, `${name} not found`)),
      listModels: async (region, p) => page(this.registeredModels.filter(m => inRegion(m, region)), p),
      listModelVersions: async modelName => [...(this.versions.get(modelName) ?? [])],
      uploadModel: async (region, req: UploadModelRequest) => {
        const modelName = req.parentModel ?? `projects/${this.project}/locations/${region}/models/${1000 + this.registeredModels.length}`;
        const versions = this.versions.get(modelName) ?? [];
        const v: ModelVersion = { modelName, displayName: req.displayName, versionId: String(versions.length + 1), aliases: versions.length ? [] : ['default'], labels: { ...req.labels }, artifactUri: req.artifactUri, containerImage: req.containerImage, description: req.description };
        versions.push(v);
        this.versions.set(modelName, versions);
        if (!req.parentModel) this.registeredModels.push({ name: modelName, id: modelName.split('/').pop()!, region, displayName: req.displayName, labels: { ...req.labels }, defaultVersion: v });
        return v;
      },
    };
  }

  private makeLogs(): LogsApi {
    return {
      list: async (_filter, pageSize) => [...this.logEntries].reverse().slice(0, pageSize),
      tail: (filter): TailStream => {
        const t = { filter, listeners: new Map<string, Array<(...a: any[]) => void>>() };
        this.tails.add(t);
        return {
          on: (event: string, listener: (...a: any[]) => void) => {
            t.listeners.set(event, [...(t.listeners.get(event) ?? []), listener]);
            return undefined;
          },
          close: () => { this.tails.delete(t); },
        } as TailStream;
      },
    };
  }
}
