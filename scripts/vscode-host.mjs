// A real VS Code for tests and the demo: code-server (VS Code 1.99 server + web workbench) from npm,
// installed into .vscode-test/ (git-ignored), driven by playwright-core in Debian's Chromium.
// @vscode/test-electron cannot download VS Code here; see the team's vscode-host notes.
//
// CLI:  node scripts/vscode-host.mjs check      prerequisites only
//       node scripts/vscode-host.mjs install    prerequisites + code-server
//       node scripts/vscode-host.mjs start [--workspace=DIR] [--port=N]   run until Ctrl-C
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, openSync, closeSync, readFileSync, accessSync, symlinkSync, constants as fsConstants } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname, delimiter } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

export const CODE_SERVER_VERSION = '4.99.4';
export const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const cacheDir = join(repoRoot, '.vscode-test');
const installDir = join(cacheDir, 'code-server');
const stampFile = join(installDir, `.installed-${CODE_SERVER_VERSION}`);
const entryJs = join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = '/usr/bin/chromium';
const RIPGREP = '/usr/bin/rg';
// @vscode/ripgrep (a code-server dependency) fetches this archive from GitHub unless it is cached.
const RG_CACHE = { dir: 'vscode-ripgrep-cache-1.15.11', file: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz' };

/** User settings that keep walkthroughs, tips and update checks from stealing focus or the network. */
export const baseSettings = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
});

/** Chromium flags that keep a headless run quiet, offline and container-friendly. */
export const chromiumArgs = Object.freeze([
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
]);

const defaultLog = (...a) => console.log('[vscode-host]', ...a);

// ---------------------------------------------------------------------------------------------
// Prerequisites

const prereqs = [
  { what: `Chromium at ${CHROMIUM}`, apt: 'chromium', ok: () => existsSync(CHROMIUM) },
  { what: `ripgrep at ${RIPGREP}`, apt: 'ripgrep', ok: () => existsSync(RIPGREP) },
  // code-server's `kerberos` native module does not compile without these headers.
  { what: 'Kerberos headers (libkrb5-dev)', apt: 'libkrb5-dev', ok: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h') },
  { what: 'pkg-config', apt: 'pkg-config', ok: () => onPath('pkg-config') },
  // node-gyp builds node-pty and kerberos during code-server's postinstall.
  { what: 'a C++ toolchain (make, g++)', apt: 'build-essential', ok: () => onPath('make') && onPath('g++') },
  { what: 'python3 (node-gyp)', apt: 'python3', ok: () => onPath('python3') },
];

/** An executable `cmd` in a PATH folder (looked up here: no shell). */
function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).some(dir => {
    try { accessSync(join(dir, cmd), fsConstants.X_OK); return true; } catch { return false; }
  });
}

/** Checks (and, as root, installs with apt-get) what code-server and Chromium need. Throws with the exact command otherwise. */
export function ensurePrerequisites({ log = defaultLog } = {}) {
  let missing = prereqs.filter(p => !p.ok());
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map(p => p.apt))];
  const cmd = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    log(`missing ${missing.map(p => p.what).join(', ')}; running: ${cmd}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...pkgs]]) {
      const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
      if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status}); run as root: ${cmd}`);
    }
    missing = prereqs.filter(p => !p.ok());
    if (!missing.length) return;
  }
  throw new Error(`missing ${missing.map(p => p.what).join(', ')}. Run as root:\n  ${cmd}`);
}

// ---------------------------------------------------------------------------------------------
// Install

