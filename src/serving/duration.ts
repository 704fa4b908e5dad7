/** "1m 5s" from a start and an end (or now): tree rows and batch output previews. */
export function duration(start: Date | undefined, end: Date | undefined, now = Date.now()): string {
  if (!start) return '';
  const s = Math.max(0, Math.round(((end?.getTime() ?? now) - start.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
