/**
 * The panel's HTML shell: CSP `default-src 'none'`, one nonce from crypto for the script (and
 * styles that web components inject), the browser bundle and one stylesheet from the extension,
 * nothing remote. Data arrives by message after the "ready" handshake, never inlined here.
 */
import * as vscode from 'vscode';
import { webviewPage } from '../../common/webviewPage';

/** Only the bundle folder and media/ may be loaded by the webview. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewPage({
    cspSource: webview.cspSource, title,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'predict.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'predict.css')).toString(),
    body: '<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>',
  });
}
