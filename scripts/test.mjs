// The whole test run: build, type-check, unit tests, then one code-server (real VS Code) with the
// extension loaded from source and the emulator behind it, the in-host integration suite in one
// workbench page and the Playwright UI suite in another. Stops everything it started, also on
// failure and Ctrl-C. Predictions come from the real Python server with TensorFlow (a venv in
// .venv-tf/ and the model zoo, made or reused first); tests never use the TypeScript stand-in: without
// TensorFlow the serving stages fail under CI=true and are skipped otherwise.
// Usage: node scripts/test.mjs [--only=unit|integration|e2e]
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as host from './vscode-host.mjs';
import { emulatorBuilt, prepareRealServing, startEmulator } from './emulator-process.mjs';
import { missingShared, mochaResult } from './test-results.mjs';

const root = host.repoRoot;
const resultsDir = join(root, 'test-results');
const STAGES = ['unit', 'integration', 'e2e'];
const only = process.argv.find(a => a.startsWith('--only='))?.slice(7);
if (only && !STAGES.includes(only)) {
  console.error(`--only must be one of ${STAGES.join(', ')}; got "${only}"`);
  process.exit(2);
}
const want = s => !only || only === s;

const HOST_PREFIX = '[integration] '; // test/integration/index.ts OUTPUT_PREFIX
const T0 = Date.now();
const log = (...a) => console.log(`[test ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s]`, ...a);

/** @type {{ stage: string, passed: number, failed: number, skipped: number, seconds: number, note?: string }[]} */
const rows = [];
const cleanups = []; // run last-in first-out
const children = new Set();

// Memoized: the signal handler and main's finally block may both ask for it.
let cleaning = null;
const cleanup = () => (cleaning ??= stopAll());

