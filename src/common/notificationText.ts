/**
 * One short paragraph for a notification. VS Code 1.99 showed no toast at all for Cloud Run's
 * multi-line revision failure (only the notification center had it); the log line written before
 * each message keeps the full text.
 */
export function notificationText(text: string, max = 600): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
