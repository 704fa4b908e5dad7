// Builds every bundle with esbuild. Usage: node scripts/build.mjs [--production] [--only=ext|tests|emulator]
//   dist/extension.js        the extension entry (vscode external; Google clients NOT inside)
//   dist/gcp-<service>.js    one bundle per Google service, require()d on first use
//   dist/cli.js              the headless CLI
//   dist/webview/<panel>.js  browser bundles of the webviews
//   out/                     a 1:1 transpile of src/ and test/ for unit tests, in-host tests and the emulator
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const production = args.includes('--production');
const only = (args.find(a => a.startsWith('--only=')) || '').slice(7);
const root = new URL('..', import.meta.url).pathname;
const want = k => !only || only.split(',').includes(k);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// The Vertex AI clients parse the package's protos.json (v1 and v1beta1) twice when first built;
// the bundle uses v1 only (nothing in v1 refers to v1beta1), so v1beta1 is dropped: about half of
// the parse time of the first Training Runs or Models listing.
const vertexV1Only = {
  name: 'vertex-v1-only',
  setup(build) {
    build.onLoad({ filter: /@google-cloud[\\/]aiplatform[\\/]build[\\/]protos[\\/]protos\.json$/ }, async args => {
      const json = JSON.parse(await readFile(args.path, 'utf8'));
      const ai = json.nested?.google?.nested?.cloud?.nested?.aiplatform?.nested;
      if (!ai?.v1) throw new Error(`${args.path}: no google.cloud.aiplatform.v1 namespace`);
      delete ai.v1beta1;
      return { contents: JSON.stringify(json), loader: 'json' };
    });
  },
};

const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', absWorkingDir: root };
const gcpBundles = ['vertex', 'run', 'logging', 'storage', 'auth', 'inspect'];
const jobs = [];

if (want('ext')) {
  jobs.push(esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist',
    // the service bundles stay separate files, loaded by literal path on first use
    external: ['vscode', ...gcpBundles.map(b => `./gcp-${b}.js`), ...gcpBundles.map(b => `./bundles/${b}`)],
  }));
  jobs.push(esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: Object.fromEntries(gcpBundles.map(b => [`gcp-${b}`, `src/gcp/bundles/${b}.ts`])), outdir: 'dist',
    external: ['vscode'], plugins: [vertexV1Only],
  }));
  if (existsSync(join(root, 'src/cli/main.ts'))) jobs.push(esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' },
    external: ['vscode', ...gcpBundles.map(b => `./gcp-${b}.js`), ...gcpBundles.map(b => `./bundles/${b}`)],
  }));
  const panels = existsSync(join(root, 'webview')) ? readdirSync(join(root, 'webview')).filter(d => d !== 'shared' && existsSync(join(root, 'webview', d, 'main.ts'))) : [];
  if (panels.length) jobs.push(esbuild.build({
    ...common, platform: 'browser', format: 'iife', target: 'es2022',
    entryPoints: Object.fromEntries(panels.map(p => [p, `webview/${p}/main.ts`])), outdir: 'dist/webview',
  }));
}

if (want('tests') || want('emulator')) {
  // Transpile only (no bundling): tests and the emulator run on node_modules directly.
  const files = [...walk(join(root, 'src')), ...walk(join(root, 'test'))].map(f => relative(root, f));
  jobs.push(esbuild.build({
    entryPoints: files, outdir: 'out', outbase: '.', bundle: false, platform: 'node', format: 'cjs',
    target: 'node20', sourcemap: 'inline', logLevel: 'warning', absWorkingDir: root,
  }));
}

const t0 = Date.now();
await Promise.all(jobs);
console.log(`build: ${jobs.length} job(s) in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
