import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { PARENT, bundle, clientOptions, startTestEmulator } from './harness';

/**
 * Every outbound connection of a whole emulator + official clients session goes to loopback:
 * a hook on net.Socket#connect (which tls and http use too) and on dns.lookup records them all.
 */
// The module object itself (an import namespace has read-only getters).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const dns: typeof import('node:dns') = require('node:dns');

describe('emulator: network trace', function () {
  this.timeout(60_000);
  const connects: string[] = [];
  const lookups: string[] = [];
  const origConnect = net.Socket.prototype.connect;
  const origLookup = dns.lookup;

  before(() => {
    net.Socket.prototype.connect = function (this: net.Socket, ...args: any[]) {
      let o = args[0];
      if (Array.isArray(o)) o = o[0];
      connects.push(typeof o === 'object' ? (o.path ? `unix:${o.path}` : String(o.host ?? 'localhost')) : String(args[1] ?? 'localhost'));
      return (origConnect as any).apply(this, args);
    } as any;
    (dns as any).lookup = function (host: string, ...rest: any[]) {
      lookups.push(host);
      return (origLookup as any).call(dns, host, ...rest);
    };
  });
  after(() => {
    net.Socket.prototype.connect = origConnect;
    (dns as any).lookup = origLookup;
  });

  it('keeps a full session (Vertex, Run deploy + predict, Logging tail, Storage) on 127.0.0.1/::1', async () => {
    const { emu, conn } = await startTestEmulator();
    try {
      const v = bundle('vertex'), r = bundle('run'), l = bundle('logging'), s = bundle('storage');
      const models = new v.ModelServiceClient(clientOptions(conn, 'vertex', v.grpc));
      const pipelines = new v.PipelineServiceClient(clientOptions(conn, 'vertex', v.grpc));
      const services = new r.ServicesClient(clientOptions(conn, 'run', r.grpc));
      const logging = new l.Logging({ projectId: 'demo-project', ...clientOptions(conn, 'logging', l.grpc) });
      const storage = new s.Storage({ apiEndpoint: emu.endpoints.storage });
      const [ms] = await models.listModels({ parent: PARENT });
      assert.ok(ms.length > 0);
      const [op] = await models.uploadModel({ parent: PARENT, model: { displayName: 'traced' } });
      await op.promise();
      const [jobs] = await pipelines.listPipelineJobs({ parent: PARENT });
      await pipelines.getPipelineJob({ name: jobs[0].name });
      const [dop] = await services.createService({ parent: PARENT, serviceId: 'traced', service: { template: { containers: [{ image: 'gcr.io/cloudrun/hello' }] } } });
      const [svc] = await dop.promise();
      assert.equal((await fetch(svc.uri)).status, 200);
      const stream = logging.tailEntries({ filter: 'resource.labels.service_name="traced"' });
      await new Promise(res => setTimeout(res, 200));
      stream.end();
      const [entries] = await logging.getEntries({ filter: 'resource.labels.service_name="traced"' });
      assert.ok(entries.length > 0);
      const [files] = await storage.bucket('demo-project-models').getFiles({ prefix: 'recsys-ranking/' });
      await files[0].download();
      await Promise.all([models.close(), pipelines.close(), services.close()]);
    } finally {
      await emu.stop();
    }
    assert.ok(connects.length >= 5, `saw ${connects.length} connections`);
    const outside = connects.filter(h => !/^(127\.0\.0\.1|::1|\[::1\]|localhost|unix:.*)$/.test(h));
    assert.deepEqual(outside, [], 'connections leaving loopback');
    assert.deepEqual(lookups.filter(h => !/^(localhost|127\.0\.0\.1|::1)$/.test(h)), [], 'DNS lookups of non-local names');
  });
});
