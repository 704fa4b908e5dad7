/**
 * The layout of rapidjson's PrettyWriter (4-space indent; `kFormatSingleLineArray` switched on and
 * off mid-document), which TF Serving uses for predict / classify / regress / error bodies. Keeping
 * its state machine gives byte-identical bodies, including the odd
 * `"predictions": [2.5, 3.0\n    ]` layout real servers return.
 */

interface Level { inArray: boolean; count: number }

export class PrettyWriter {
  private out = '';
  private stack: Level[] = [];
  private singleLineArray = false;

  setSingleLineArray(on: boolean): void { this.singleLineArray = on; }

  startObject(): void { this.prefix(); this.stack.push({ inArray: false, count: 0 }); this.out += '{'; }
  endObject(): void {
    const level = this.stack.pop()!;
    if (level.count > 0) { this.out += '\n'; this.indent(); }
    this.out += '}';
  }
  startArray(): void { this.prefix(); this.stack.push({ inArray: true, count: 0 }); this.out += '['; }
  endArray(): void {
    const level = this.stack.pop()!;
    if (level.count > 0 && !this.singleLineArray) { this.out += '\n'; this.indent(); }
    this.out += ']';
  }
  key(name: string): void { this.string(name); }
  string(s: string): void { this.prefix(); this.out += quote(s); }
  bool(b: boolean): void { this.prefix(); this.out += b ? 'true' : 'false'; }
  /** A number (or NaN/Infinity) already formatted. */
  raw(text: string): void { this.prefix(); this.out += text; }
  toString(): string { return this.out; }

  private indent(): void { this.out += ' '.repeat(4 * this.stack.length); }

  private prefix(): void {
    const level = this.stack[this.stack.length - 1];
    if (!level) return;
    if (level.inArray) {
      if (level.count > 0) this.out += this.singleLineArray ? ', ' : ',';
      if (!this.singleLineArray) { this.out += '\n'; this.indent(); }
    } else {
      if (level.count > 0) this.out += level.count % 2 === 0 ? ',\n' : ': ';
      else this.out += '\n';
      if (level.count % 2 === 0) this.indent();
    }
    level.count++;
  }
}

/** rapidjson's string escaping: quote, backslash and control characters only (UTF-8 kept raw). */
export function quote(s: string): string {
  let r = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') r += '\\"';
    else if (ch === '\\') r += '\\\\';
    else if (c < 0x20) {
      const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      r += named[c] ?? `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    } else r += ch;
  }
  return r + '"';
}
