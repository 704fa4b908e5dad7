/**
 * Lazy loaders for the per-service bundles. Each Google client lives in its own bundle beside
 * dist/extension.js and is require()d on first use, so activation loads no Google code.
 * Literal paths on purpose: esbuild turns a template string in require() into a glob import.
 */
export type VertexBundle = typeof import('./bundles/vertex');
export type RunBundle = typeof import('./bundles/run');
export type LoggingBundle = typeof import('./bundles/logging');
export type StorageBundle = typeof import('./bundles/storage');
export type AuthBundle = typeof import('./bundles/auth');
export type InspectBundle = typeof import('./bundles/inspect');
export type BigQueryBundle = typeof import('./bundles/bigquery');


function cached<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

// In dist/ the bundles are files beside this code; in the transpiled test tree (out/src/gcp) they
// are the source modules. The build marks both paths external, so neither is inlined.
const fromDist = !__filename.includes(`${require('path').sep}out${require('path').sep}`);

export const loadVertex = cached<VertexBundle>(() => (fromDist ? require('./gcp-vertex.js') : require('./bundles/vertex')));
export const loadRun = cached<RunBundle>(() => (fromDist ? require('./gcp-run.js') : require('./bundles/run')));
export const loadLogging = cached<LoggingBundle>(() => (fromDist ? require('./gcp-logging.js') : require('./bundles/logging')));
export const loadStorage = cached<StorageBundle>(() => (fromDist ? require('./gcp-storage.js') : require('./bundles/storage')));
export const loadAuth = cached<AuthBundle>(() => (fromDist ? require('./gcp-auth.js') : require('./bundles/auth')));
export const loadInspector = cached<InspectBundle>(() => (fromDist ? require('./gcp-inspect.js') : require('./bundles/inspect')));
export const loadBigQuery = cached<BigQueryBundle>(() => (fromDist ? require('./gcp-bigquery.js') : require('./bundles/bigquery')));
