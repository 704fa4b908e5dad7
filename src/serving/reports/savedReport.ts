/**
 * A load-test run or a comparison saved in the workspace (JSON + a readable markdown summary),
 * named after the service, revision and model version, so runs can be set side by side later.
 * Pure: names, the record, and validation of a record read back (files are untrusted input).
 */

export type ReportKind = 'load-test' | 'comparison';

export interface SavedReportMeta {
  kind: ReportKind;
  /** Service id (short name). */
  service: string;
  /** The revision measured (for a comparison: B, the candidate). */
  revision: string;
  /** For a comparison: A, the reference. */
  against?: string;
  /** The Model Registry version the service serves, when its labels say. */
  modelVersion?: string;
  /** ISO 8601 UTC. */
  savedAt: string;
}

export interface SavedReport {
  format: 'ml-serving-report';
  version: 1;
  meta: SavedReportMeta;
  /** The numbers (OpenLoopReport, or a comparison's rows and summary). */
  data: Record<string, unknown>;
}

const SAFE = /[^A-Za-z0-9._-]+/g;
const part = (s: string) => s.replace(SAFE, '_').replace(/^[._-]+|[._-]+$/g, '').slice(0, 80) || 'unknown';

/** `<service>-<revision>[-v<modelVersion>]-<utc>`: sorts by time within a service, safe as a file name. */
export function reportBaseName(m: Pick<SavedReportMeta, 'kind' | 'service' | 'revision' | 'against' | 'modelVersion' | 'savedAt'>): string {
  const t = new Date(m.savedAt);
  if (Number.isNaN(t.getTime())) throw new Error(`savedAt: ${JSON.stringify(m.savedAt)} is not a date`);
  const utc = t.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'); // 20261130T131500Z
  // A revision id already starts with the service's name: do not say it twice.
  const rev = m.revision.startsWith(`${m.service}-`) ? m.revision.slice(m.service.length + 1) : m.revision;
  const against = m.against ? `vs-${m.against.startsWith(`${m.service}-`) ? m.against.slice(m.service.length + 1) : m.against}-` : '';
  const version = m.modelVersion ? `-v${part(m.modelVersion)}` : '';
  return `${part(m.service)}-${m.kind === 'comparison' ? `${part(against)}-` : ''}${part(rev)}${version}-${utc}`.replace(/--+/g, '-');
}

export function savedReport(meta: SavedReportMeta, data: Record<string, unknown>): SavedReport {
  return { format: 'ml-serving-report', version: 1, meta, data };
}

/** The problems of a record read back, each naming its field; empty when it is a saved report. */
export function reportProblems(x: unknown): string[] {
  const out: string[] = [];
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return ['report: expected a JSON object'];
  const r = x as Record<string, unknown>;
  if (r.format !== 'ml-serving-report') out.push(`format: expected "ml-serving-report", got ${JSON.stringify(r.format)}`);
  if (r.version !== 1) out.push(`version: expected 1, got ${JSON.stringify(r.version)}`);
  const m = r.meta as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) out.push('meta: expected an object');
  else {
    if (m.kind !== 'load-test' && m.kind !== 'comparison') out.push(`meta.kind: expected "load-test" or "comparison", got ${JSON.stringify(m.kind)}`);
    for (const f of ['service', 'revision'] as const) if (typeof m[f] !== 'string' || !m[f]) out.push(`meta.${f}: expected a non-empty string`);
    for (const f of ['against', 'modelVersion'] as const) if (m[f] !== undefined && typeof m[f] !== 'string') out.push(`meta.${f}: expected a string`);
    if (typeof m.savedAt !== 'string' || Number.isNaN(Date.parse(m.savedAt))) out.push('meta.savedAt: expected an ISO 8601 date');
  }
  if (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)) out.push('data: expected an object');
  return out;
}

/** Which revisions a service's traffic really reaches (for naming a load test against its URL). */
export function servingRevisions(statuses: Array<{ revision?: string; percent: number }>, latestReady?: string): string {
  // Cloud Run gives full resource names here; the id is the last segment.
  const id = (r: string) => r.slice(r.lastIndexOf('/') + 1);
  const live = statuses.filter(t => t.percent > 0 && t.revision).map(t => id(t.revision!));
  return live.length ? live.join('+') : latestReady ? id(latestReady) : 'unknown';
}
