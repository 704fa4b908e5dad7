/** List paging and ordering as Google list methods do them (opaque page tokens, `order_by`). */
import { createHash } from 'node:crypto';
import { invalidArgument } from './errors';

/** A page token is bound to the query it came from: reusing it with another filter is an error. */
export function paginate<T>(items: T[], req: { pageSize?: number; pageToken?: string }, query: string, defaultSize = 100, maxSize = 1000): { page: T[]; nextPageToken: string } {
  const size = req.pageSize && req.pageSize > 0 ? Math.min(req.pageSize, maxSize) : defaultSize;
  const q = createHash('sha256').update(query).digest('hex').slice(0, 12);
  let offset = 0;
  if (req.pageToken) {
    let parsed: { o?: unknown; q?: unknown } | undefined;
    try { parsed = JSON.parse(Buffer.from(req.pageToken, 'base64url').toString('utf8')); } catch { parsed = undefined; }
    if (!parsed || typeof parsed.o !== 'number' || parsed.q !== q) throw invalidArgument('page_token: invalid page token (it must come from a previous call with the same filter and order_by)');
    offset = parsed.o;
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(JSON.stringify({ o: offset + size, q })).toString('base64url') : '';
  return { page, nextPageToken: next };
}

export type SortKey<T> = (item: T) => string | number;

/** Sort by an `order_by` string like `create_time desc, display_name`; unknown fields are INVALID_ARGUMENT. */
export function orderBy<T>(items: T[], spec: string | undefined, keys: Record<string, SortKey<T>>, fallback?: string): T[] {
  const text = (spec && spec.trim()) || fallback;
  if (!text) return items;
  const parts = text.split(',').map(p => p.trim()).filter(Boolean).map(p => {
    const m = /^([A-Za-z_.]+)(?:\s+(asc|desc))?$/i.exec(p);
    if (!m) throw invalidArgument(`order_by: cannot parse "${p}"`);
    const field = m[1].replace(/[A-Z]/g, c => '_' + c.toLowerCase());
    const key = keys[field];
    if (!key) throw invalidArgument(`order_by: unsupported field "${m[1]}" (supported: ${Object.keys(keys).join(', ')})`);
    return { key, dir: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const { key, dir } of parts) {
      const x = key(a), y = key(b);
      if (x < y) return -dir;
      if (x > y) return dir;
    }
    return 0;
  });
}
