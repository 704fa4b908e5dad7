// npm run package: production build (minified, no source maps), then a .vsix with @vscode/vsce.
// Dependencies are bundled by esbuild, so vsce packages no node_modules.
import { execFileSync } from 'node:child_process';
import { statSync, rmSync, existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(`${root}package.json`, 'utf8'));
const out = `${root}${pkg.name}-${pkg.version}.vsix`;
if (existsSync(`${root}dist`)) rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}scripts/build.mjs`, '--production', '--only=ext'], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [`${root}node_modules/@vscode/vsce/vsce`, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], { stdio: 'inherit', cwd: root });
const bytes = statSync(out).size;
console.log(`vsix: ${out} ${bytes} bytes (${(bytes / 1024 / 1024).toFixed(2)} MB)`);
