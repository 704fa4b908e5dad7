import * as vscode from 'vscode';
import { CancelledError } from '../../../common/errors';
import { formatRunFilter, parseRunFilter } from '../runFilter';
import type { RunFilter } from '../runsPager';
import type { RunsTree } from '../runsTree';

export function filterRuns(tree: RunsTree) {
  return async (value?: string): Promise<RunFilter> => {
    const input = typeof value === 'string' ? value : await vscode.window.showInputBox({
      title: 'Filter training runs', value: formatRunFilter(tree.filter),
      prompt: 'Text to match in run names, plus state:failed|succeeded|running|cancelled|pending and label:key=value',
      validateInput: v => { try { parseRunFilter(v); return undefined; } catch (e) { return (e as Error).message; } },
    });
    if (input === undefined) throw new CancelledError();
    const f = parseRunFilter(input);
    tree.setFilter(f);
    return f;
  };
}

export function clearRunsFilter(tree: RunsTree) {
  return async (): Promise<void> => tree.setFilter({});
}
