/**
 * One activation sample, in its own process: node activationSample.js --bundle=FILE --root=DIR.
 * Times require() of the bundle plus activate() with the stub `vscode` module; prints JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arg, finish } from './childRun';
import { createContext, createVscodeStub, installVscodeStub, type StubCounters } from './vscodeStub';

async function main(): Promise<void> {
  const bundle = path.resolve(arg('bundle'));
  const root = path.resolve(arg('root'));
  const counters: StubCounters = { commands: 0, treeViews: 0, outputChannels: 0, otherCalls: 0 };
  installVscodeStub(createVscodeStub(counters));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const context = createContext(root, pkg);
  const before = new Set(Object.keys(require.cache));

  const t0 = performance.now();
  const ext = require(bundle) as { activate?: (c: unknown) => unknown };
  const t1 = performance.now();
  if (typeof ext.activate !== 'function') throw new Error(`${bundle}: exports no activate()`);
  const r = ext.activate(context);
  if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  const t2 = performance.now();

  const loadedFiles = Object.keys(require.cache).filter(k => !before.has(k)).map(k => path.basename(k));
  finish({ loadMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, ...counters, subscriptions: context.subscriptions.length, loadedFiles });
}

main().catch(e => finish({ error: (e as Error).stack ?? String(e) }, 1));
