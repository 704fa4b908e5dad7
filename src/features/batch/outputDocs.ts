/** Read-only markdown previews of batch job outputs (a virtual document per job). */
import * as vscode from 'vscode';

export const BATCH_OUTPUT_SCHEME = 'mlserving-batch';

export class BatchOutputDocs implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.path) ?? '';
  }
  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: BATCH_OUTPUT_SCHEME, path: `/${name.replace(/[^\w.-]+/g, '-')}.md` });
    this.docs.set(uri.path, text);
    this.changed.fire(uri);
    return uri;
  }
  dispose(): void {
    this.changed.dispose();
  }
}
