import type * as vscode from 'vscode';
import { webviewPage } from '../../common/webviewPage';

/** The logs panel's page: the shared CSP shell, the bundled script and the panel's styles. */
export function logsPanelHtml(webview: vscode.Webview, scriptUri: vscode.Uri, title: string): string {
  return webviewPage({ cspSource: webview.cspSource, title, scriptUri: scriptUri.toString(), style: STYLE, bodyAttributes: { 'data-title': title } });
}

const STYLE = `
  html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
  body { display: flex; flex-direction: column; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); }
  #toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  #toolbar .grow { flex: 1; min-width: 140px; }
  #status { padding: 2px 8px; font-size: 0.9em; color: var(--vscode-descriptionForeground); border-top: 1px solid var(--vscode-panel-border); display: flex; gap: 12px; }
  #status .state-live { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  #status .state-reconnecting, #status .state-connecting { color: var(--vscode-editorWarning-foreground); }
  #status .state-failed, #status .state-stopped { color: var(--vscode-errorForeground); }
  #viewport { flex: 1; overflow-y: auto; position: relative; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  #spacer { position: relative; width: 100%; }
  .row { position: absolute; left: 0; right: 0; line-height: 1.5; white-space: pre; overflow: hidden; text-overflow: ellipsis; padding: 0 8px; box-sizing: border-box; cursor: default; }
  .row:hover { background: var(--vscode-list-hoverBackground); }
  .row .t { color: var(--vscode-descriptionForeground); }
  .row .sev { display: inline-block; width: 7ch; font-weight: 600; }
  .row .rev { color: var(--vscode-descriptionForeground); }
  .row.expandable { cursor: pointer; }
  .row .caret { display: inline-block; width: 2ch; color: var(--vscode-descriptionForeground); }
  .sev-DEBUG .sev, .sev-DEFAULT .sev { color: var(--vscode-descriptionForeground); }
  .sev-INFO .sev, .sev-NOTICE .sev { color: var(--vscode-charts-blue, var(--vscode-foreground)); }
  .sev-WARNING .sev { color: var(--vscode-editorWarning-foreground); }
  .sev-ERROR .sev, .sev-CRITICAL .sev, .sev-ALERT .sev, .sev-EMERGENCY .sev { color: var(--vscode-errorForeground); }
  .sev-ERROR, .sev-CRITICAL, .sev-ALERT, .sev-EMERGENCY { background: var(--vscode-inputValidation-errorBackground, transparent); }
  .req .status-5 { color: var(--vscode-errorForeground); }
  .req .status-4 { color: var(--vscode-editorWarning-foreground); }
  .req .status-2 { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .json { position: absolute; left: 0; right: 0; margin: 0; padding: 2px 8px 2px 4ch; overflow: auto; white-space: pre; background: var(--vscode-textCodeBlock-background); box-sizing: border-box; }
  .json.detail { white-space: pre-wrap; word-break: break-all; overflow-wrap: anywhere; user-select: text; }
  .row.expandable:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .marker { font-style: italic; color: var(--vscode-editorWarning-foreground); }
  .marker.level-failure, .marker.level-error { color: var(--vscode-errorForeground); font-style: normal; font-weight: 600; }
  .marker .fix { margin-left: 1ch; text-decoration: underline; cursor: pointer; color: var(--vscode-textLink-foreground); }
  #jump { position: absolute; right: 16px; bottom: 36px; display: none; }
  #jump.shown { display: block; }
  mark { background: var(--vscode-editor-findMatchHighlightBackground); color: inherit; }
`;
