/**
 * Builds each Google client once (per region where the API is regional) and closes them all on
 * dispose. The service bundles are required on first use only.
 */
import { loadAuth, loadBigQuery, loadLogging, loadRun, loadStorage, loadVertex } from './bundles';
import { bigqueryClientOptions, grpcClientOptions, storageClientOptions, vertexEndpoint, type Connection } from './endpoints';

type Closable = { close?: () => Promise<void> | void };

export class GcpClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly connection: Connection, readonly projectId: string) {}

  private once<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  /** Each Vertex AI client is built when first used: constructing one parses its protos (slow). */
  vertex(region: string) {
    const opts = () => {
      const b = loadVertex();
      return { b, o: grpcClientOptions(this.connection, 'vertex', b.grpc, vertexEndpoint(region)) };
    };
    const clients = this;
    return {
      get models() { return clients.once(`vertex:${region}:models`, () => { const { b, o } = opts(); return new b.ModelServiceClient(o); }); },
      get jobs() { return clients.once(`vertex:${region}:jobs`, () => { const { b, o } = opts(); return new b.JobServiceClient(o); }); },
      get pipelines() { return clients.once(`vertex:${region}:pipelines`, () => { const { b, o } = opts(); return new b.PipelineServiceClient(o); }); },
      get endpoints() { return clients.once(`vertex:${region}:endpoints`, () => { const { b, o } = opts(); return new b.EndpointServiceClient(o); }); },
      get prediction() { return clients.once(`vertex:${region}:prediction`, () => { const { b, o } = opts(); return new b.PredictionServiceClient(o); }); },
    };
  }

  run() {
    return this.once('run', () => {
      const b = loadRun();
      const opts = grpcClientOptions(this.connection, 'run', b.grpc);
      return { services: new b.ServicesClient(opts), revisions: new b.RevisionsClient(opts) };
    });
  }

  logging() {
    return this.once('logging', () => {
      const b = loadLogging();
      // projectId is required: without it tailEntries probes the metadata server and hangs.
      return new b.Logging({ projectId: this.projectId, ...grpcClientOptions(this.connection, 'logging', b.grpc) });
    });
  }

  storage() {
    return this.once('storage', () => {
      const b = loadStorage();
      return new b.Storage({ projectId: this.projectId, ...storageClientOptions(this.connection) });
    });
  }

  bigquery() {
    return this.once('bigquery', () => {
      const b = loadBigQuery();
      // The emulator's authClient is an OAuth2Client of the bundle's own google-auth-library.
      const o = bigqueryClientOptions(this.connection, b.OAuth2Client) as ConstructorParameters<typeof b.BigQuery>[0];
      return new b.BigQuery({ projectId: this.projectId, ...o });
    });
  }

  auth() {
    return this.once('auth', () => {
      const b = loadAuth();
      return new b.GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], projectId: this.projectId });
    });
  }

  async dispose(): Promise<void> {
    const all: Closable[] = [];
    for (const [key, v] of this.cache) {
      // the run entry is a pair of clients; the others are single clients (GoogleAuth has no close).
      const items = key === 'run' ? Object.values(v as object) : [v];
      for (const c of items) if (c && typeof (c as Closable).close === 'function') all.push(c as Closable);
    }
    this.cache.clear();
    await Promise.allSettled(all.map(c => c.close?.()));
  }
}
