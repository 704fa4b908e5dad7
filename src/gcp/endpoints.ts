/**
 * Where the Google clients connect: Google's endpoints with Application Default Credentials, or a
 * local emulator. No vscode import: the CLI and tests use this too.
 */

/** The emulator prints this object as its first stdout line and serves it at `GET /endpoints` on its admin port. */
export interface EmulatorEndpoints {
  /** host:port of each gRPC service. */
  vertex: string;
  run: string;
  logging: string;
  /** Base URL of the Cloud Storage JSON API (`http://127.0.0.1:P`). */
  storage: string;
  /** Base URL of the admin API (fault injection, `/endpoints`, GCE metadata stand-in). */
  admin: string;
  /** Base URL of the BigQuery REST v2 API (`http://127.0.0.1:P`); absent from emulators without BigQuery. */
  bigquery?: string;
}

export type Connection = { kind: 'google' } | { kind: 'emulator'; endpoints: EmulatorEndpoints };

/** The subset of gax ClientOptions this project sets. */
export interface GrpcClientOptions {
  apiEndpoint?: string;
  port?: number;
  // grpc.ChannelCredentials of the bundle's own grpc-js copy
  sslCreds?: any;
  universeDomain?: string;
  [option: string]: string | number | {} | undefined;
}

interface GrpcLike {
  credentials: { createInsecure(): object };
}

function splitHostPort(hostPort: string, field: string): { host: string; port: number } {
  const m = /^([^:]+):(\d{1,5})$/.exec(hostPort);
  if (!m) throw new Error(`${field}: expected host:port, got "${hostPort}"`);
  return { host: m[1], port: Number(m[2]) };
}

/**
 * Options for a gRPC client (Vertex AI, Cloud Run, Logging). Against the emulator: insecure channel
 * (no call credentials), and universeDomain set so the library never probes the GCE metadata server.
 */
export function grpcClientOptions(conn: Connection, service: 'vertex' | 'run' | 'logging', grpc: GrpcLike, googleEndpoint?: string): GrpcClientOptions {
  if (conn.kind === 'google') return googleEndpoint ? { apiEndpoint: googleEndpoint } : {};
  const { host, port } = splitHostPort(conn.endpoints[service], `emulator endpoints.${service}`);
  return { apiEndpoint: host, port, sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' };
}

/** Options for the Storage client (JSON API over HTTP). */
export function storageClientOptions(conn: Connection): { apiEndpoint?: string } {
  if (conn.kind === 'google') return {};
  return { apiEndpoint: conn.endpoints.storage };
}

/**
 * Options for the BigQuery client (REST v2). Against the emulator: its URL, and a fixed access
 * token, because this client (unlike Storage's) authorizes requests to a custom endpoint too.
 */
export function bigqueryClientOptions(conn: Connection, OAuth2Client: new (o?: object) => { setCredentials(c: object): void }): { apiEndpoint?: string; authClient?: object } {
  if (conn.kind === 'google') return {};
  if (!conn.endpoints.bigquery) throw new Error('This emulator has no BigQuery (emulator endpoints.bigquery is missing): restart it with a current build.');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', token_type: 'Bearer' });
  return { apiEndpoint: conn.endpoints.bigquery, authClient };
}

/** Vertex AI is regional: `us-central1-aiplatform.googleapis.com`. */
export function vertexEndpoint(region: string): string {
  return `${region}-aiplatform.googleapis.com`;
}

/** Parse and check an endpoints object (from the emulator's first line or `GET /endpoints`). */
export function parseEndpoints(value: unknown): EmulatorEndpoints {
  if (!value || typeof value !== 'object') throw new Error('emulator endpoints: expected a JSON object');
  const v = value as Record<string, unknown>;
  const out: Partial<EmulatorEndpoints> = {};
  for (const k of ['vertex', 'run', 'logging'] as const) {
    if (typeof v[k] !== 'string') throw new Error(`emulator endpoints.${k}: expected "host:port"`);
    splitHostPort(v[k] as string, `emulator endpoints.${k}`);
    out[k] = v[k] as string;
  }
  for (const k of ['storage', 'admin'] as const) {
    if (typeof v[k] !== 'string' || !/^http:\/\/[^/]+$/.test(v[k] as string)) throw new Error(`emulator endpoints.${k}: expected "http://host:port"`);
    out[k] = v[k] as string;
  }
  if (v.bigquery !== undefined) {
    if (typeof v.bigquery !== 'string' || !/^http:\/\/[^/]+$/.test(v.bigquery)) throw new Error('emulator endpoints.bigquery: expected "http://host:port"');
    out.bigquery = v.bigquery;
  }
  return out as EmulatorEndpoints;
}
