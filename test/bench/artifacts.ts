/**
 * What the benchmark measures against, built into .bench/ (git-ignored) and reused while their
 * inputs are unchanged:
 * - .bench/pkg: a copy of the sources packaged with the project's own `scripts/package.mjs`
 *   (production build + .vsix). A copy, so the shared checkout's dist/ is never deleted under
 *   someone else's test run.
 * - .bench/naive: the baseline, a bundle of an entry that imports the four Google clients'
 *   package indexes, the way an extension without lazy per-service bundles would.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './childRun';

export const BENCH_OUT = path.join(REPO_ROOT, '.bench');

/** What a packaged build is made of (anything else is not in the .vsix or not built). */
const PACKAGE_INPUTS = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'tsconfig.json', 'media', 'src', 'webview', 'scripts/build.mjs', 'scripts/package.mjs'];

function listFiles(root: string, rel: string, out: string[]): void {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return;
  if (fs.statSync(abs).isDirectory()) {
    for (const f of fs.readdirSync(abs).sort()) if (f !== 'node_modules') listFiles(root, path.join(rel, f), out);
  } else out.push(rel);
}

function hashFiles(root: string, files: string[], extra = ''): string {
  const h = createHash('sha256').update(extra);
  for (const f of files) h.update(f).update('\0').update(fs.readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}

export interface ProductionBuild {
  dir: string;
  distDir: string;
  vsixPath: string;
  vsixBytes: number;
  /** Sizes of the shipped bundles. */
  bundles: Record<string, number>;
  reused: boolean;
  /** Set when the current sources did not package and an older package was used. */
  stale?: string;
}

export function productionBuild(log: (s: string) => void): ProductionBuild {
  const dir = path.join(BENCH_OUT, 'pkg');
  const files: string[] = [];
  for (const i of PACKAGE_INPUTS) listFiles(REPO_ROOT, i, files);
  const stamp = hashFiles(REPO_ROOT, files);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const vsixPath = path.join(dir, `${pkg.name}-${pkg.version}.vsix`);
  const stampFile = path.join(dir, '.stamp');
  const reused = fs.existsSync(vsixPath) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp;
  let stale: string | undefined;
  if (!reused) {
    log('packaging a copy of the sources with scripts/package.mjs (production build + .vsix) in .bench/pkg');
    // Packaged beside the previous package, which stays usable if this attempt fails.
    const tmp = `${dir}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(tmp, f));
    }
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
    const t0 = Date.now();
    try {
      const out = execFileSync(process.execPath, [path.join(tmp, 'scripts', 'package.mjs')], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
      log(`packaged in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${out.trim().split('\n').pop()}`);
      fs.writeFileSync(path.join(tmp, '.stamp'), stamp);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const stderr = String((e as { stderr?: unknown }).stderr ?? '');
      const errors = stderr.split('\n').filter(l => /\[ERROR\]|^Error/.test(l.trim())).slice(0, 4).map(l => l.trim()).join('; ');
      const why = `npm run package failed on the current sources: ${errors || (e as Error).message.split('\n')[0]}`;
      if (!fs.existsSync(vsixPath)) throw new Error(why);
      stale = `${why}. Using the previous package in .bench/pkg from ${fs.statSync(vsixPath).mtime.toISOString()}`;
      log(stale);
    }
  } else log('reusing .bench/pkg (sources unchanged since it was packaged)');
  const distDir = path.join(dir, 'dist');
  const bundles: Record<string, number> = {};
  for (const f of fs.readdirSync(distDir).sort()) if (f.endsWith('.js')) bundles[f] = fs.statSync(path.join(distDir, f)).size;
  return { dir, distDir, vsixPath, vsixBytes: fs.statSync(vsixPath).size, bundles, reused, stale };
}

export interface NaiveBuild {
  file: string;
  bytes: number;
  reused: boolean;
}

const NAIVE_ENTRY = `// Baseline: every Google client imported from its package index at load time.
import * as aiplatform from '@google-cloud/aiplatform';
import * as run from '@google-cloud/run';
import * as logging from '@google-cloud/logging';
import * as storage from '@google-cloud/storage';
import * as vscode from 'vscode';

export function activate(context) {
  const channel = vscode.window.createOutputChannel('ML Serving (naive)', { log: true });
  context.subscriptions.push(channel);
  channel.info('loaded ' + [aiplatform, run, logging, storage].map(m => Object.keys(m).length).join(', ') + ' exports');
}
export function deactivate() {}
`;

export async function naiveBuild(log: (s: string) => void): Promise<NaiveBuild> {
  const dir = path.join(BENCH_OUT, 'naive');
  const file = path.join(dir, 'extension.js');
  const stampFile = path.join(dir, '.stamp');
  const stamp = hashFiles(REPO_ROOT, ['package-lock.json'], NAIVE_ENTRY);
  const reused = fs.existsSync(file) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp;
  if (!reused) {
    log('building the naive baseline bundle (.bench/naive/extension.js)');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'entry.mjs'), NAIVE_ENTRY);
    const esbuild = await import('esbuild');
    const t0 = Date.now();
    // The same settings as the production extension bundle (scripts/build.mjs --production).
    await esbuild.build({
      entryPoints: [path.join(dir, 'entry.mjs')], outfile: file, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      minify: true, sourcemap: false, external: ['vscode'], logLevel: 'error', absWorkingDir: REPO_ROOT,
    });
    log(`naive bundle built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    fs.writeFileSync(stampFile, stamp);
  } else log('reusing .bench/naive (package-lock.json unchanged)');
  return { file, bytes: fs.statSync(file).size, reused };
}
