import * as vscode from 'vscode';
import type { ItemView } from './present/item';

/** A node of any explorer tree: its presentation as data, and its children when it has any. */
export abstract class Node {
  parent?: Node;
  abstract view(): ItemView;
  children(): Promise<Node[]> {
    return Promise.resolve([]);
  }
  /** A stable id so VS Code keeps expansion state across refreshes. */
  abstract readonly id: string;
  command?: vscode.Command;
}

export function toTreeItem(node: Node): vscode.TreeItem {
  const v = node.view();
  const item = new vscode.TreeItem(v.label, {
    none: vscode.TreeItemCollapsibleState.None,
    collapsed: vscode.TreeItemCollapsibleState.Collapsed,
    expanded: vscode.TreeItemCollapsibleState.Expanded,
  }[v.collapsible]);
  item.id = node.id;
  item.description = v.description;
  item.contextValue = v.contextValue;
  if (v.icon) item.iconPath = new vscode.ThemeIcon(v.icon.id, v.icon.color ? new vscode.ThemeColor(v.icon.color) : undefined);
  if (v.tooltip) {
    const md = new vscode.MarkdownString(v.tooltip);
    md.supportThemeIcons = true;
    item.tooltip = md;
  }
  if (node.command) item.command = node.command;
  return item;
}

/** A plain message or error row. */
export class MessageNode extends Node {
  constructor(readonly id: string, private readonly v: ItemView, command?: vscode.Command) {
    super();
    this.command = command;
  }
  view(): ItemView {
    return this.v;
  }
}
