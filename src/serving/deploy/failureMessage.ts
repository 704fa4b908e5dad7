/**
 * Cloud Run's revision failure text ends with a console "Logs URL:" and a troubleshooting link on
 * lines of their own. A notification shows the sentence that says what failed; the links stay in
 * the ML Serving log, and the notification offers the revision's logs in the editor instead.
 */
export function failureSummary(message: string, maxLength = 400): string {
  const first = message.split(/\n\s*\n|\n(?=Logs URL:|For more troubleshooting)/)[0];
  const oneLine = first.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
}

/** The image Cloud Run could not find ("… Image 'REF' not found."), if that is the failure. */
export function missingImage(message: string): string | undefined {
  return /\bImage '([^'\s]+)' not found\b/.exec(message)?.[1];
}
