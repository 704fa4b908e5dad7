// The extension entry must stay small: Google clients live in dist/gcp-*.js and load on first use.
// Reads the built files, so `node scripts/build.mjs` must have run (scripts/test.mjs does).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '../../../dist');

// Strings found only in the Google client libraries' code (proto package names, module names).
const clientMarkers: Record<string, string[]> = {
  vertex: ['google.cloud.aiplatform', 'google-gax'],
  run: ['google.cloud.run.v2', 'google-gax'],
  logging: ['google.logging.v2', 'google-gax'],
  storage: ['gccl-invocation-id'],
  auth: ['metadata.google.internal', 'oauth2.googleapis.com/token'],
};
const grpcMarker = 'grpc-js';
// The client bundles weigh 0.7 to 8 MB; the entry with all its UI code stays well below 1 MB.
const MAX_ENTRY_BYTES = 1_000_000;

function read(file: string): string {
  const p = path.join(dist, file);
  assert.ok(fs.existsSync(p), `${p} is missing: run node scripts/build.mjs first`);
  return fs.readFileSync(p, 'utf8');
}

describe('dist/extension.js bundle', () => {
  it('the marker strings are present in the per-service bundles (so their absence means something)', () => {
    for (const [service, markers] of Object.entries(clientMarkers)) {
      const code = read(`gcp-${service}.js`);
      for (const m of markers) assert.ok(code.includes(m), `dist/gcp-${service}.js lacks "${m}"`);
    }
    assert.ok(read('gcp-vertex.js').includes(grpcMarker), `dist/gcp-vertex.js lacks "${grpcMarker}"`);
  });

  it('contains no Google client code (nor do the core and feature bundles)', () => {
    const markers = new Set([...Object.values(clientMarkers).flat(), grpcMarker, '@google-cloud/']);
    const files = ['extension.js', ...fs.readdirSync(dist).filter(f => /^(core|feature-[a-z]+)\.js$/.test(f))];
    assert.ok(files.includes('core.js') && files.some(f => f.startsWith('feature-')), `dist/ lacks the core and feature bundles: ${files.join(', ')}`);
    for (const f of files) {
      const found = [...markers].filter(m => read(f).includes(m));
      assert.deepEqual(found, [], `dist/${f} contains Google client code`);
    }
  });

  it(`is smaller than ${MAX_ENTRY_BYTES / 1e6} MB`, () => {
    const size = fs.statSync(path.join(dist, 'extension.js')).size;
    assert.ok(size < MAX_ENTRY_BYTES, `dist/extension.js is ${size} bytes`);
  });
});

describe('dist/gcp-vertex.js protos', () => {
  it('carries the aiplatform v1 protos the clients use, not v1beta1 (half the first-listing parse)', function () {
    this.timeout(20_000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const b = require(path.join(dist, 'gcp-vertex.js'));
    const client = new b.JobServiceClient({ apiEndpoint: '127.0.0.1', port: 9, sslCreds: b.grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' });
    try {
      // The gRPC package definition the client loaded from the bundle's protos.
      const aiplatform = (client as unknown as { _protos: { google: { cloud: { aiplatform: Record<string, Record<string, unknown>> } } } })._protos.google.cloud.aiplatform;
      assert.deepEqual(Object.keys(aiplatform), ['v1'], 'v1beta1 is dropped');
      for (const service of ['JobService', 'PipelineService', 'ModelService']) assert.ok(aiplatform.v1[service], `v1 ${service} is there`);
    } finally {
      void client.close();
    }
  });
});
