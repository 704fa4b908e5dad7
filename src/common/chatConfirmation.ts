/**
 * Confirmations given in chat. A language model tool shows the change in its `prepareInvocation`
 * (VS Code asks the user there); the command it then runs must not ask a second time, but only for
 * exactly what was shown. A token is an object made here and kept in a WeakMap: it cannot be
 * written as JSON (a `command:` link, another extension's arguments, a keybinding), it is used
 * once, and it confirms only the very text the command would otherwise put in its modal.
 */
const tokens = new WeakMap<object, { text?: string; preview?: (text: string) => void }>();

/** A token that makes the command report what it would ask, and stop without changing anything. */
export function previewToken(): { token: object; text(): string | undefined } {
  let seen: string | undefined;
  const token = Object.freeze({ kind: 'ml-serving-chat-preview' });
  tokens.set(token, { preview: t => { seen = t; } });
  return { token, text: () => seen };
}

/** A token confirming `text`, the confirmation the user accepted in chat. */
export function confirmedToken(text: string): object {
  const token = Object.freeze({ kind: 'ml-serving-chat-confirmed' });
  tokens.set(token, { text });
  return token;
}

export type ChatDecision = 'preview' | 'confirmed' | 'ask';

/**
 * What a command does with the argument it got: 'preview' (report `text`, change nothing),
 * 'confirmed' (the user accepted this exact text in chat), or 'ask' (anything else: its own modal).
 */
export function chatDecision(token: unknown, text: string): ChatDecision {
  const t = token && typeof token === 'object' ? tokens.get(token) : undefined;
  if (!t) return 'ask';
  tokens.delete(token as object);
  if (t.preview) {
    t.preview(text);
    return 'preview';
  }
  return t.text === text ? 'confirmed' : 'ask';
}
