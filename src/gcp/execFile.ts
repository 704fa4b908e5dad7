/**
 * The one way this extension runs an external program (gcloud): execFile with an argument
 * array, never a shell. child_process is required on first use, not at activation.
 */
import type * as childProcess from 'node:child_process';

export type ExecCallback = (error: Error | null, stdout: string, stderr: string) => void;

export function runFile(file: string, args: readonly string[], options: childProcess.ExecFileOptions, callback: ExecCallback): void {
  const cp = require('node:child_process') as typeof childProcess;
  cp.execFile(file, args, { ...options, encoding: 'utf8', shell: false }, (err, stdout, stderr) => callback(err, String(stdout), String(stderr)));
}
