/** Bad command-line usage: the message names the flag; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