async function stopAll() {
  // Let interrupted children (mocha, and the browser it drives) finish before the servers go away.
  await Promise.all([...children].map(child => new Promise(resolve => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5000);
    child.once('close', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  })));
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { await fn(); } catch (e) { log(`cleanup: ${e.message}`); }
  }
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping everything`);
    cleanup().finally(() => process.exit(130));
  });
}

/** Runs a command, streaming its output; resolves with its exit code and (filtered) stdout. */
function run(cmd, args, { env = {}, filter } = {}) {
  return new Promise(resolve => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    let partial = '';
    child.stdout.on('data', d => {
      const text = partial + d.toString();
      const lines = text.split('\n');
      partial = lines.pop();
      for (const l of lines) { out += l + '\n'; if (!filter || filter(l)) process.stdout.write(l + '\n'); }
    });
    child.on('close', code => {
      if (partial) { out += partial; if (!filter || filter(partial)) process.stdout.write(partial + '\n'); }
      children.delete(child);
      resolve({ code: code ?? 1, out });
    });
  });
}

async function timed(stage, fn) {
  const t = Date.now();
  log(`=== ${stage}`);
  let row;
  try {
    row = await fn();
  } catch (e) {
    log(`${stage}: ${e.stack ?? e}`);
    row = { passed: 0, failed: 1, skipped: 0, note: e.message.split('\n')[0] };
  }
  row = { stage, skipped: 0, ...row, seconds: (Date.now() - t) / 1000 };
  rows.push(row);
  return row;
}

// --- stages -----------------------------------------------------------------------------------

/** Built test files whose .ts source still exists (out/ keeps files of deleted sources). */
function builtTests(dir) {
  const abs = join(root, 'out', dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true })
    .filter(f => f.endsWith('.test.js'))
    .filter(f => existsSync(join(root, dir, f.replace(/\.js$/, '.ts'))))
    .sort()
    .map(f => join(abs, f));
}

async function mochaStage(files, { timeout, env } = {}) {
  if (!files.length) return { passed: 0, failed: 0, skipped: 0, note: 'no test files' };
  const { code, out } = await run(process.execPath, [join(root, 'scripts', 'run-mocha.mjs'), `--timeout=${timeout}`, ...files],
    { env, filter: l => !l.startsWith('@@mocha-stats ') });
  return mochaResult(code, out);
}

/** Formats console arguments the way DevTools shows them: %s, %d, %o substituted, %c dropped. The
 * workbench relays the extension host's console as a second format string among the arguments. */
function formatArgs(args) {
  const out = [];
  while (args.length) {
    let first = args.shift();
    if (typeof first === 'string' && /%[sdifoOc]/.test(first)) {
      first = first.replace(/%[sdifoOc%]/g, spec => {
        if (spec === '%%') return '%';
        if (!args.length) return spec;
        const v = args.shift();
        if (spec === '%c') return '';
        return typeof v === 'string' ? v : JSON.stringify(v);
      });
    }
    out.push(typeof first === 'string' ? first : JSON.stringify(first));
  }
  return out.join(' ');
}

async function formatConsole(msg) {
  const args = await Promise.all(msg.args().map(a => a.jsonValue().catch(() => String(a))));
  return args.length ? formatArgs(args) : msg.text();
}

async function integrationStage(server, workspace) {
  const url = host.workbenchUrl(server.url, {
    folder: workspace,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index'),
  });
  const browser = await host.launchBrowser();
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  let exit;
  const exited = new Promise(r => { exit = r; });
  await page.exposeFunction('codeAutomationExit', code => exit(code));
  let summary = null;
  const seen = { passed: 0, failed: 0 }; // from the spec lines, for a run that never ends
  let chain = Promise.resolve();
  page.on('console', msg => {
    chain = chain.then(async () => {
      const text = await formatConsole(msg);
      // The in-host runner prefixes its lines; everything else is the workbench's own chatter.
      const at = text.indexOf(HOST_PREFIX);
      if (at >= 0) {
        const line = text.slice(at + HOST_PREFIX.length);
        console.log(`  ${line}`);
        if (/^\s*✔ /.test(line)) seen.passed++;
        else if (/^\s{4,}\d+\) /.test(line)) seen.failed++;
        const s = /integration: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(line);
        if (s) summary = { passed: +s[1], failed: +s[2], skipped: +(s[3] ?? 0) };
      } else if (process.env.VERBOSE) console.log(`  [workbench] ${text}`);
    });
  });
  page.on('pageerror', e => log(`workbench page error: ${e.message}`));
  const limit = Number(process.env.MLSERVING_INTEGRATION_TIMEOUT_MS ?? 20 * 60_000);
  await page.goto(url);
  const code = await Promise.race([exited, new Promise(r => setTimeout(() => r('timeout'), limit))]);
  await chain;
  await browser.close();
  if (code === 'timeout') return { passed: seen.passed, failed: seen.failed + 1, note: `no result within ${limit / 60_000} min (counts so far)` };
  if (!summary) return { passed: 0, failed: 1, note: `exit code ${code}, no summary line (see log above)` };
  // A run() that rejected before any test (e.g. a file that fails to load) still fails the stage.
  if (code !== 0 && summary.failed === 0) return { ...summary, failed: 1, note: `exit code ${code}` };
  return summary;
}

// --- main -------------------------------------------------------------------------------------

async function main() {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const noShared = missingShared(root);
  if (noShared) {
    rows.push({ stage: 'shared', passed: 0, failed: 1, skipped: 0, seconds: 0, note: noShared });
    return;
  }

  const build = await timed('build', async () => {
    const { code } = await run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
    return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `build.mjs exited ${code}` };
  });
  if (build.failed) return;

  if (!only) {
    await timed('typecheck', async () => {
      const { code } = await run('npm', ['run', '--silent', 'typecheck']);
      return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: 'npm run typecheck failed (errors above)' };
    });
  }

  // Real TensorFlow behind the emulator's Cloud Run: the venv and the model zoo (reused when present).
  let serving = { args: [], reason: 'not prepared' };
  await timed('python-env', async () => {
    serving = await prepareRealServing({ log: m => log(m) });
    if (serving.python) {
      log(`real serving: ${serving.python}, model zoo ${serving.zooDir}`);
      return { passed: 1, failed: 0 };
    }
    const ci = process.env.CI === 'true';
    log(`no Python with TensorFlow: ${serving.reason}${ci ? '' : ' (tests that serve models are skipped; CI=true fails them)'}`);
    return ci ? { passed: 0, failed: 1, note: serving.reason } : { passed: 0, failed: 0, skipped: 1, note: serving.reason };
  });
  const servingEnv = serving.python ? { MLSERVING_PYTHON: serving.python, MLSERVING_ZOO: serving.zooDir, ...(serving.opsBuildDir ? { MLSERVING_DEMO_OPS_BUILD_DIR: serving.opsBuildDir } : {}) } : {};

  if (want('unit')) {
    await timed('unit', () => mochaStage([...builtTests('test/unit'), ...builtTests('test/emulator')], { timeout: 20_000, env: servingEnv }));
  }
  if (!want('integration') && !want('e2e')) return;
  if (!serving.python) {
    // The in-VS Code suites deploy and call models: never against the stand-in.
    for (const stage of ['integration', 'e2e'].filter(want)) {
      rows.push({ stage, passed: 0, failed: process.env.CI === 'true' ? 1 : 0, skipped: 1, seconds: 0, note: `no Python with TensorFlow: ${serving.reason}` });
    }
    return;
  }

  // One emulator and one code-server for both in-VS Code stages.
  let emulator = null;
  if (emulatorBuilt()) {
    try {
      emulator = await startEmulator({ args: ['--demo', ...serving.args], logFile: join(resultsDir, 'emulator.log') });
      if (emulator.serving !== 'tensorflow') throw new Error(`the emulator serves with "${emulator.serving}", not TensorFlow`);
      cleanups.push(() => emulator.stop());
      log(`emulator up: ${JSON.stringify(emulator.endpoints)}`);
    } catch (e) {
      rows.push({ stage: 'emulator', passed: 0, failed: 1, skipped: 0, seconds: 0, note: e.message.split('\n')[0] });
      log(e.message);
    }
  } else {
    log('emulator not built (out/test/emulator/main.js missing): tests that need it are skipped');
  }
  if (interrupted) return;

  const runDirs = join(host.cacheDir, 'runs');
  mkdirSync(runDirs, { recursive: true });
  // One folder per stage: workspace settings one stage writes (e.g. the selected project) must not
  // leak into the other.
  const workspaces = mkdtempSync(join(runDirs, 'ws-'));
  cleanups.push(() => rmSync(workspaces, { recursive: true, force: true }));
  const workspace = stage => {
    const dir = join(workspaces, stage);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'README.md'), `# ${stage} test workspace\n`);
    return dir;
  };

  let server;
  const t = Date.now();
  try {
    server = await host.start({
      workspace: workspace('integration'),
      env: { ...(emulator?.env ?? {}), ...servingEnv },
      settings: emulator ? { 'mlServing.emulator': emulator.endpoints.admin } : {},
      log: (...a) => log(...a),
    });
  } catch (e) {
    rows.push({ stage: 'code-server', passed: 0, failed: 1, skipped: 0, seconds: (Date.now() - t) / 1000, note: e.message.split('\n')[0] });
    log(e.message);
    return;
  }
  let serverFailed = false;
  cleanups.push(async () => {
    if (serverFailed) copyFileSync(server.logFile, join(resultsDir, 'code-server.log'));
    await server.stop();
  });

  if (want('integration') && !interrupted) {
    const r = await timed('integration', () => integrationStage(server, workspace('integration')));
    serverFailed ||= r.failed > 0;
  }
  if (want('e2e') && !interrupted) {
    const url = host.workbenchUrl(server.url, { folder: workspace('e2e'), extensionDevelopmentPath: root });
    const r = await timed('e2e', () => mochaStage(builtTests('test/e2e'), {
      timeout: 60_000,
      env: {
        MLSERVING_E2E_URL: url, ...servingEnv, ...(emulator ? { MLSERVING_EMULATOR: emulator.endpoints.admin } : {}),
        // mlServing.emulator is machine-scoped: a test that points it elsewhere edits the machine settings.
        MLSERVING_E2E_USER_DATA: server.userDataDir,
      },
    }));
    serverFailed ||= r.failed > 0;
  }
}

function report() {
  const pad = (s, n) => String(s).padStart(n);
  console.log('\nstage          passed  failed  skipped     time');
  for (const r of rows) {
    console.log(`${r.stage.padEnd(13)} ${pad(r.passed, 7)} ${pad(r.failed, 7)} ${pad(r.skipped, 8)} ${pad(r.seconds.toFixed(1), 7)}s${r.note ? `  ${r.note}` : ''}`);
  }
  const sum = k => rows.reduce((n, r) => n + r[k], 0);
  const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
  console.log(`total time ${((Date.now() - T0) / 1000).toFixed(1)}s; test output in ${relative(process.cwd(), resultsDir) || '.'}/ on failure`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed;
}

let failed = 1;
try {
  await main();
} catch (e) {
  log(`harness error: ${e.stack ?? e}`);
  rows.push({ stage: 'harness', passed: 0, failed: 1, skipped: 0, seconds: 0, note: e.message });
} finally {
  await cleanup();
  if (!interrupted) failed = report();
}
process.exit(interrupted ? 130 : failed ? 1 : 0);
