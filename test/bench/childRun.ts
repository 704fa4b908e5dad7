/**
 * Runs one measurement in a fresh Node process and reads the JSON object it prints as its last
 * stdout line. Its stderr (progress) is passed through. A child that overruns is killed by pid.
 */
import { spawn } from 'node:child_process';

export const BENCH_DIR = __dirname;
export const REPO_ROOT = require('node:path').resolve(__dirname, '..', '..', '..') as string;

export function runChild<T>(script: string, args: string[], opts: { timeoutMs: number; nodeArgs?: string[]; quiet?: boolean }): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => {
      err += d;
      if (err.length > 64_000) err = err.slice(-32_000);
      if (!opts.quiet) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${opts.timeoutMs / 1000} s`));
    }, opts.timeoutMs);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', code => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const v = JSON.parse(last);
        if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${JSON.stringify(v).slice(0, 500)}`));
        resolve(v as T);
      } catch {
        reject(new Error(`${script} exited with ${code} without a JSON result; stderr: ${err.trim().split('\n').slice(-8).join(' | ')}`));
      }
    });
  });
}

/** For child entry points: print the result as the last stdout line and exit. */
export function finish(result: unknown, code = 0): never {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(code));
  // stdout of a pipe flushes asynchronously; exit from the write callback above
  return undefined as never;
}

export function arg(name: string, fallback?: string): string {
  const hit = process.argv.find(a => a.startsWith(`--${name}=`));
  if (hit) return hit.slice(name.length + 3);
  if (fallback === undefined) throw new Error(`--${name}: required`);
  return fallback;
}
