/**
 * What a container that is not a model server does in the emulator: answers every request with
 * 200 "Hello World!" (like gcr.io/cloudrun/hello) and writes request logs. Keeps deploys of
 * arbitrary images working end to end.
 */
import * as http from 'node:http';
import type { RevisionLogger } from './revisionLog';
import type { StandIn } from '../serving/standIn';

export function startHelloContainer(log: RevisionLogger): Promise<StandIn> {
  const server = http.createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('Hello World!\n');
    log('requests', 'INFO', {
      httpRequest: {
        requestMethod: req.method, requestUrl: req.url, status: 200, userAgent: req.headers['user-agent'] ?? '',
        remoteIp: '127.0.0.1', protocol: 'HTTP/1.1', latency: `${Number(process.hrtime.bigint() - t0) / 1e9}s`, responseSize: 13,
      },
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`, port, setPublic: () => {},
        close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
