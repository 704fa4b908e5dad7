import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentSecurityPolicy, nonce, webviewPage } from '../../src/common/webviewPage';
import { REPO_ROOT } from './helpers/fixtures';
import { shellUses } from './helpers/shellUse';

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
    // One page builder (panelPage → webviewPage) and one localResourceRoots rule (panelOptions), in src/common/panelHost.ts.
    const shared = fs.readFileSync(path.join(REPO_ROOT, 'src/common/panelHost.ts'), 'utf8');
    assert.match(shared, /webviewPage\(/, 'panelPage uses webviewPage()');
    assert.match(shared, /localResourceRoots/, 'panelOptions narrows localResourceRoots');
    const files = walk(path.join(REPO_ROOT, 'src'));
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      if (!f.endsWith('webviewPage.ts')) assert.doesNotMatch(text, /Content-Security-Policy/, `${f} has no CSP of its own`);
      assert.doesNotMatch(text, /webview\.html\s*=\s*`/, `${path.relative(REPO_ROOT, f)} builds no inline HTML`);
    }
    for (const h of ['src/features/predict/panelHost.ts', 'src/features/logs/logsPanel.ts']) {
      assert.match(fs.readFileSync(path.join(REPO_ROOT, h), 'utf8'), /panelPage\(/, `${h} builds its page with panelPage()`);
    }
    // Every createWebviewPanel takes the shared options (dist/webview and media only).
    const creators = files.filter(f => /createWebviewPanel\(/.test(fs.readFileSync(f, 'utf8')));
    assert.ok(creators.length >= 2);
    for (const f of creators) {
      const text = fs.readFileSync(f, 'utf8');
      const calls = [...text.matchAll(/createWebviewPanel\(([^;]+)\);/g)];
      assert.ok(calls.length >= 1, f);
      for (const m of calls) assert.match(m[1], /panelOptions\(/, `${f}: createWebviewPanel with panelOptions()`);
    }
  });

  it('external commands run with execFile and argument arrays, never a shell (src/ and scripts/)', () => {
    const files = [...walk(path.join(REPO_ROOT, 'src')), ...walk(path.join(REPO_ROOT, 'scripts'))];
    assert.ok(files.some(f => f.endsWith('test.mjs')) && files.some(f => f.endsWith('execFile.ts')), 'both folders were read');
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      assert.deepEqual(shellUses(text), [], `${path.relative(REPO_ROOT, f)} may run a shell`);
      for (const m of text.matchAll(/execFile(?:Sync)?\(([^,]+),\s*([^,)]+)/g)) assert.ok(m[2].trim().startsWith('[') || /args|argv/.test(m[2]), `${f}: execFile with ${m[2]}`);
    }
  });

  it('the shell check catches exec, execSync, spawn with shell: true and sh -c, and not a regex .exec(', () => {
    const planted: Array<[string, RegExp]> = [
      [`import { exec } from 'node:child_process';\nexec('gcloud ' + args);`, /imports exec/],
      [`const { execSync: run } = require('child_process');\nrun('ls');`, /imports execSync as run/],
      [`import * as cp from 'node:child_process';\ncp.exec(cmd, cb);`, /calls cp\.exec/],
      [`const child_process = require('child_process');\nchild_process.execSync('id');`, /calls child_process\.exec/],
      [`require('node:child_process').exec('id');`, /require\("child_process"\)\.exec/],
      [`spawn('gcloud', args, { stdio: 'inherit', shell: true });`, /shell option/],
      [`spawnSync('sh', ['-c', \`command -v \${cmd}\`]);`, /sh -c argument array/],
      [`execFile('/bin/bash', ['-lc', line]);`, /sh -c argument array/],
      [`execFileSync('sh -c "gcloud auth"');`, /sh -c command string/],
    ];
    for (const [code, expected] of planted) assert.match(shellUses(code).join('; '), expected, code);
    assert.deepEqual(shellUses(`const m = /x(\\d+)/.exec(line); execFile('gcloud', ['auth'], cb); spawn(process.execPath, [main], { shell: false });`), []);
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => (d.isDirectory() ? walk(path.join(dir, d.name)) : /\.(ts|mjs|js|cjs)$/.test(d.name) ? [path.join(dir, d.name)] : []));
}
