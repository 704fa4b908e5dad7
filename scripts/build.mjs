// Builds every bundle with esbuild. Usage: node scripts/build.mjs [--production] [--only=ext|tests|emulator]
//   dist/extension.js        the registration shell: commands, views, serializers, tools (src/activation/table.ts)
//   dist/core.js             what features share, once: common/, gcp/, operations/, serving/, protocol/, features/shared/
//   dist/feature-<name>.js   one bundle per feature (src/features/<name>), required on its first use
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
const gcpBundles = ['vertex', 'run', 'logging', 'storage', 'auth', 'inspect', 'bigquery'];
const jobs = [];

// Shared modules: one copy, in dist/core.js. A feature bundle that imports one gets
// `require('./core.js').module(path)` instead of its own copy, so classes (UserError, Session)
// and module state exist once however many features are loaded.
const CORE_DIRS = ['src/common/', 'src/gcp/', 'src/operations/', 'src/serving/', 'src/protocol/', 'src/features/shared/'];
// Heavy (protobufjs) and holding nothing shared: the warm-up file encoder and the proto schema go
// into the features that use them.
const NOT_CORE = ['src/gcp/bundles/', 'src/serving/warmup/', 'src/serving/savedModel/schema.ts'];
const inCore = rel => CORE_DIRS.some(d => rel.startsWith(d)) && !NOT_CORE.some(d => rel.startsWith(d));
const FEATURES = ['session', 'explorer', 'deploy', 'logs', 'predict', 'agents', 'endpoints', 'batch'];

// The shared modules the feature bundles import (filled by shareCore; the core is built after them).
const usedCore = new Set();

const coreEntry = {
  name: 'core-entry',
  setup(build) {
    build.onResolve({ filter: /^ml-serving-core$/ }, () => ({ path: 'core', namespace: 'core-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'core-entry' }, () => {
      // Only what features import (the SavedModel reader, say, stays in gcp-inspect.js alone);
      // each module is initialised on first request (esbuild wraps required ESM lazily).
      const table = [...usedCore].sort().map(m => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}`)}),`).join('\n');
      return {
        resolveDir: root, loader: 'js',
        contents: `const table = {\n${table}\n};\nconst done = {};\nmodule.exports = { ...require('./src/activation/core.ts'), module: k => done[k] ??= (table[k] ?? (() => { throw new Error('core.js has no ' + k); }))() };\n`,
      };
    });
  },
};

const shareCore = {
  name: 'share-core',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async args => {
      if (args.namespace !== 'file' || args.pluginData?.inner) return undefined;
      const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { inner: true } });
      if (r.errors.length || r.external) return undefined;
      const rel = relative(root, r.path);
      if (!inCore(rel)) return undefined;
      usedCore.add(rel);
      return { path: rel, namespace: 'core' };
    });
    build.onLoad({ filter: /.*/, namespace: 'core' }, args => ({ loader: 'js', contents: `module.exports = require('./core.js').module(${JSON.stringify(args.path)});` }));
  },
};

if (want('ext')) {
  const gcpExternal = [...gcpBundles.map(b => `./gcp-${b}.js`), ...gcpBundles.map(b => `./bundles/${b}`)];
  jobs.push(esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist',
    // the core and feature bundles stay separate files, loaded by literal path on first use
    external: ['vscode', './core.js', './core', './feature-*.js', '../features/*'],
  }));
  jobs.push(esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: Object.fromEntries(FEATURES.map(f => [`feature-${f}`, `src/features/${f}/register.ts`])), outdir: 'dist',
    plugins: [shareCore], external: ['vscode', './core.js', ...gcpExternal],
  }).then(() => esbuild.build({
    ...common, platform: 'node', format: 'cjs', target: 'node20',
    entryPoints: { core: 'ml-serving-core' }, outdir: 'dist', plugins: [coreEntry],
    // the service bundles stay separate files, loaded by literal path on first use
    external: ['vscode', ...gcpExternal],
  })));
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
