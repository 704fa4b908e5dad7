/**
 * A stand-in `vscode` module for timing activation outside VS Code: every API the extension calls
 * at activation returns a harmless object (disposables, events, channels, tree views), and any API
 * not listed here resolves to a Proxy that accepts every call. It records what activation did, so
 * the benchmark can check that activate() really ran (commands registered, views created).
 */
import * as path from 'node:path';

type AnyFn = (...args: any[]) => any;

export interface StubCounters {
  commands: number;
  treeViews: number;
  outputChannels: number;
  otherCalls: number;
}

const noop = () => {};

/** Accepts any property access, call or `new`; never thenable, so `await` on it does not hang. */
function anything(counters: StubCounters): any {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () {} as AnyFn;
  const proxy: any = new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then' || prop === Symbol.iterator || prop === Symbol.asyncIterator) return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'toString' || prop === 'toJSON') return () => '';
      if (prop === 'dispose') return noop;
      if (!cache.has(prop)) cache.set(prop, anything(counters));
      return cache.get(prop);
    },
    apply() {
      counters.otherCalls++;
      return proxy;
    },
    construct() {
      counters.otherCalls++;
      return proxy;
    },
  });
  return proxy;
}

/** Fills in missing members of a namespace with `anything`, keeping the listed ones. */
function namespace<T extends object>(base: T, counters: StubCounters): T {
  return new Proxy(base, {
    get(t, prop, recv) {
      if (prop in t) return Reflect.get(t, prop, recv);
      if (prop === 'then') return undefined;
      const v = anything(counters);
      (t as any)[prop] = v;
      return v;
    },
  });
}

class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach(i => i.dispose()));
  }
  constructor(private readonly fn: () => unknown = noop) {}
  dispose(): void {
    this.fn();
  }
}

class EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event = (listener: (e: T) => unknown, thisArg?: unknown, disposables?: Array<{ dispose(): unknown }>) => {
    const bound = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static file(p: string): Uri {
    return new Uri('file', '', path.resolve(p));
  }
  static parse(s: string): Uri {
    const u = new URL(s);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...parts));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '/', c.query, c.fragment);
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: Partial<{ scheme: string; authority: string; path: string; query: string; fragment: string }>): Uri {
    return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON(): object {
    return { scheme: this.scheme, authority: this.authority, path: this.path };
  }
}

class TreeItem {
  [k: string]: unknown;
  constructor(readonly labelOrUri: unknown, public collapsibleState = 0) {
    this.label = labelOrUri;
  }
}

class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(readonly id: string, readonly color?: unknown) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  isTrusted = false;
  supportThemeIcons = false;
  constructor(public value = '', supportThemeIcons = false) {
    this.supportThemeIcons = supportThemeIcons;
  }
  appendText(t: string): this {
    this.value += t;
    return this;
  }
  appendMarkdown(t: string): this {
    this.value += t;
    return this;
  }
  appendCodeblock(t: string, lang = ''): this {
    this.value += `\n\`\`\`${lang}\n${t}\n\`\`\`\n`;
    return this;
  }
}

class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

const event = () => new EventEmitter<any>().event;

function outputChannel(name: string) {
  const lines: string[] = [];
  return {
    name, logLevel: 2, onDidChangeLogLevel: event(), lines,
    append: (t: string) => { lines.push(t); }, appendLine: (t: string) => { lines.push(t); }, replace: (t: string) => { lines.length = 0; lines.push(t); },
    clear: () => { lines.length = 0; }, show: noop, hide: noop, dispose: noop,
    trace: (m: string) => { lines.push(m); }, debug: (m: string) => { lines.push(m); }, info: (m: string) => { lines.push(m); },
    warn: (m: string) => { lines.push(m); }, error: (m: unknown) => { lines.push(String(m)); },
  };
}

