/**
 * A rank-2 output (instances × values, e.g. a ranking model's [[4.2], [3.1]]) as rows of cells for
 * a table, or undefined when the value is not a rectangle of scalars. Pure: shared with the webview.
 */
export type Cell = string | number | boolean | null;

export function asMatrix(v: unknown): Cell[][] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const width = Array.isArray(v[0]) ? v[0].length : -1;
  if (width < 1) return undefined;
  const isCell = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);
  return v.every(row => Array.isArray(row) && row.length === width && row.every(isCell)) ? (v as Cell[][]) : undefined;
}
