/**
 * predict_overhead_ratio, in its own process: node predictBench.js --dist=DIR --count=500.
 * The emulator runs in a child process. A Cloud Run service is created on it with the official
 * client (production gcp-run bundle) from buildService() for the demo ranking model, made public,
 * and then `count` sequential predictions go through (a) the extension's request path as the Test
 * Prediction panel's host side runs it (ServiceClient.call with an AbortSignal and the cold-start
 * retry policy; the body goes to the webview unparsed) and (b) a direct keep-alive http.Agent
 * client, to the same service URL, in alternating blocks so load changes on the shared machine
 * hit both alike. Both check the status and read the whole body; neither parses it.
 */
import * as http from 'node:http';
import { useBundlesFrom } from './bundleRedirect';
import { arg, finish } from './childRun';
import { startEmulatorHost, type EmulatorHost } from './hostProcess';
import { median, percentile } from './stats';

const SERVICE_ID = 'bench-predict';
const MODEL_NAME = 'ranking';

async function main(): Promise<void> {
  useBundlesFrom(arg('dist'));
  const count = Number(arg('count', '500'));
  const { GcpClients } = require('../../src/gcp/clients') as typeof import('../../src/gcp/clients');
  const { runDeployApi } = require('../../src/gcp/runDeploy') as typeof import('../../src/gcp/runDeploy');
  const { buildService, DEFAULT_DEPLOY } = require('../../src/serving/deploy/serviceSpec') as typeof import('../../src/serving/deploy/serviceSpec');
  const { defaultImage } = require('../../src/serving/images') as typeof import('../../src/serving/images');
  const { ServiceClient, COLD_START_RETRY } = require('../../src/serving/node/serviceClient') as typeof import('../../src/serving/node/serviceClient');
  const { predictPath } = require('../../src/serving/predict/request') as typeof import('../../src/serving/predict/request');

  let host: EmulatorHost | undefined;
  let clients: InstanceType<typeof GcpClients> | undefined;
  try {
    host = await startEmulatorHost();
    const { project, region, endpoints } = host.ready;
    clients = new GcpClients({ kind: 'emulator', endpoints }, project);
    const deploy = runDeployApi(clients);
    const mv = await host.request({ type: 'modelVersion', folder: 'recsys-ranking' }, 'modelVersion', 10_000);
    const service = buildService({
      serviceName: SERVICE_ID, region, project, image: defaultImage('native', project, region), container: 'native',
      modelName: MODEL_NAME, modelUri: mv.modelUri, version: mv.version, ...DEFAULT_DEPLOY, minInstances: 1, links: {},
    });
    const parent = `projects/${project}/locations/${region}`;
    const notes: string[] = [];
    let created;
    try {
      created = await deploy.create(parent, SERVICE_ID, service);
    } catch (e) {
      // The emulator does not yet resolve a model path whose version folder is itself the mount
      // point (buildService mounts gs://.../VERSION at /models/NAME/VERSION); mount the parent
      // folder at /models/NAME instead, which serves the same version.
      const base = mv.modelUri.slice(0, mv.modelUri.lastIndexOf('/'));
      const c = service.template.containers[0];
      c.volumeMounts[0].mountPath = `/models/${MODEL_NAME}`;
      service.template.volumes[0].gcs.mountOptions = [`only-dir=${base.replace(/^gs:\/\/[^/]+\//, '')}`];
      notes.push(`the service as buildService() writes it did not start on the emulator (${(e as Error).message.split('.')[0]}); measured with the model folder mounted at /models/${MODEL_NAME} instead`);
      created = await deploy.create(parent, `${SERVICE_ID}-2`, service);
    }
    if (created.state !== 'ready' || !created.uri) throw new Error(`service ${created.id} is ${created.state}: ${created.message ?? 'no uri'}`);
    await deploy.setPublic(created.name, true);
    const url = created.uri;

    const body = JSON.stringify({ instances: [{ customer_id: 'customer-17', product_id: 'P-1001' }] });
    const ext = new ServiceClient({ url, authenticated: false });
    const extOnce = async (): Promise<number> => {
      const t0 = performance.now();
      const ctrl = new AbortController();
      const r = await ext.call({ method: 'POST', path: predictPath(MODEL_NAME), body, signal: ctrl.signal, retry: COLD_START_RETRY, timeoutMs: 120_000 });
      const ms = performance.now() - t0;
      if (r.status !== 200 || !r.text.includes('"predictions"')) throw new Error(`extension path: HTTP ${r.status} ${r.text.slice(0, 200)}`);
      return ms;
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(predictPath(MODEL_NAME), url);
    const directOnce = () => new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(target, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const ms = performance.now() - t0;
          if (res.statusCode !== 200 || !text.includes('"predictions"')) reject(new Error(`direct client: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve(ms);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

    // Warm-up: the first request opens the connection (and the stand-in may delay a cold start).
    for (let i = 0; i < 50; i++) { await directOnce(); await extOnce(); }
    const direct: number[] = [];
    const extension: number[] = [];
    const block = 50;
    for (let round = 0; direct.length < count || extension.length < count; round++) {
      const order: Array<[() => Promise<number>, number[]]> = round % 2 ? [[extOnce, extension], [directOnce, direct]] : [[directOnce, direct], [extOnce, extension]];
      for (const [once, into] of order) for (let i = 0; i < block && into.length < count; i++) into.push(await once());
    }
    ext.dispose();
    agent.destroy();
    const d = median(direct);
    const e = median(extension);
    finish({
      url, count, notes, directMedianMs: d, extensionMedianMs: e, ratio: e / d, addedMs: e - d,
      directP95Ms: percentile(direct, 95), extensionP95Ms: percentile(extension, 95),
    });
  } finally {
    await clients?.dispose();
    await host?.stop();
  }
}

main().catch(e => finish({ error: (e as Error).stack ?? String(e) }, 1));
