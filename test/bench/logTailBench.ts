/**
 * log_tail, in its own process (the "extension host"): node --expose-gc logTailBench.js
 * --dist=DIR --seconds=30 --rate=2000. The emulator runs in a child process and appends Cloud
 * Run request-log entries at `rate`/s. Here, the extension's TailRegistry/TailSession (over the
 * official Logging client from the production gcp-logging bundle) feeds two consumers, as in the
 * product: the panel (each items event serialised as the HostToWebview message postMessage would
 * carry) and the editor channel (formatLine text per entry). Counts lost and duplicated entries
 * per consumer, event-loop delay (monitorEventLoopDelay) and heap growth after GC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { useBundlesFrom } from './bundleRedirect';
import { arg, finish } from './childRun';
import { startEmulatorHost, type EmulatorHost } from './hostProcess';
import { percentile } from './stats';

const SERVICE_ID = 'bench-tail';

class Consumer {
  readonly seen = new Set<number>();
  deliveries = 0;
  bytes = 0;
  readonly latencies: number[] = [];
  count(message: string, timestamp: number): void {
    const m = /^bench entry (\d+)$/.exec(message);
    if (!m) return;
    this.deliveries++;
    this.seen.add(Number(m[1]));
    if (this.latencies.length < 200_000) this.latencies.push(Date.now() - timestamp);
  }
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc');
  g();
  g();
};
const heapMb = () => process.memoryUsage().heapUsed / 1048576;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function main(): Promise<void> {
  useBundlesFrom(arg('dist'));
  const seconds = Number(arg('seconds', '30'));
  const rate = Number(arg('rate', '2000'));
  const { GcpClients } = require('../../src/gcp/clients') as typeof import('../../src/gcp/clients');
  const { TailRegistry } = require('../../src/features/logs/tailRegistry') as typeof import('../../src/features/logs/tailRegistry');
  const { loggingSource } = require('../../src/gcp/logs') as typeof import('../../src/gcp/logs');
  const { formatLine } = require('../../src/serving/logs/format') as typeof import('../../src/serving/logs/format');
  type HostToWebview = import('../../src/protocol/logs').HostToWebview;

  let host: EmulatorHost | undefined;
  let clients: InstanceType<typeof GcpClients> | undefined;
  const subs: Array<{ dispose(): void }> = [];
  try {
    host = await startEmulatorHost();
    const { project, region, endpoints } = host.ready;
    clients = new GcpClients({ kind: 'emulator', endpoints }, project);
    const c = clients;
    const registry = new TailRegistry({ source: async () => loggingSource(c.logging() as never), log: () => {} });
    const service = `projects/${project}/locations/${region}/services/${SERVICE_ID}`;
    const panel = new Consumer();
    const channel = new Consumer();
    let markers = 0;
    const panelSub = registry.subscribe(service, e => {
      if (e.type !== 'items') return;
      const msg: HostToWebview = { type: 'items', items: e.items };
      panel.bytes += JSON.stringify(msg).length;
      for (const i of e.items) if (i.kind === 'entry') panel.count(i.message, i.timestamp); else markers++;
    });
    subs.push(panelSub);
    subs.push(registry.subscribe(service, e => {
      if (e.type !== 'items') return;
      const text = e.items.map(i => (i.kind === 'entry' ? formatLine(i) : `---- ${i.text}`)).join('\n');
      channel.bytes += text.length;
      for (const i of e.items) if (i.kind === 'entry') channel.count(i.message, i.timestamp);
    }));
    const session = panelSub.session;
    for (let t = 0; session.state !== 'live'; t += 50) {
      if (t > 30_000 || session.state === 'failed') throw new Error(`tail session is ${session.state} (${session.detail ?? ''})`);
      await sleep(50);
    }

    // Baseline: the same process idle with the live tail open.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await sleep(2000);
    idle.disable();

    gc();
    const heapStart = heapMb();
    const heapSamples: number[] = [];
    const sampler = setInterval(() => heapSamples.push(heapMb()), 1000);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const done = await host.request({ type: 'logs', rate, seconds, service: SERVICE_ID, revision: `${SERVICE_ID}-00001-abc` }, 'logsDone', (seconds + 60) * 1000);
    // Drain: the tail flushes every 100 ms; stop when both consumers have everything or nothing moves for 5 s.
    let last = -1;
    let still = 0;
    while ((panel.seen.size < done.sent || channel.seen.size < done.sent) && still < 50) {
      const now = panel.seen.size + channel.seen.size;
      still = now === last ? still + 1 : 0;
      last = now;
      await sleep(100);
    }
    lag.disable();
    clearInterval(sampler);
    gc();
    const heapEnd = heapMb();
    const ms = (ns: number) => ns / 1e6;
    const part = (x: Consumer) => ({ delivered: x.deliveries, unique: x.seen.size, lost: done.sent - x.seen.size, duplicated: x.deliveries - x.seen.size, bytes: x.bytes });
    finish({
      seconds, rate, sent: done.sent, produceMs: done.ms,
      panel: part(panel), channel: part(channel), markers,
      lagP99Ms: ms(lag.percentile(99)), lagMaxMs: ms(lag.max), lagMeanMs: ms(lag.mean), idleLagP99Ms: ms(idle.percentile(99)),
      deliveryP50Ms: panel.latencies.length ? percentile(panel.latencies, 50) : null,
      deliveryP99Ms: panel.latencies.length ? percentile(panel.latencies, 99) : null,
      heapStartMb: heapStart, heapEndMb: heapEnd, heapGrowthMb: heapEnd - heapStart, heapPeakMb: Math.max(heapStart, ...heapSamples),
      session: session.stats,
    });
  } finally {
    for (const s of subs) s.dispose();
    await clients?.dispose();
    await host?.stop();
  }
}

main().catch(e => finish({ error: (e as Error).stack ?? String(e) }, 1));