function runDirsEnv(base) {
  const dirs = { TMPDIR: join(base, 'tmp'), XDG_CONFIG_HOME: join(base, 'xdg', 'config'), XDG_DATA_HOME: join(base, 'xdg', 'data'), XDG_CACHE_HOME: join(base, 'xdg', 'cache') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

export function isInstalled() {
  return existsSync(stampFile) && existsSync(entryJs);
}

/** Installs code-server into .vscode-test/code-server unless already there. Returns the path of its entry script. */
export function installCodeServer({ log = defaultLog } = {}) {
  if (isInstalled()) return entryJs;
  ensurePrerequisites({ log });
  // Several test runs may share one checkout: one installs, the others wait for its stamp.
  const lock = join(cacheDir, 'install.lock');
  mkdirSync(cacheDir, { recursive: true });
  const waitUntil = Date.now() + 10 * 60_000;
  for (;;) {
    try { mkdirSync(lock); break; } catch (e) { if (e.code !== 'EEXIST') throw e; }
    if (isInstalled()) return entryJs;
    if (Date.now() > waitUntil) throw new Error(`another install holds ${lock} for over 10 min; remove it if no install is running`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  try {
    if (isInstalled()) return entryJs;
    return installLocked(log);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function installLocked(log) {
  const t0 = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about a minute, once)`);
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  const dirs = runDirsEnv(join(cacheDir, 'install'));
  const rgCache = join(dirs.TMPDIR, RG_CACHE.dir);
  mkdirSync(rgCache, { recursive: true });
  const rgStage = mkdtempSync(join(dirs.TMPDIR, 'rg-'));
  copyFileSync(RIPGREP, join(rgStage, 'rg'));
  const tar = spawnSync('tar', ['czf', join(rgCache, RG_CACHE.file), '-C', rgStage, 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('could not build the ripgrep archive for @vscode/ripgrep');
  writeFileSync(join(installDir, 'package.json'), JSON.stringify({ private: true }) + '\n');
  const logFile = join(cacheDir, 'install.log');
  const fd = openSync(logFile, 'w');
  const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir, stdio: ['ignore', fd, fd],
    env: {
      ...process.env, ...dirs,
      npm_config_unsafe_perm: 'true', // its postinstall refuses to run as root otherwise
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false',
    },
  });
  closeSync(fd);
  if (r.status !== 0 || !existsSync(entryJs)) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}); last lines of ${logFile}:\n${tail}`);
  }
  writeFileSync(stampFile, new Date().toISOString() + '\n');
  rmSync(rgStage, { recursive: true, force: true });
  log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return entryJs;
}

// ---------------------------------------------------------------------------------------------
// Run

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data-dir (base settings + `settings`) and an
 * empty extensions dir. `env` is added to the server's environment, which its extension hosts inherit.
 * `installed` links extension folders into the extensions dir, as installed (not under development)
 * extensions; `workspaceTrust` keeps workspace trust on (VS Code always trusts a workspace opened
 * with an extension under development, so Restricted Mode needs both).
 * @param {{ workspace: string, env?: Record<string,string>, settings?: Record<string,unknown>, port?: number, log?: (...a: unknown[]) => void, keep?: boolean, installed?: string[], workspaceTrust?: boolean }} opts
 */
export async function start({ workspace, env = {}, settings = {}, port, log = defaultLog, keep = false, installed = [], workspaceTrust = false }) {
  if (!workspace) throw new Error('start: workspace is required');
  const entry = installCodeServer({ log });
  mkdirSync(workspace, { recursive: true });
  port ??= await freePort();
  mkdirSync(join(cacheDir, 'runs'), { recursive: true });
  const runDir = mkdtempSync(join(cacheDir, 'runs', `cs-${port}-`));
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  for (const ext of installed) {
    const m = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8'));
    symlinkSync(ext, join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`), 'dir');
  }
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));
  const logFile = join(runDir, 'code-server.log');
  const fd = openSync(logFile, 'w');
  const args = [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace];
  // Own process group, so stop() reaches the extension hosts and watchers it forks.
  const child = spawn(process.execPath, args, {
    detached: true, stdio: ['ignore', fd, fd],
    env: { ...process.env, ...runDirsEnv(runDir), ...env },
  });
  closeSync(fd);
  let exited = null;
  const exitP = new Promise(r => child.on('exit', (code, sig) => { exited = { code, sig }; r(exited); }));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const done = await Promise.race([exitP, sleep(5000).then(() => null)]);
      if (!done) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } await exitP; }
    }
    // Children that outlived the server (an extension host in its grace period) go too.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group already empty */ }
    if (!keep) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    for (;;) {
      if (exited) throw new Error(`code-server exited (${exited.code ?? exited.sig}) before answering; log:\n${tailOf(logFile)}`);
      if (Date.now() - t0 > 60_000) throw new Error(`code-server did not answer /healthz within 60 s; log:\n${tailOf(logFile)}`);
      try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not listening yet */ }
      await sleep(200);
    }
  } catch (e) { keep = true; await stop(); throw e; }
  log(`code-server ${CODE_SERVER_VERSION} at ${url} (pid ${child.pid}, up in ${Date.now() - t0} ms, log ${logFile})`);
  return { url, port, pid: child.pid, userDataDir, logFile, stop };
}

function tailOf(file, n = 30) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return '(no log)'; }
}

/**
 * The workbench URL for `folder`. `extensionDevelopmentPath` loads an extension from source;
 * `extensionTestsPath` runs a test module's `run()` in the extension host (VS Code web's `payload`).
 * @param {string} serverUrl
 * @param {{ folder: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} o
 */
export function workbenchUrl(serverUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const host = new URL(serverUrl).host;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${extensionTestsPath}`]);
  let url = `${serverUrl}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

// ---------------------------------------------------------------------------------------------
// Browser

const isLoopback = u => /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(u.href);

/**
 * Launches headless Chromium (playwright-core) with a throwaway profile. Every non-loopback
 * request is aborted (the workbench asks for an extension gallery) and its host recorded.
 * close() moves each page to about:blank first: an abrupt close leaves the server keeping the
 * window's extension host alive for its reconnection grace period.
 * @param {{ viewport?: { width: number, height: number }, headless?: boolean }} [opts]
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 }, headless = true } = {}) {
  if (!existsSync(CHROMIUM)) ensurePrerequisites();
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  mkdirSync(join(cacheDir, 'runs'), { recursive: true });
  const profile = mkdtempSync(join(cacheDir, 'runs', 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless, args: [...chromiumArgs], viewport });
  const blockedHosts = new Set();
  await context.route(u => /^(https?|wss?):/.test(u.protocol) && !isLoopback(u), route => {
    blockedHosts.add(new URL(route.request().url()).host);
    return route.abort();
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const p of context.pages()) await p.goto('about:blank', { timeout: 10_000 }).catch(() => {});
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  // A persistent context opens with one blank page: hand that one out first.
  let spare = context.pages()[0];
  const newPage = async () => { const p = spare ?? await context.newPage(); spare = undefined; return p; };
  return { context, newPage, blockedHosts, close };
}

// ---------------------------------------------------------------------------------------------
// CLI

// No top-level await: test code loads this module with require() (Node >= 20.19).
const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) cli(process.argv.slice(2)).catch(e => { console.error(`[vscode-host] ${e.message}`); process.exit(1); });

async function cli([cmd = 'install', ...rest]) {
  const opt = k => rest.find(a => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  if (cmd === 'check') { ensurePrerequisites(); defaultLog(`prerequisites present; code-server ${isInstalled() ? 'installed' : 'not installed'}`); }
  else if (cmd === 'install') { installCodeServer(); defaultLog(`ready: ${entryJs}`); }
  else if (cmd === 'start') {
    const workspace = opt('workspace') ?? join(cacheDir, 'workspace');
    const server = await start({ workspace, port: opt('port') ? Number(opt('port')) : undefined });
    console.log(`open ${server.url}/?folder=${encodeURIComponent(workspace)}  (Ctrl-C stops)`);
    const quit = async () => { await server.stop(); process.exit(0); };
    process.on('SIGINT', quit); process.on('SIGTERM', quit);
  } else { console.error(`unknown command "${cmd}"; use check | install | start`); process.exit(2); }
}
