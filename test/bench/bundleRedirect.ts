/**
 * Makes the transpiled data layer (out/src/gcp) load the production per-service bundles
 * (dist/gcp-<service>.js of the packaged build) instead of the source modules, so "cold" includes
 * what the shipped extension pays on first use: reading and compiling one bundle. Also records how
 * long each bundle's require() took, to explain the cold figures.
 */
import * as path from 'node:path';

const SERVICES = ['vertex', 'run', 'logging', 'storage', 'auth'];

/** Bundle file name → ms spent in its first require(). */
export const bundleLoadMs: Record<string, number> = {};

export function useBundlesFrom(distDir: string): void {
  const Module = require('node:module') as { _resolveFilename: (...a: any[]) => string; _load: (...a: any[]) => unknown };
  const original = Module._resolveFilename;
  const loader = `${path.sep}gcp${path.sep}bundles.js`;
  Module._resolveFilename = function (this: unknown, request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) {
    const m = /^\.\/bundles\/(\w+)$/.exec(request);
    if (m && SERVICES.includes(m[1]) && parent?.filename?.endsWith(loader)) return path.join(distDir, `gcp-${m[1]}.js`);
    return original.call(this, request, parent, ...rest);
  };
  const load = Module._load;
  Module._load = function (this: unknown, request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) {
    const m = /^\.\/bundles\/(\w+)$/.exec(request);
    if (!m || !parent?.filename?.endsWith(loader) || `gcp-${m[1]}.js` in bundleLoadMs) return load.call(this, request, parent, ...rest);
    const t0 = performance.now();
    try {
      return load.call(this, request, parent, ...rest);
    } finally {
      bundleLoadMs[`gcp-${m[1]}.js`] = performance.now() - t0;
    }
  };
}
