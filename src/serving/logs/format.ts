/** Text forms of log lines: the output channel's readable lines and the panel's small pieces. */
import type { LogLine } from './entry';

// Re-exported: the webview imports it from here; entry.ts imports latency.ts, so no cycle.
export { formatLatency } from './latency';

/** `2025-08-19 20:57:37.523Z`: ISO without the T, which the "log" language highlights as a date. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ');
}

/**
 * One readable line for the output channel: time, severity, revision, message. Continuation lines
 * of a multi-line message (a Python traceback) are indented so each entry stays one visual block.
 */
export function formatLine(line: LogLine): string {
  const head = `${formatTime(line.timestamp)} ${line.severity.padEnd(7)} ${line.revision ?? '-'} `;
  const [first, ...rest] = line.message.replace(/\r?\n$/, '').split(/\r?\n/);
  return rest.length ? [head + first, ...rest.map(r => `    ${r}`)].join('\n') : head + first;
}

/** jsonPayload pretty-printed for "expand". */
export function prettyJson(v: unknown): string {
  return JSON.stringify(v, null, 2);
}
