/**
 * Finds ways a file could run a command through a shell: `exec` / `execSync` of child_process
 * (imported by name, or called on the module), any `shell: true` option, and `sh -c` / `bash -c`
 * in argument arrays or command strings. A regex's `.exec(` is not a shell and is not reported.
 */
export function shellUses(text: string): string[] {
  const found: string[] = [];
  // exec / execSync imported from child_process, under their own name or an alias.
  const named = /(?:import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?child_process['"])|(?:(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"](?:node:)?child_process['"]\s*\))/g;
  for (const m of text.matchAll(named)) {
    for (const part of (m[1] ?? m[2]).split(',')) {
      const [orig, alias] = part.trim().split(/\s+as\s+|\s*:\s*/).map(s => s.trim());
      if (orig === 'exec' || orig === 'execSync') {
        const local = alias || orig;
        found.push(`imports ${orig}${alias ? ` as ${alias}` : ''} from child_process`);
        if (new RegExp(`(?<![.\\w$])${local}\\s*\\(`).test(text)) found.push(`calls ${local}(`);
      }
    }
  }
  // The module under a name: `import * as cp from 'child_process'`, `const cp = require('child_process')`.
  const ns = /(?:import\s*\*\s*as\s+([\w$]+)\s+from\s*['"](?:node:)?child_process['"])|(?:(?:const|let|var)\s+([\w$]+)\s*=\s*require\(\s*['"](?:node:)?child_process['"]\s*\))|(?:import\s+([\w$]+)\s+from\s*['"](?:node:)?child_process['"])/g;
  for (const m of text.matchAll(ns)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}\\s*\\.\\s*(exec|execSync)\\s*\\(`).test(text)) found.push(`calls ${name}.exec/execSync(`);
  }
  if (/require\(\s*['"](?:node:)?child_process['"]\s*\)\s*\.\s*(exec|execSync)\s*\(/.test(text)) found.push('calls require("child_process").exec(');
  if (/\bshell\s*:\s*(true|['"`][^'"`]*['"`])/.test(text)) found.push('shell option');
  if (/['"`](?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|zsh|dash|ksh)['"`]\s*,\s*\[\s*['"`]-\w*c\w*['"`]/.test(text)) found.push('sh -c argument array');
  if (/['"`](?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|zsh|dash|ksh)\s+-\w*c\b/.test(text)) found.push('sh -c command string');
  return found;
}
