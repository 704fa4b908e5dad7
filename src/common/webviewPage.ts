/**
 * The HTML shell every panel uses: CSP `default-src 'none'`, one nonce per render from the
 * CSPRNG for the bundled script and the panel's styles, nothing remote, nothing inline without
 * the nonce, no eval. Data arrives by message after the webview's "ready", never inlined here.
 * No vscode import: tests read the page a panel would get.
 */
import type * as nodeCrypto from 'node:crypto';

export function nonce(): string {
  // crypto is required here rather than at load, to keep activation cheap.
  return (require('node:crypto') as typeof nodeCrypto).randomBytes(16).toString('hex');
}

export function contentSecurityPolicy(cspSource: string, n: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${cspSource} 'nonce-${n}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

export interface PageOptions {
  cspSource: string;
  title: string;
  /** The panel's bundle; none for a static page (a panel that could not be restored). */
  scriptUri?: string;
  styleUri?: string;
  /** CSS of the panel's own, allowed by the nonce. */
  style?: string;
  /** Static markup shown until the script takes over. */
  body?: string;
  bodyAttributes?: Record<string, string>;
  nonce?: string;
}

export function webviewPage(o: PageOptions): string {
  const n = o.nonce ?? nonce();
  const attrs = Object.entries(o.bodyAttributes ?? {}).map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styleUri ? `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}" nonce="${n}">\n` : ''}${o.style ? `<style nonce="${n}">${o.style}</style>\n` : ''}<title>${escapeHtml(o.title)}</title>
</head>
<body${attrs}>
${o.body ?? ''}
${o.scriptUri ? `<script nonce="${n}" src="${escapeHtml(o.scriptUri)}"></script>\n` : ''}</body>
</html>`;
}
