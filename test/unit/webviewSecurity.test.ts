import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentSecurityPolicy, nonce, webviewPage } from '../../src/common/webviewPage';
import { REPO_ROOT } from './helpers/fixtures';

describe('webview security', () => {
  it('every panel page: CSP default-src none, nonce-only scripts, no unsafe-*, nothing remote', () => {
    const page = webviewPage({ cspSource: 'vscode-resource:', title: '<x> & "y"', scriptUri: 'vscode-resource:/dist/webview/predict.js', styleUri: 'vscode-resource:/media/predict.css', style: 'body{}' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)![1];
    assert.match(csp, /^default-src 'none';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/);
    const n = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)![1];
    const scripts = [...page.matchAll(/<script([^>]*)>/g)].map(m => m[1]);
    assert.ok(scripts.length >= 1);
    for (const s of scripts) {
      assert.ok(s.includes(`nonce="${n}"`), `script without the nonce: ${s}`);
      assert.match(s, /src="vscode-resource:/, 'scripts come from the extension, not inline');
    }
    assert.doesNotMatch(page, /<script[^>]*>[^<]+<\/script>/, 'no inline script body');
    assert.doesNotMatch(page, /https?:\/\//, 'no remote resource');
    assert.ok(page.includes('<title>&#60;x&#62; &#38; &#34;y&#34;</title>'), 'the title is escaped');
  });

  it('nonces are fresh and long (crypto, not Math.random)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => nonce()));
    assert.equal(seen.size, 200);
    for (const n of seen) assert.ok(n.length >= 20 && /^[A-Za-z0-9]+$/.test(n), n);
    assert.match(contentSecurityPolicy('vscode-resource:', 'abc'), /style-src vscode-resource: 'nonce-abc'/);
  });

  it('every panel host builds its page with the shared shell', () => {
    const hosts = ['src/features/predict/html.ts', 'src/features/logs/panelHtml.ts'];
    for (const h of hosts) {
      const text = fs.readFileSync(path.join(REPO_ROOT, h), 'utf8');
      assert.match(text, /webviewPage\(/, `${h} uses webviewPage()`);
      assert.doesNotMatch(text, /Content-Security-Policy/, `${h} has no CSP of its own`);
    }
    // Every createWebviewPanel is in a file that sets localResourceRoots to dist/webview (and media).
    const files = walk(path.join(REPO_ROOT, 'src')).filter(f => /createWebviewPanel\(/.test(fs.readFileSync(f, 'utf8')));
    assert.ok(files.length >= 2);
    for (const f of files) assert.match(fs.readFileSync(f, 'utf8'), /localResourceRoots/, `${f} narrows localResourceRoots`);
  });

  it('external commands run with execFile and argument arrays, never a shell', () => {
    for (const f of walk(path.join(REPO_ROOT, 'src'))) {
      const text = fs.readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /(?<![.\w])(execSync|exec)\(|spawn\([^)]*shell:\s*true|shell:\s*true/, f);
      for (const m of text.matchAll(/execFile\(([^,]+),\s*([^,)]+)/g)) assert.ok(m[2].trim().startsWith('[') || /args|argv/.test(m[2]), `${f}: execFile with ${m[2]}`);
    }
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}
