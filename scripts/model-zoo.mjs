// The model zoo (deploy/examples/zoo/export_zoo.py) exported by real TensorFlow into
// <repo>/.cache/zoo/<sha256 of the exporter, the custom op sources and the warm-up writer>/, reused
// while those files are unchanged. A `.complete` marker is written last, so a half-written export
// is never reused.
//
//   import { ensureZoo } from './model-zoo.mjs';
//   const { dir } = await ensureZoo({ python, log });   // dir/manifest.json, dir/<model>/<version>/
//
// CLI: `node scripts/model-zoo.mjs` (creates the Python env first) prints the folder.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePythonEnv, repoRoot } from './python-env.mjs';

const EXAMPLES = join(repoRoot, 'deploy', 'examples');
/** The files whose content decides the export (the cache key). */
export const ZOO_SOURCES = [
  join(EXAMPLES, 'zoo', 'export_zoo.py'),
  join(EXAMPLES, 'mlserving_demo_ops', '__init__.py'),
  join(EXAMPLES, 'mlserving_demo_ops', 'top_k_dot.cc'),
  join(repoRoot, 'deploy', 'tf_serving_python', 'warmup.py'),
];
export const zooCacheRoot = join(repoRoot, '.cache', 'zoo');
/** Where mlserving_demo_ops keeps its compiled library (set MLSERVING_DEMO_OPS_BUILD_DIR to it). */
export const opsBuildDir = join(zooCacheRoot, 'ops-build');
/** PYTHONPATH entry that makes `import mlserving_demo_ops` (EXTRA_OP_MODULES) work. */
export const opModulesPath = EXAMPLES;

export function zooKey() {
  const h = createHash('sha256');
  for (const file of ZOO_SOURCES) {
    h.update(file.slice(repoRoot.length));
    h.update('\0');
    h.update(readFileSync(file));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * The zoo folder for the current sources, exported when missing. Rejects when the export fails.
 * Also returns what a Python server needs to import mlserving_demo_ops without recompiling it:
 * PYTHONPATH += opModulesPath, MLSERVING_DEMO_OPS_BUILD_DIR = opsBuildDir.
 */
export async function ensureZoo({ python, log = console.log } = {}) {
  if (!python) throw new Error('ensureZoo: python is required (the venv python from ensurePythonEnv)');
  const dir = join(zooCacheRoot, zooKey());
  if (existsSync(join(dir, '.complete'))) {
    log(`model zoo: reusing ${dir}`);
    return { dir, opModulesPath, opsBuildDir };
  }
  mkdirSync(zooCacheRoot, { recursive: true });
  // Export next to the final folder, then rename: two runs at once never see half an export.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  log(`model zoo: exporting with ${python} deploy/examples/zoo/export_zoo.py into ${dir}`);
  const t0 = Date.now();
  const { code, out } = await new Promise(done => {
    let text = '';
    const child = spawn(python, [join(EXAMPLES, 'zoo', 'export_zoo.py'), '--out', partial], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The op library is compiled into the zoo folder's own build dir: nothing under deploy/ changes.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', TF_CPP_MIN_LOG_LEVEL: '2', MLSERVING_DEMO_OPS_BUILD_DIR: opsBuildDir },
    });
    child.stdout.on('data', c => { text += c; });
    child.stderr.on('data', c => { text += c; });
    child.on('error', e => done({ code: -1, out: text + e.message }));
    child.on('close', c => done({ code: c ?? -1, out: text }));
  });
  if (code !== 0 || !existsSync(join(partial, 'manifest.json'))) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`model zoo: export_zoo.py failed (exit ${code}):\n${out.trim().split('\n').slice(-15).join('\n')}`);
  }
  writeFileSync(join(partial, '.complete'), `${new Date().toISOString()}\n`);
  if (existsSync(join(dir, '.complete'))) {
    rmSync(partial, { recursive: true, force: true }); // another run finished first
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  // Older exports (other source versions) are dropped.
  for (const name of readdirSync(zooCacheRoot)) {
    if (name !== 'ops-build' && !name.startsWith(zooKey()) && !name.includes('.partial-')) {
      rmSync(join(zooCacheRoot, name), { recursive: true, force: true });
    }
  }
  log(`model zoo: exported in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, opModulesPath, opsBuildDir };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const log = m => console.error(m);
  const env = await ensurePythonEnv({ log });
  if (!env.python) {
    console.error(`model zoo: no Python with TensorFlow: ${env.reason}`);
    process.exit(1);
  }
  try {
    const { dir } = await ensureZoo({ python: env.python, log });
    console.log(dir);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
