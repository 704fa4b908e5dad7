import * as vscode from 'vscode';

/**
 * A tree data provider the shell registers at activation; the real one (the explorer's) is
 * loaded when VS Code first asks for the tree's items. Change events are forwarded from then on
 * (before it, the view has asked for nothing, so nothing it shows can be stale).
 */
export class LazyTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private real?: vscode.TreeDataProvider<T>;
  private forwarding?: vscode.Disposable;

  constructor(private readonly load: () => vscode.TreeDataProvider<T>) {}

  private target(): vscode.TreeDataProvider<T> {
    if (!this.real) {
      this.real = this.load();
      this.forwarding = this.real.onDidChangeTreeData?.(e => this.emitter.fire(e));
    }
    return this.real;
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.target().getTreeItem(element);
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.target().getChildren(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target().getParent?.(element);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.emitter.dispose();
  }
}
