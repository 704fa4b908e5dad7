/**
 * Runs, models and services as compact rows, for the language model tools and the CLI (one
 * implementation). Pure: it calls the adapters' interfaces it is given, never vscode.
 */
import { SERVICE_LABELS } from '../deploy/serviceLabels';
import type { CloudRunService, ModelVersion, Page, RegisteredModel, TrainingRun } from '../domain';

export type Kind = 'runs' | 'models' | 'services';
export const KINDS: readonly Kind[] = ['runs', 'models', 'services'];

export interface Row {
  name: string;
  displayName: string;
  region: string;
  state: string;
  /** One line: created time, URL, traffic, artifact URI... */
  detail: string;
}

const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : '');

export function trafficLine(s: CloudRunService): string {
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  return t.filter(x => x.percent > 0 || x.tag)
    .map(x => `${x.type === 'LATEST' ? `latest${x.revision ? ` (${x.revision})` : ''}` : x.revision} ${x.percent}%${x.tag ? ` tag ${x.tag}` : ''}`)
    .join(', ') || 'none';
}

/** The reads listRows makes; src/gcp's VertexApi and RunApi fit it (serving does not import gcp). */
export interface ListingApis {
  vertex: {
    listPipelineRuns(region: string, page: { pageSize: number }): Promise<Page<TrainingRun>>;
    listCustomJobRuns(region: string, page: { pageSize: number }): Promise<Page<TrainingRun>>;
    listModels(region: string, page: { pageSize: number }): Promise<Page<RegisteredModel>>;
    listModelVersions(modelName: string): Promise<ModelVersion[]>;
  };
  run: { listServices(region: string): Promise<CloudRunService[]> };
}

export interface ListOptions {
  regions: string[];
  /** Per region and kind (runs: pipeline and custom jobs each). */
  limit?: number;
  /** Services: all, not only those deployed by ML Serving. */
  allServices?: boolean;
}

export async function listRows(kind: Kind, api: ListingApis, o: ListOptions): Promise<Row[]> {
  const pageSize = o.limit ?? 20;
  if (kind === 'runs') {
    const pages = await Promise.all(o.regions.flatMap(r => [api.vertex.listPipelineRuns(r, { pageSize }), api.vertex.listCustomJobRuns(r, { pageSize })]));
    return pages.flatMap(p => p.items)
      .sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0))
      .map(r => ({ name: r.name, displayName: r.displayName, region: r.region, state: r.state,
        detail: [r.kind, iso(r.createTime), r.artifacts.length ? `${r.artifacts.length} artifacts` : '', r.error ? `error: ${r.error.slice(0, 200)}` : ''].filter(Boolean).join(' · ') }));
  }
  if (kind === 'models') {
    const pages = await Promise.all(o.regions.map(r => api.vertex.listModels(r, { pageSize })));
    const models = pages.flatMap(p => p.items);
    const withVersions = await Promise.all(models.map(async m => ({ m, versions: await api.vertex.listModelVersions(m.name).catch(() => [m.defaultVersion]) })));
    return withVersions.flatMap(({ m, versions }) => versions.map(v => ({
      name: `${m.name}@${v.versionId}`, displayName: `${m.displayName} v${v.versionId}`, region: m.region, state: v.aliases.length ? v.aliases.map(a => `@${a}`).join(' ') : 'registered',
      detail: [v.artifactUri, iso(v.createTime)].filter(Boolean).join(' · '),
    })));
  }
  const lists = await Promise.all(o.regions.map(r => api.run.listServices(r)));
  return lists.flat()
    .filter(s => o.allServices || s.labels[SERVICE_LABELS.managedBy] === SERVICE_LABELS.managedByValue)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(s => ({ name: s.name, displayName: s.id, region: s.region, state: s.reconciling ? 'deploying' : s.state,
      detail: [s.uri ?? '', `traffic: ${trafficLine(s)}`, s.env.MODEL_NAME ? `model ${s.env.MODEL_NAME}` : '', s.message && s.state !== 'ready' ? `message: ${s.message.slice(0, 200)}` : ''].filter(Boolean).join(' · ') }));
}

/** One line per row, for a terminal or a model. */
export function formatRows(kind: Kind, rows: Row[]): string {
  if (!rows.length) return `No ${kind}.`;
  return rows.map(r => `${r.displayName} [${r.state}] ${r.region} — ${r.name}${r.detail ? `\n    ${r.detail}` : ''}`).join('\n');
}
