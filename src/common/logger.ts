import * as vscode from 'vscode';

/** A component-tagged view of the one "ML Serving" LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  /** A logger whose lines carry another component tag, same channel. */
  child(component: string): Logger;
}

export function createLogger(channel: vscode.LogOutputChannel, component = 'core'): Logger {
  const tag = (m: string) => `[${component}] ${m}`;
  return {
    trace: m => channel.trace(tag(m)),
    info: m => channel.info(tag(m)),
    warn: m => channel.warn(tag(m)),
    error: m => channel.error(tag(m instanceof Error ? (m.stack ?? m.message) : m)),
    child: c => createLogger(channel, c),
  };
}
