import * as vscode from 'vscode';
import { errorView } from './present/errorView';
import { MessageNode, Node, toTreeItem } from './node';
import { NoProjectError, SignedOutError, type Session } from '../shared/session';
import type { Logger } from '../../common/logger';

/**
 * The base of the three trees: owns its change event, debounces bursts of refreshes, and turns
 * load failures into error nodes (never popups). "No project" and "not signed in" return no
 * children so the view's welcome content shows.
 */
export abstract class ExplorerTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private pending = new Set<Node | undefined>();
  private timer?: NodeJS.Timeout;
  protected readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(protected readonly session: Session, protected readonly logger: Logger, private readonly what: string) {
    this.disposables.push(session.onDidChange(() => this.reset()));
  }

  /** Drop cached state and reload from the root. */
  reset(): void {
    this.clear();
    this.refresh();
  }

  protected abstract clear(): void;
  protected abstract rootChildren(): Promise<Node[]>;

  /** Debounced: many calls within 50 ms fire once; a root refresh subsumes node refreshes. */
  refresh(node?: Node): void {
    this.pending.add(node);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const nodes = this.pending.has(undefined) ? [undefined] : [...this.pending];
      this.pending.clear();
      for (const n of nodes) this.emitter.fire(n);
    }, 50);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return toTreeItem(node);
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      const kids = node ? await node.children() : await this.rootChildren();
      for (const k of kids) k.parent ??= node;
      return kids;
    } catch (e) {
      if (!node && (e instanceof NoProjectError || e instanceof SignedOutError)) return [];
      this.logger.warn(`${this.what}: ${(e as Error).message}`);
      return [errorNode(`${node?.id ?? 'root'}/error`, this.what, e, node)];
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

export function errorNode(id: string, what: string, e: unknown, parent?: Node): Node {
  const v = errorView(what, e);
  const n = new MessageNode(id, v, { command: v.action.command, title: v.action.title, arguments: v.action.args });
  n.parent = parent;
  return n;
}
