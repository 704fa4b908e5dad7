// Records the notifications the extension shows (error, warning, information), as the user would
// read them: text and buttons. The tests run in the extension's own host, whose `vscode.window` is
// the same object the extension calls, so swapping its functions sees every message.
import * as vscode from 'vscode';

export interface ShownMessage {
  level: 'error' | 'warning' | 'info';
  text: string;
  actions: string[];
  /** A modal's detail text (the options' `detail`), when given. */
  detail?: string;
  modal?: boolean;
}

type Show = (message: string, ...rest: unknown[]) => Thenable<unknown>;
const KINDS = { error: 'showErrorMessage', warning: 'showWarningMessage', info: 'showInformationMessage' } as const;

/**
 * Starts recording. `answer` picks the button the "user" clicks (undefined dismisses), and may
 * take its time as a user would. Call
 * `restore()` in a finally block.
 */
export function captureMessages(answer: (m: ShownMessage) => string | undefined | Promise<string | undefined> = () => undefined) {
  const shown: ShownMessage[] = [];
  const waiters: Array<() => void> = [];
  const win = vscode.window as unknown as Record<string, Show>;
  const originals = Object.fromEntries(Object.values(KINDS).map(k => [k, win[k]])) as Record<string, Show>;
  for (const [level, fn] of Object.entries(KINDS) as Array<[ShownMessage['level'], string]>) {
    win[fn] = async (message: string, ...rest: unknown[]) => {
      // Items follow an optional options object; they are strings or { title } objects.
      const items = rest.filter(r => typeof r === 'string' || (typeof r === 'object' && r !== null && 'title' in r));
      const options = rest.find(r => typeof r === 'object' && r !== null && !('title' in r)) as { modal?: boolean; detail?: string } | undefined;
      const m: ShownMessage = { level, text: message, actions: items.map(i => (typeof i === 'string' ? i : (i as { title: string }).title)) };
      if (options?.detail !== undefined) m.detail = options.detail;
      if (options?.modal) m.modal = true;
      shown.push(m);
      waiters.splice(0).forEach(w => w());
      const pick = await answer(m);
      return items.find(i => (typeof i === 'string' ? i : (i as { title: string }).title) === pick);
    };
  }
  return {
    shown,
    /** The first recorded message matching, waiting up to `ms` for it. */
    async waitFor(match: (m: ShownMessage) => boolean, what: string, ms = 30_000): Promise<ShownMessage> {
      const end = Date.now() + ms;
      for (;;) {
        const m = shown.find(match);
        if (m) return m;
        if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms; shown: ${JSON.stringify(shown)}`);
        await new Promise<void>(r => { waiters.push(r); setTimeout(r, 200); });
      }
    },
    restore(): void {
      for (const [k, f] of Object.entries(originals)) win[k] = f;
    },
  };
}
