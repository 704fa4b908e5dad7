/**
 * The emulator's seams to modules other people own: the TF Serving stand-in
 * (test/emulator/serving), the identity (ID tokens, GCE metadata; test/emulator/identity) and the
 * demo models (test/emulator/demo/models.ts). The last two are loaded at run time, so the core
 * works (with a clear log line) while one of them is absent.
 */
import type * as http from 'node:http';

export type { StandInLog, StandInOptions, StandIn as StandInHandle } from './serving/standIn';
export type StartStandIn = typeof import('./serving/standIn').startServingStandIn;

export interface Identity {
  issueIdToken(audience: string, email: string): string | Promise<string>;
  /** Throws (saying why) when the token is bad; returns the caller. */
  verify(token: string, audience: string): { email: string };
  handleMetadata(req: http.IncomingMessage, res: http.ServerResponse): boolean;
}

function tryRequire<T>(id: string): T | undefined {
  try {
    return require(id) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(id.replace(/^\.\.?\//, ''))) return undefined;
    throw e;
  }
}

/** Temporary adapter: the identity module is being written; until then ID tokens cannot be verified. */
export function loadIdentity(): Identity | undefined {
  const m = tryRequire<Partial<Identity>>('./identity');
  return m?.verify && m.handleMetadata && m.issueIdToken ? (m as Identity) : undefined;
}

export interface DemoModel {
  id: string;
  displayName: string;
  spec: import('../../src/serving/savedModel/types').SavedModelSpec;
  predictor?: unknown;
}

export function loadDemoModels(): DemoModel[] | undefined {
  return tryRequire<{ DEMO_MODELS?: DemoModel[] }>('./demo/models')?.DEMO_MODELS;
}
