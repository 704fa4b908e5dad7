import * as vscode from 'vscode';
import { Features, type ExplorerViews } from './activation/features';
import { LazyTreeProvider } from './activation/lazyTree';
import { COMMANDS, DEMO_MARKER, PANELS, TOOLS, TREE_VIEWS, type FeatureName } from './activation/table';

/**
 * The registration shell: every command, view, panel serializer and language model tool is
 * registered here from one list (activation/table.ts); each feature's body is its own bundle,
 * required on its first use (a command, a tree's first items, a panel restore, a tool call).
 * Activation loads no feature, no Google code and spawns nothing.
 */
export function activate(context: vscode.ExtensionContext) {
  const trees = (id: string, load: () => vscode.TreeDataProvider<any>) => {
    const provider = new LazyTreeProvider(load);
    const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
    context.subscriptions.push(provider, view);
    return view;
  };
  const views: ExplorerViews = {
    runs: trees(TREE_VIEWS.runs, () => features.load('explorer').runs),
    models: trees(TREE_VIEWS.models, () => features.load('explorer').models),
    services: trees(TREE_VIEWS.services, () => features.load('explorer').services),
  };
  const features = new Features(context, views);
  const use = <K extends FeatureName>(feature: K) => {
    try {
      return features.load(feature);
    } catch (e) {
      void vscode.window.showErrorMessage(`ML Serving: could not load its ${feature} feature: ${(e as Error).message}`);
      throw e;
    }
  };

  for (const [id, feature] of Object.entries(COMMANDS)) {
    // The feature registers the real handler in place of this one; the call is then passed on.
    features.placeholder(feature, vscode.commands.registerCommand(id, (...args: unknown[]) => {
      use(feature);
      return vscode.commands.executeCommand(id, ...args);
    }));
  }
  for (const [viewType, feature] of Object.entries(PANELS)) {
    features.placeholder(feature, vscode.window.registerWebviewPanelSerializer(viewType, {
      deserializeWebviewPanel: (panel, state) => use(feature).serializer.deserializeWebviewPanel(panel, state),
    }));
  }
  // vscode.lm is absent before 1.95 (and in hosts without chat): the commands work regardless.
  if (typeof vscode.lm?.registerTool === 'function') {
    for (const name of TOOLS) {
      const tool = () => use('agents').tools[name];
      context.subscriptions.push(vscode.lm.registerTool(name, {
        invoke: (options, token) => tool().invoke(options, token),
        prepareInvocation: (options, token) => tool().prepareInvocation?.(options, token),
      }));
    }
  }

  // After activation: the status bar and the welcome views' context keys (session), and the
  // view opened for `npm run demo`.
  const startup = setTimeout(() => {
    use('session');
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) void vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, DEMO_MARKER)).then(() => use('explorer'), () => undefined);
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startup) });

  // For the in-host integration tests (logUri: where VS Code writes the log channel). Each
  // getter loads what it names.
  return {
    get services() { return features.core(); },
    get trees() { return use('explorer'); },
    get deploy() { return use('deploy'); },
    get logs() { return use('logs'); },
    get predict() { return use('predict'); },
    get agents() { return use('agents'); },
    get endpoints() { return use('endpoints'); },
    get batch() { return use('batch'); },
    logUri: context.logUri,
  };
}

export function deactivate(): void {}
