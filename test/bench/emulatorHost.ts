/**
 * The emulator in its own process, so the measured process is only the extension side (as in
 * VS Code, where the servers are elsewhere). Started with an IPC channel by hostProcess.ts; it
 * sends {type:'ready', endpoints, demo, models} and answers:
 * - {type:'modelVersion', folder}: the newest version folder of a demo model (gs:// URI + name);
 * - {type:'logs', rate, seconds, service, revision}: appends Cloud Run request-log entries at
 *   `rate` per second to the log store, numbered from 1, then {type:'logsDone', sent, ms};
 * - {type:'stop'}: stops the emulator and exits. It also exits when the parent goes away.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from '../emulator/emulator';

export type HostRequest =
  | { type: 'modelVersion'; folder: string }
  | { type: 'logs'; rate: number; seconds: number; service: string; revision: string }
  | { type: 'stop' };

export type HostMessage =
  | { type: 'ready'; endpoints: import('../../src/gcp/endpoints').EmulatorEndpoints; project: string; region: string; modelFolders: Record<string, string> }
  | { type: 'modelVersion'; modelUri: string; version: string }
  | { type: 'logsDone'; sent: number; ms: number }
  | { type: 'error'; message: string };

const send = (m: HostMessage) => process.send!(m);

async function main(): Promise<void> {
  const emu = await startEmulator({ demo: true, deployMs: 50, log: () => {} });
  const demo = emu.demo!;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await emu.stop().catch(() => {});
    process.exit(0);
  };
  process.on('disconnect', () => void stop());

  process.on('message', (m: HostRequest) => {
    try {
      if (m.type === 'stop') void stop();
      else if (m.type === 'modelVersion') {
        const base = demo.modelFolders[m.folder];
        if (!base) throw new Error(`folder: no demo model folder ${m.folder}`);
        const local = path.join(emu.dataDir, ...base.slice(5).split('/'));
        const versions = fs.readdirSync(local).filter(d => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
        if (!versions.length) throw new Error(`${base}: no version folder`);
        send({ type: 'modelVersion', modelUri: `${base}/${versions[0]}`, version: versions[0] });
      } else if (m.type === 'logs') produceLogs(emu, demo.project, demo.region, m);
    } catch (e) {
      send({ type: 'error', message: (e as Error).message });
    }
  });
  send({ type: 'ready', endpoints: emu.endpoints, project: demo.project, region: demo.region, modelFolders: demo.modelFolders });
}

/** Steady rate: each 10 ms tick appends what is due by then, so timer slips do not lower the rate. */
function produceLogs(emu: Awaited<ReturnType<typeof startEmulator>>, project: string, region: string, m: Extract<HostRequest, { type: 'logs' }>): void {
  const total = Math.round(m.rate * m.seconds);
  const resource = { type: 'cloud_run_revision', labels: { project_id: project, location: region, service_name: m.service, revision_name: m.revision, configuration_name: m.service } };
  const logName = `projects/${project}/logs/run.googleapis.com%2Frequests`;
  let sent = 0;
  const t0 = performance.now();
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * m.rate));
    for (; sent < due; ) {
      sent++;
      emu.logs.append({
        logName, resource, severity: 'INFO', textPayload: `bench entry ${sent}`,
        httpRequest: { requestMethod: 'POST', requestUrl: `https://${m.service}-abc-uc.a.run.app/v1/models/model:predict`, status: 200, latency: '0.012s', responseSize: 512 },
      });
    }
    if (sent < total) setTimeout(tick, 10);
    else send({ type: 'logsDone', sent, ms: performance.now() - t0 });
  };
  tick();
}

main().catch(e => {
  send({ type: 'error', message: (e as Error).stack ?? String(e) });
  process.exit(1);
});
