/** A tree item described as plain data, so node presentation is unit-tested without VS Code. */
export interface ItemView {
  label: string;
  description?: string;
  /** A codicon id (`pass`, `error`, `sync~spin`), optionally with a theme color id. */
  icon?: { id: string; color?: string };
  contextValue: string;
  tooltip?: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}
