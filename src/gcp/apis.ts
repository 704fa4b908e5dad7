/**
 * The one door features use to reach Google Cloud: small interfaces per API, built once per
 * session (project + connection) by `buildCloudApis`. Features never see the official clients
 * (GcpClients); unit tests use the in-memory fake in test/unit/support/fakeCloud.ts, integration
 * tests the emulator through these same adapters. Vertex AI endpoints plug in here as one more
 * member.
 */
import type { CloudRunService } from '../serving/domain';
import type { ModelInspection } from '../serving/savedModel/inspection';
import type { InspectOptions } from '../serving/savedModel/inspect';
import type { ServingSpec } from '../serving/servingSpec';
import { GcpClients } from './clients';
import type { Connection } from './endpoints';
import { idTokensFor, type IdToken } from './idToken';
import { loggingSource, type LogsApi } from './logs';
import { withCloudFailures } from './errors';
import { inspectGcsModel } from './modelInspector';
import { runApi, serviceOf } from './run';
import { runDeployApi, type RunDeployApi } from './runDeploy';
import { servingSpecOf } from './runSpec';
import { gcsObjectExists, writeGcsObject } from './storageWrite';
import type { RunApi, VertexApi } from './types';
import { vertexApi } from './vertex';
import { vertexEndpointsApi, type VertexEndpointsApi } from './vertexEndpoints';
import { batchPredictionApi, type BatchPredictionApi } from './batchPrediction';
import { bigqueryApi, type BigQueryApi } from './bigquery';

export type { LogsApi, TailResponse, TailStream } from './logs';
export type { RunApi, VertexApi } from './types';
export type { BigQueryApi, BigQueryColumn, BigQueryTableInfo, BigQueryTableRef } from './bigquery';

type Json = Record<string, any>;

/** A service as Cloud Run returned it, read once: the raw resource (to merge into), its serving spec and its summary. */
export interface ExistingService {
  raw: Json;
  spec: ServingSpec;
  service: CloudRunService;
}

/**
 * Cloud Run writes: create/update (resolved when the revision is ready or failed), traffic, IAM
 * for public access, delete, permission checks, and the raw read a merge starts from.
 */
export interface RunWriteApi extends RunDeployApi {
  /** One read of a service for a (re)deploy: raw JSON, ServingSpec and summary; undefined when absent. */
  read(name: string): Promise<ExistingService | undefined>;
}

/** Reads a SavedModel folder (signatures, ops, the container it needs). */
export interface ModelInspectorApi {
  inspect(uri: string, opts?: InspectOptions): Promise<ModelInspection>;
}

/** ID tokens for Cloud Run service URLs; tokens go only where the session's audience rule allows. */
export interface IdTokenApi {
  get(audience: string): Promise<IdToken>;
  /** Forget a token the service rejected (401). */
  invalidate(audience: string): void;
}

/** Single Cloud Storage objects (the warm-up file). */
export interface StorageApi {
  exists(uri: string): Promise<boolean>;
  /** An all-or-nothing upload; the error names the permission when denied. */
  write(uri: string, data: Uint8Array, contentType?: string): Promise<void>;
}

export interface CloudApis {
  readonly project: string;
  readonly connection: Connection;
  readonly vertex: VertexApi;
  /** Cloud Run reads (services, revisions). */
  readonly run: RunApi;
  /** Cloud Run writes (deploy, traffic, IAM, delete). */
  readonly runWrite: RunWriteApi;
  readonly logs: LogsApi;
  readonly models: ModelInspectorApi;
  /** One cache per CloudApis (so per session): a new project or connection starts empty. */
  readonly idTokens: IdTokenApi;
  readonly storage: StorageApi;
  /** Vertex AI endpoints: deployed models, traffic, predict and rawPredict. */
  readonly endpoints: VertexEndpointsApi;
  /** Vertex AI batch prediction jobs and their Cloud Storage input and output. */
  readonly batch: BatchPredictionApi;
  /** BigQuery tables (Batch Predict's BigQuery input and output). */
  readonly bigquery: BigQueryApi;
  /** Rejects when Application Default Credentials give no access token (not signed in). */
  checkCredentials(): Promise<void>;
  /** Closes every client built so far. */
  dispose(): Promise<void>;
}

export interface CloudApisOptions {
  /** Lines without secrets (where an ID token came from and for which audience). */
  log?: (line: string) => void;
}

/** The CloudApis over the official clients (or the emulator behind the same wire protocols). */
export function buildCloudApis(connection: Connection, project: string, opts: CloudApisOptions = {}): CloudApis {
  return cloudApisOver(new GcpClients(connection, project), opts);
}

/** The same over clients built elsewhere (benches and emulator tests that hold their own). */
export function cloudApisOver(clients: GcpClients, opts: CloudApisOptions = {}): CloudApis {
  const deploy = runDeployApi(clients);
  let tokens: IdTokenApi | undefined;
  let logs: LogsApi | undefined;
  let endpoints: VertexEndpointsApi | undefined;
  let batch: BatchPredictionApi | undefined;
  let bigquery: BigQueryApi | undefined;
  const runWrite: RunWriteApi = {
    ...deploy,
    async read(name) {
      const raw = await deploy.getRaw(name);
      if (!raw) return undefined;
      return { raw, spec: servingSpecOf(raw), service: serviceOf(clients, raw) };
    },
  };
  // Every failure leaves classified (permission + role, disabled API, signed out), so the one
  // error path can say what to do; `role` is the fallback when a message names no permission.
  const project = clients.projectId;
  const advised = <T extends object>(api: T, role: string) => withCloudFailures(api, { project, role });
  return {
    project,
    connection: clients.connection,
    vertex: advised(vertexApi(clients), 'roles/aiplatform.user'),
    run: advised(runApi(clients), 'roles/run.viewer'),
    runWrite: advised(runWrite, 'roles/run.developer'),
    get logs() { return (logs ??= advised(loggingSource(clients.logging()), 'roles/logging.viewer')); },
    models: advised({ inspect: (uri: string, o?: InspectOptions) => inspectGcsModel(clients, uri, o) }, 'roles/storage.objectViewer'),
    get idTokens() { return (tokens ??= idTokensFor(clients, { log: opts.log })); },
    storage: advised({
      exists: (uri: string) => gcsObjectExists(clients, uri),
      write: (uri: string, data: Uint8Array, contentType?: string) => writeGcsObject(clients, uri, data, contentType),
    }, 'roles/storage.objectUser'),
    get batch() { return (batch ??= advised(batchPredictionApi(clients), 'roles/aiplatform.user')); },
    get bigquery() { return (bigquery ??= advised(bigqueryApi(clients), 'roles/bigquery.dataViewer')); },
    get endpoints() { return (endpoints ??= advised(vertexEndpointsApi(clients), 'roles/aiplatform.user')); },
    async checkCredentials() {
      await clients.auth().getAccessToken();
    },
    dispose: () => clients.dispose(),
  };
}
