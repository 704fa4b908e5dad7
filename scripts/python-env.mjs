// The Python environment with real TensorFlow that the serving tests, the model zoo and the
// emulator's real Python server run in: a venv at <repo>/.venv-tf/ (git-ignored), created once and
// reused while it still imports tensorflow.
//
//   import { ensurePythonEnv } from './python-env.mjs';
//   const env = await ensurePythonEnv({ log });  // { python, version } or { python: null, reason }
//
// CLI: `node scripts/python-env.mjs` prints the venv's python path (exit 1 with the reason when it
// cannot be made). PYTHON_ENV_DIR overrides the venv folder.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const venvDir = resolve(process.env.PYTHON_ENV_DIR || join(repoRoot, '.venv-tf'));
/** What the venv gets (pip is configured with the local package index; PyPI is unreachable). */
export const PACKAGES = ['tensorflow-cpu==2.21.0', 'flask', 'gunicorn', 'numpy'];
const venvPython = join(venvDir, 'bin', 'python');
// Written after a successful import check; while it names the same packages and tensorflow's
// installed version still matches it, the venv is reused without importing TensorFlow (~10 s).
const stampFile = join(venvDir, '.ml-serving-env.json');

/** Runs a command; resolves { code, out } (stdout+stderr), never rejects. */
function run(cmd, args, { onLine, timeoutMs = 30 * 60_000 } = {}) {
  return new Promise(done => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    } catch (e) {
      done({ code: -1, out: e.message });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const take = chunk => {
      const text = chunk.toString();
      out += text;
      if (onLine) for (const line of text.split('\n')) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', e => { clearTimeout(timer); done({ code: -1, out: out + e.message }); });
    child.on('close', code => { clearTimeout(timer); done({ code: code ?? -1, out }); });
  });
}

const lastLines = (text, n = 5) => text.trim().split('\n').slice(-n).join(' | ');

/** The TensorFlow version the venv imports, or null. */
async function tfVersion(python) {
  if (!existsSync(python)) return null;
  const r = await run(python, ['-c', 'import flask, numpy, tensorflow as tf; print("TFVERSION=" + tf.__version__)'], { timeoutMs: 180_000 });
  const m = /TFVERSION=(\S+)/.exec(r.out);
  return r.code === 0 && m ? m[1] : null;
}

function writeStamp(version) {
  writeFileSync(stampFile, JSON.stringify({ packages: PACKAGES, tensorflow: version }) + '\n');
}

/** The stamped TensorFlow version when the stamp matches what is installed now, else null. */
async function stampedVersion() {
  if (!existsSync(stampFile) || !existsSync(venvPython)) return null;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
  if (JSON.stringify(stamp.packages) !== JSON.stringify(PACKAGES)) return null;
  const r = await run(venvPython, ['-c', 'import importlib.metadata as m, flask, numpy; print("TFVERSION=" + m.version("tensorflow-cpu"))'], { timeoutMs: 60_000 });
  const m = /TFVERSION=(\S+)/.exec(r.out);
  return r.code === 0 && m && m[1] === stamp.tensorflow ? stamp.tensorflow : null;
}

/**
 * Creates (or reuses) the venv. Resolves { python, version } with the venv's interpreter and the
 * TensorFlow version it imports, or { python: null, reason } when it cannot be made.
 */
export async function ensurePythonEnv({ log = console.log } = {}) {
  const stamped = await stampedVersion();
  if (stamped) {
    log(`python env: reusing ${venvDir} (tensorflow ${stamped})`);
    return { python: venvPython, version: stamped };
  }
  const existing = await tfVersion(venvPython);
  if (existing) {
    writeStamp(existing);
    log(`python env: reusing ${venvDir} (tensorflow ${existing})`);
    return { python: venvPython, version: existing };
  }
  const base = process.env.PYTHON_FOR_VENV || 'python3';
  if (existsSync(venvDir)) {
    log(`python env: ${venvDir} exists but does not import tensorflow; recreating it`);
    rmSync(venvDir, { recursive: true, force: true });
  }
  log(`python env: creating ${venvDir} with ${base} -m venv`);
  const made = await run(base, ['-m', 'venv', venvDir], { timeoutMs: 120_000 });
  if (made.code !== 0 || !existsSync(venvPython)) {
    return { python: null, reason: `${base} -m venv ${venvDir} failed (Debian: apt-get install python3-venv): ${lastLines(made.out)}` };
  }
  log(`python env: pip install ${PACKAGES.join(' ')} (about 600 MB, a few minutes the first time)`);
  let lines = 0;
  const pip = await run(venvPython, ['-m', 'pip', 'install', '--retries', '0', '--progress-bar', 'off', ...PACKAGES], {
    onLine: line => { if (/^(Collecting|Successfully|ERROR)/.test(line) && lines++ < 80) log(`python env: ${line}`); },
  });
  if (pip.code !== 0) {
    return { python: null, reason: `pip install ${PACKAGES.join(' ')} into ${venvDir} failed: ${lastLines(pip.out)}` };
  }
  const version = await tfVersion(venvPython);
  if (!version) return { python: null, reason: `${venvPython} still cannot import tensorflow, flask and numpy after pip install` };
  writeStamp(version);
  log(`python env: ready, tensorflow ${version} at ${venvPython}`);
  return { python: venvPython, version };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = await ensurePythonEnv({ log: m => console.error(m) });
  if (!env.python) {
    console.error(`python env: ${env.reason}`);
    process.exit(1);
  }
  console.log(env.python);
}