/** The `vscode` module object. */
export function createVscodeStub(counters: StubCounters = { commands: 0, treeViews: 0, outputChannels: 0, otherCalls: 0 }) {
  const disposable = () => new Disposable();
  const window = namespace({
    createOutputChannel: (name: string) => { counters.outputChannels++; return outputChannel(name); },
    createTreeView: () => {
      counters.treeViews++;
      return {
        visible: true, selection: [], message: undefined, title: undefined, description: undefined, badge: undefined,
        onDidChangeVisibility: event(), onDidChangeSelection: event(), onDidExpandElement: event(), onDidCollapseElement: event(), onDidChangeCheckboxState: event(),
        reveal: async () => {}, dispose: noop,
      };
    },
    registerTreeDataProvider: disposable,
    registerWebviewPanelSerializer: disposable,
    registerWebviewViewProvider: disposable,
    createStatusBarItem: () => ({ text: '', tooltip: undefined, command: undefined, name: undefined, backgroundColor: undefined, show: noop, hide: noop, dispose: noop }),
    setStatusBarMessage: disposable,
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
    showErrorMessage: async () => undefined,
    showQuickPick: async () => undefined,
    showInputBox: async () => undefined,
    withProgress: async (_o: unknown, task: AnyFn) => task({ report: noop }, new CancellationTokenSource().token),
    onDidCloseTerminal: event(),
    onDidChangeActiveTextEditor: event(),
    onDidChangeWindowState: event(),
    activeTextEditor: undefined,
    visibleTextEditors: [],
  }, counters);
  const commands = namespace({
    registerCommand: () => { counters.commands++; return new Disposable(); },
    executeCommand: async () => undefined,
    getCommands: async () => [],
  }, counters);
  const workspace = namespace({
    getConfiguration: () => ({ get: (_k: string, d?: unknown) => d, has: () => false, inspect: () => undefined, update: async () => {} }),
    onDidChangeConfiguration: event(),
    onDidChangeWorkspaceFolders: event(),
    workspaceFolders: undefined,
    asRelativePath: (p: unknown) => String(p),
    isTrusted: true,
  }, counters);
  const env = namespace({
    clipboard: { readText: async () => '', writeText: async () => {} },
    openExternal: async () => true,
    asExternalUri: async (u: unknown) => u,
    appName: 'Visual Studio Code', language: 'en', machineId: 'bench', sessionId: 'bench', uiKind: 1, remoteName: undefined, appHost: 'desktop',
  }, counters);
  return namespace({
    window, commands, workspace, env,
    extensions: namespace({ getExtension: () => undefined, all: [], onDidChange: event() }, counters),
    Disposable, EventEmitter, Uri, TreeItem, ThemeIcon, ThemeColor, MarkdownString, CancellationTokenSource,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    version: '1.95.0',
  }, counters);
}

/** An ExtensionContext good enough for activate(). */
export function createContext(extensionRoot: string, packageJSON: Record<string, unknown>) {
  const memento = () => ({ get: (_k: string, d?: unknown) => d, update: async () => {}, keys: () => [], setKeysForSync: noop });
  const root = Uri.file(extensionRoot);
  const storage = Uri.file(path.join(extensionRoot, '.bench-storage'));
  return {
    subscriptions: [] as Array<{ dispose(): unknown }>,
    extension: { id: `${packageJSON.publisher}.${packageJSON.name}`, packageJSON, extensionUri: root, extensionPath: extensionRoot, isActive: true, extensionKind: 1 },
    extensionUri: root, extensionPath: extensionRoot, extensionMode: 1,
    globalState: memento(), workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: event() },
    globalStorageUri: storage, storageUri: storage, logUri: storage,
    globalStoragePath: storage.fsPath, storagePath: storage.fsPath, logPath: storage.fsPath,
    asAbsolutePath: (p: string) => path.join(extensionRoot, p),
    environmentVariableCollection: { replace: noop, append: noop, prepend: noop, get: () => undefined, delete: noop, clear: noop, forEach: noop },
  };
}

/** Makes `require('vscode')` return the stub in this process. */
export function installVscodeStub(stub: object): void {
  const Module = require('node:module') as { _resolveFilename: AnyFn; _cache: Record<string, unknown> };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === 'vscode') return 'vscode';
    return original.call(this, request, ...rest);
  };
  Module._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub, children: [], paths: [] };
}
