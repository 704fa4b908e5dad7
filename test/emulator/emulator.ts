/**
 * The local Google Cloud emulator in one process, loopback only: Vertex AI, Cloud Run Admin v2 and
 * Cloud Logging over gRPC, Cloud Storage JSON and BigQuery REST v2 over HTTP, and an admin HTTP API. `startEmulator` is
 * for tests and benchmarks in-process; main.ts is the command line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { EmulatorEndpoints } from '../../src/gcp/endpoints';
import { loadProtos } from './protos';
import { CallLog, CallContext, listen, shutdown } from './grpcServer';
import { Faults } from './faults';
import { OperationStore } from './lro';
import { LogStore } from './logging/store';
import { loggingService } from './logging/service';
import { VertexStore } from './vertex/store';
import { modelService } from './vertex/models';
import { jobService, pipelineService } from './vertex/jobs';
import { EndpointStore, endpointService } from './vertex/endpoints';
import { predictionService } from './vertex/prediction';
import { batchPredictionService } from './vertex/batch';
import { RunStore } from './run/store';
import { Deployer } from './run/deployer';
import { servicesService } from './run/services';
import { revisionsService } from './run/revisions';
import { startGcsServer } from './gcs/server';
import { BigQueryStore } from './bigquery/store';
import { startBigQueryServer } from './bigquery/server';
import { seedBigQuery } from './demo/bigquery';
import { stopStorageFront } from './gcs/front';
import { startAdminServer } from './admin/server';
import { startServingStandIn } from './serving/standIn';
import type { PythonServing } from './serving/pythonServer';
import { createIdentity, Identity } from './identity/identity';
import { generateDemo, DemoSummary, DEMO_PROJECT } from './demo/project';

export interface EmulatorOptions {
  /** Generate the demo project (`demo-project`, `us-central1`). */
  demo?: boolean;
  /** Demo pipeline runs (default 40, at most 500). */
  runs?: number;
  /** Demo registered models (default 12, at most 200). */
  models?: number;
  /** Passed to the serving stand-ins: delay of the first request after a revision starts. */
  coldStartMs?: number;
  /** Folder behind Cloud Storage (bucket = first path segment). Default: a new temp folder, removed on stop. */
  dataDir?: string;
  /** Fixed ports: vertex P, run P+1, logging P+2, storage P+3, admin P+4, bigquery P+5. Default: free ports. */
  portBase?: number;
  /** How long a Cloud Run revision takes to become ready (default 300 ms). */
  deployMs?: number;
  /** How long Vertex model operations take (default 200 ms). */
  operationMs?: number;
  /** Project the GCE metadata server reports (default `demo-project`). */
  projectId?: string;
  /** Where emulator log lines go (default: stderr). */
  log?: (line: string) => void;
  /**
   * Python with TensorFlow (a venv interpreter): revisions run the real deploy/tf_serving_python
   * server. Absent: predictions come from the TypeScript stand-in (`serving: "stand-in"`).
   */
  python?: string;
  /** The model zoo (scripts/model-zoo.mjs): with `demo`, the demo project's models are these exports. */
  zooDir?: string;
  /** Op packages the Python image installs (EXTRA_OP_MODULES; default mlserving_demo_ops from deploy/examples). */
  opModules?: string[];
  /** Where mlserving_demo_ops keeps its compiled library (MLSERVING_DEMO_OPS_BUILD_DIR), so servers do not rebuild it. */
  opsBuildDir?: string;
}

/** Who answers predictions: the real server with TensorFlow, or the TypeScript stand-in. */
export type ServingMode = 'tensorflow' | 'stand-in';

export interface Emulator {
  endpoints: EmulatorEndpoints;
  dataDir: string;
  faults: Faults;
  logs: LogStore;
  vertex: VertexStore;
  /** BigQuery datasets and tables (REST v2 at endpoints.bigquery). */
  bigquery: BigQueryStore;
  /** Vertex AI endpoints and their running deployed models. */
  vertexEndpoints: EndpointStore;
  run: RunStore;
  /** Issues and verifies the ID tokens the serving stand-ins check; serves GCE metadata. */
  identity: Identity;
  /** Predictors of demo models by sha256 of saved_model.pb (the stand-in uses them). */
  predictors: Map<string, unknown>;
  serving: ServingMode;
  demo?: DemoSummary;
  stop(): Promise<void>;
}

