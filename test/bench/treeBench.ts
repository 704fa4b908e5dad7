/**
 * tree_cold_ms / tree_warm_ms, in its own process: node treeBench.js --dist=DIR --reps=N.
 * The emulator runs in this process with 500 pipeline runs and 200 models; the extension's data
 * layer (GcpClients + vertexApi + RunsPager, page size 50; models in pages of 100) lists the first
 * page of both views together, as the sidebar shows them, then every remaining page.
 * Cold: a fresh GcpClients, so the production gcp-vertex bundle is loaded and the clients built.
 * Warm: the same again with the clients built.
 */
import { bundleLoadMs, useBundlesFrom } from './bundleRedirect';
import { arg, finish } from './childRun';

const REGION = 'us-central1';
const RUN_PAGE = 50; // mlServing.runs.pageSize default
const MODEL_PAGE = 100;

async function main(): Promise<void> {
  useBundlesFrom(arg('dist'));
  const reps = Number(arg('reps', '5'));
  // required after the redirect is in place
  const { startEmulator } = require('../emulator/emulator') as typeof import('../emulator/emulator');
  const { GcpClients } = require('../../src/gcp/clients') as typeof import('../../src/gcp/clients');
  const { vertexApi } = require('../../src/gcp/vertex') as typeof import('../../src/gcp/vertex');
  const { RunsPager } = require('../../src/features/explorer/runsPager') as typeof import('../../src/features/explorer/runsPager');

  const emu = await startEmulator({ demo: true, runs: 500, models: 200, log: () => {} });
  const clients = new GcpClients({ kind: 'emulator', endpoints: emu.endpoints }, emu.demo!.project);
  try {
    const vertex = vertexApi(clients);
    const list = async () => {
      const t0 = performance.now();
      const pager = new RunsPager(vertex, REGION, RUN_PAGE);
      const [, firstModels] = await Promise.all([pager.loadMore(), vertex.listModels(REGION, { pageSize: MODEL_PAGE })]);
      const firstMs = performance.now() - t0;
      const firstPage = { runs: pager.items.length, models: firstModels.items.length };
      let models = firstModels.items.length;
      let token = firstModels.nextPageToken;
      await Promise.all([
        (async () => { while (pager.hasMore) await pager.loadMore(); })(),
        (async () => {
          while (token) {
            const p = await vertex.listModels(REGION, { pageSize: MODEL_PAGE, pageToken: token });
            models += p.items.length;
            token = p.nextPageToken;
          }
        })(),
      ]);
      return { firstMs, allMs: performance.now() - t0, firstPage, runs: pager.items.length, models };
    };
    const cold = await list();
    const warm = [];
    for (let i = 0; i < reps; i++) warm.push(await list());
    const expected = { runs: emu.demo!.pipelineJobs + emu.demo!.customJobs, models: emu.demo!.models };
    finish({ cold, warm, expected, bundleLoadMs });
  } finally {
    await clients.dispose();
    await emu.stop();
  }
}

main().catch(e => finish({ error: (e as Error).stack ?? String(e) }, 1));
