/**
 * The stable URL of a Cloud Run service: an HTTP proxy on 127.0.0.1 that splits requests among the
 * revisions' serving instances by traffic percent (deterministically), and one extra port per traffic tag (Cloud Run's `https://TAG---SERVICE` URLs).
 */
import * as http from 'node:http';

export interface RouteTarget {
  /** Base URL of the revision's instance. */
  url: string;
  percent: number;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

function proxy(req: http.IncomingMessage, res: http.ServerResponse, target: string | undefined): void {
  if (!target) {
    res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
    res.end('<html><head><title>503 Service Unavailable</title></head><body><h1>Error: Service Unavailable</h1><h2>The service has no revision ready to serve traffic.</h2></body></html>');
    return;
  }
  const u = new URL(req.url ?? '/', target);
  const out = http.request(u, { method: req.method, headers: { ...req.headers, host: u.host } }, up => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', e => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`upstream error: ${e.message}`);
  });
  req.pipe(out);
}

export class ServiceRouter {
  private targets: RouteTarget[] = [];
  private current = new Map<string, number>();
  private readonly tagServers = new Map<string, { server: http.Server; url: string; target?: string }>();
  private main?: http.Server;
  url = '';

  async start(): Promise<string> {
    this.main = http.createServer((req, res) => proxy(req, res, this.pick()));
    this.url = `http://127.0.0.1:${await listen(this.main)}`;
    return this.url;
  }

  /** Smooth weighted round robin: 50/50 alternates, 90/10 sends every tenth request to the 10. */
  private pick(): string | undefined {
    const live = this.targets.filter(t => t.percent > 0);
    if (!live.length) return undefined;
    const total = live.reduce((s, t) => s + t.percent, 0);
    let best = live[0];
    for (const t of live) {
      this.current.set(t.url, (this.current.get(t.url) ?? 0) + t.percent);
      if (this.current.get(t.url)! > this.current.get(best.url)!) best = t;
    }
    this.current.set(best.url, this.current.get(best.url)! - total);
    return best.url;
  }

  setTargets(targets: RouteTarget[]): void {
    this.targets = targets;
    this.current.clear();
  }

  /** Make tag URLs match `tags` (tag → instance URL); returns tag → tag URL. */
  async setTags(tags: Map<string, string | undefined>): Promise<Map<string, string>> {
    for (const [tag, t] of this.tagServers) {
      if (!tags.has(tag)) { t.server.close(); this.tagServers.delete(tag); }
    }
    const out = new Map<string, string>();
    for (const [tag, target] of tags) {
      let t = this.tagServers.get(tag);
      if (!t) {
        const entry: { server: http.Server; url: string; target?: string } = { server: http.createServer((req, res) => proxy(req, res, entry.target)), url: '' };
        entry.url = `http://127.0.0.1:${await listen(entry.server)}`;
        this.tagServers.set(tag, entry);
        t = entry;
      }
      t.target = target;
      out.set(tag, t.url);
    }
    return out;
  }

  async close(): Promise<void> {
    const servers = [this.main, ...[...this.tagServers.values()].map(t => t.server)].filter((s): s is http.Server => !!s);
    this.tagServers.clear();
    await Promise.all(servers.map(s => new Promise<void>(r => { s.closeAllConnections(); s.close(() => r()); })));
  }
}
