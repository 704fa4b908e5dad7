/** The size bound of a service's log output channel. No vscode import: unit-tested under node. */

/** Characters a channel may hold before its oldest lines are dropped. */
export const CHANNEL_MAX_CHARS = 8 * 1024 * 1024;
/** Characters kept when it is trimmed. */
export const CHANNEL_KEEP_CHARS = 4 * 1024 * 1024;

/**
 * The text of a channel with a size bound: an output channel keeps everything appended, so a
 * busy service followed for a day would grow without end. Past the bound the channel is replaced
 * by its newest lines and a note.
 */
export class BoundedText {
  private readonly recent: string[] = [];
  private recentChars = 0;
  private total = 0;
  dropped = 0;

  constructor(private readonly max = CHANNEL_MAX_CHARS, private readonly keep = CHANNEL_KEEP_CHARS) {}

  /** Adds a block; returns the text to replace the channel with when it must be trimmed. */
  add(text: string): string | undefined {
    this.recent.push(text);
    this.recentChars += text.length + 1;
    this.total += text.length + 1;
    while (this.recentChars > this.keep && this.recent.length > 1) this.recentChars -= this.recent.shift()!.length + 1;
    if (this.total <= this.max) return undefined;
    this.dropped++;
    const note = `---- older lines dropped: this channel keeps about the newest ${Math.round(this.keep / 1048576)} MB (the logs panel and the Logs Explorer have the rest)`;
    this.total = this.recentChars + note.length + 1;
    return `${note}\n${this.recent.join('\n')}\n`;
  }

  get chars(): number {
    return this.total;
  }
}