export const PROJECT_NUMBER = '123456789012';

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[emulator] ${line}\n`));
  const ownData = !opts.dataDir;
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'ml-serving-emulator-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const port = (i: number) => (opts.portBase ? opts.portBase + i : 0);

  const protos = loadProtos();
  const faults = new Faults();
  const calls = new CallLog();
  const ctx: CallContext = { faults, calls };
  const logs = new LogStore();
  const vertex = new VertexStore();
  const bigquery = new BigQueryStore();
  const run = new RunStore();
  const predictors = new Map<string, unknown>();

  const startStandIn = startServingStandIn;
  const repoRoot = path.resolve(__dirname, '../../..');
  if (opts.python && !fs.existsSync(opts.python)) throw new Error(`python: ${opts.python} does not exist`);
  if (opts.zooDir && !fs.existsSync(path.join(opts.zooDir, 'manifest.json'))) throw new Error(`zooDir: ${opts.zooDir} has no manifest.json (make it with node scripts/model-zoo.mjs)`);
  const serving: PythonServing | undefined = opts.python ? {
    python: path.resolve(opts.python),
    serverDir: path.join(repoRoot, 'deploy', 'tf_serving_python'),
    opPackagesDir: path.join(repoRoot, 'deploy', 'examples'),
    opModules: opts.opModules ?? ['mlserving_demo_ops'],
    env: opts.opsBuildDir ? { MLSERVING_DEMO_OPS_BUILD_DIR: path.resolve(opts.opsBuildDir) } : undefined,
  } : undefined;
  const servingMode: ServingMode = serving ? 'tensorflow' : 'stand-in';
  log(servingMode === 'tensorflow' ? `serving: the real Python server with TensorFlow (${serving!.python})` : 'serving: TypeScript stand-in predictions (no Python with TensorFlow given)');
  const identity = createIdentity({ projectId: opts.projectId ?? DEMO_PROJECT, projectNumber: PROJECT_NUMBER });

  let demo: DemoSummary | undefined;
  if (opts.demo) {
    demo = generateDemo({ dataDir, vertex, logs, predictors, runs: opts.runs ?? 40, models: opts.models ?? 12, zooDir: opts.zooDir });
    seedBigQuery(bigquery, demo.project);
    log(`demo project ${demo.project}: ${demo.pipelineJobs} pipeline jobs, ${demo.customJobs} custom jobs, ${demo.models} models, buckets ${demo.buckets.join(', ')}`);
  }

  const servers: grpc.Server[] = [];
  const serve = async (i: number, services: Array<[string, grpc.UntypedServiceImplementation]>) => {
    const server = new grpc.Server();
    for (const [name, impl] of services) server.addService(protos.service(name), impl);
    const p = await listen(server, port(i));
    servers.push(server);
    return `127.0.0.1:${p}`;
  };

  const vertexOps = new OperationStore(protos);
  const runOps = new OperationStore(protos);
  const deployer = new Deployer(run, { gcsRoot: dataDir, deployMs: opts.deployMs ?? 300, coldStartMs: opts.coldStartMs, startStandIn, identity, predictors, faults, logs, serving });

  const closers: Array<() => Promise<void>> = [];
  const vertexEndpoints = new EndpointStore();
  closers.push(() => vertexEndpoints.stopAll());
  closers.push(() => stopStorageFront(dataDir)); // the storage proxy custom containers read gs:// through
  try {
    const vertexAddr = await serve(0, [
      ['google.cloud.aiplatform.v1.ModelService', modelService(ctx, vertex, vertexOps, { operationMs: opts.operationMs ?? 200 })],
      ['google.cloud.aiplatform.v1.JobService', { ...jobService(ctx, vertex), ...batchPredictionService(ctx, { store: vertex, ops: vertexOps, logs, gcsRoot: dataDir, bigquery, serving, operationMs: opts.operationMs }) }],
      ['google.cloud.aiplatform.v1.PipelineService', pipelineService(ctx, vertex)],
      ['google.cloud.aiplatform.v1.EndpointService', endpointService(ctx, vertex, vertexEndpoints, vertexOps, { operationMs: opts.operationMs ?? 200, logs, projectNumber: PROJECT_NUMBER, gcsRoot: dataDir, serving, startStandIn, predictors })],
      ['google.cloud.aiplatform.v1.PredictionService', predictionService(ctx, vertexEndpoints, { logs, projectNumber: PROJECT_NUMBER })],
      ['google.longrunning.Operations', vertexOps.service(ctx)],
    ]);
    const runAddr = await serve(1, [
      ['google.cloud.run.v2.Services', servicesService(ctx, run, deployer, runOps, { projectNumber: PROJECT_NUMBER })],
      ['google.cloud.run.v2.Revisions', revisionsService(ctx, run, deployer, runOps)],
      ['google.longrunning.Operations', runOps.service(ctx)],
    ]);
    const loggingAddr = await serve(2, [['google.logging.v2.LoggingServiceV2', loggingService(ctx, logs)]]);
    const gcs = await startGcsServer(dataDir, port(3));
    closers.push(gcs.close);
    const bq = await startBigQueryServer(bigquery, port(5));
    closers.push(bq.close);
    let endpoints!: EmulatorEndpoints;
    const admin = await startAdminServer({
      endpoints: () => ({ ...endpoints, serving: servingMode }), faults, logs, identity,
      projects: () => [{ projectId: opts.projectId ?? DEMO_PROJECT, name: 'ML Serving demo (emulator)' }],
      state: () => ({
        endpoints, serving: servingMode, dataDir, faults: faults.active(),
        services: [...run.services.values()].map(s => ({ name: s.proto.name, uri: s.proto.uri, generation: s.proto.generation, latestReadyRevision: s.proto.latestReadyRevision, latestCreatedRevision: s.proto.latestCreatedRevision, terminalCondition: s.proto.terminalCondition?.state, traffic: s.proto.trafficStatuses, public: deployer.isPublic(s) })),
        revisions: [...run.revisions.values()].map(r => ({ name: r.proto.name, ready: r.ready, failed: r.failed, instance: r.instance?.url, server: r.server })),
        models: vertex.models.size, customJobs: vertex.customJobs.size, pipelineJobs: vertex.pipelineJobs.size,
        operations: { vertex: vertexOps.size(), run: runOps.size() }, logEntries: logs.count(), recentCalls: calls.entries.slice(-100),
      }),
    }, port(4));
    closers.push(admin.close);
    endpoints = { vertex: vertexAddr, run: runAddr, logging: loggingAddr, storage: gcs.url, admin: admin.url, bigquery: bq.url };
    let stopped = false;
    return {
      endpoints, dataDir, faults, logs, vertex, bigquery, vertexEndpoints, run, identity, predictors, demo, serving: servingMode,
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const svc of run.services.values()) { svc.deleted = true; await svc.router.close(); }
        for (const rev of run.revisions.values()) await deployer.stopRevision(rev);
        await Promise.all([...servers.map(shutdown), ...closers.map(c => c())]);
        if (ownData) fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.all([...servers.map(shutdown), ...closers.map(c => c())]);
    if (ownData) fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
