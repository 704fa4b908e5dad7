/**
 * Pages through pipeline jobs and custom jobs of one region together, newest first. One page of
 * each source per "Load more"; no vscode import (the benchmark drives it directly).
 */
import type { RunState, TrainingRun } from '../../serving/domain';
import type { VertexApi } from '../../gcp/types';

export interface RunFilter {
  /** Matched client-side against display name, pipeline name and id (case-insensitive). */
  text?: string;
  state?: RunState;
  label?: { key: string; value: string };
}

const STATE_NAMES: Partial<Record<RunState, string[]>> = {
  succeeded: ['SUCCEEDED'], failed: ['FAILED'], cancelled: ['CANCELLED'], running: ['RUNNING'], pending: ['PENDING', 'QUEUED'],
};

/** The Vertex AI list filter for one source (`PIPELINE_STATE_` or `JOB_STATE_`). */
export function serverFilter(f: RunFilter, prefix: 'PIPELINE_STATE_' | 'JOB_STATE_'): string | undefined {
  const parts: string[] = [];
  if (f.state && STATE_NAMES[f.state]) {
    const names = STATE_NAMES[f.state]!.map(s => `state="${prefix}${s}"`);
    parts.push(names.length > 1 ? `(${names.join(' OR ')})` : names[0]);
  }
  if (f.label) parts.push(`labels.${f.label.key}="${f.label.value.replace(/"/g, '\\"')}"`);
  return parts.length ? parts.join(' AND ') : undefined;
}

export function matchesText(r: TrainingRun, text?: string): boolean {
  if (!text) return true;
  const t = text.toLowerCase();
  return [r.displayName, r.pipelineName ?? '', r.id].some(s => s.toLowerCase().includes(t));
}

interface Source {
  token?: string;
  done: boolean;
  load(token?: string): Promise<{ items: TrainingRun[]; nextPageToken?: string }>;
}

export class RunsPager {
  private readonly sources: Source[];
  private loaded: TrainingRun[] = [];

  constructor(vertex: VertexApi, readonly region: string, private readonly pageSize: number, readonly filter: RunFilter = {}) {
    const pf = serverFilter(filter, 'PIPELINE_STATE_');
    const cf = serverFilter(filter, 'JOB_STATE_');
    this.sources = [
      { done: false, load: t => vertex.listPipelineRuns(region, { pageSize, pageToken: t, filter: pf }) },
      { done: false, load: t => vertex.listCustomJobRuns(region, { pageSize, pageToken: t, filter: cf }) },
    ];
  }

  get items(): TrainingRun[] {
    return this.loaded.filter(r => matchesText(r, this.filter.text));
  }

  get hasMore(): boolean {
    return this.sources.some(s => !s.done);
  }

  get started(): boolean {
    return this.loaded.length > 0 || this.sources.some(s => s.done || s.token);
  }

  async loadMore(): Promise<void> {
    const pages = await Promise.all(this.sources.map(async s => {
      if (s.done) return [];
      const p = await s.load(s.token);
      s.token = p.nextPageToken;
      s.done = !p.nextPageToken;
      return p.items;
    }));
    const seen = new Set(this.loaded.map(r => r.name));
    for (const r of pages.flat()) if (!seen.has(r.name)) this.loaded.push(r);
    this.loaded.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  }
}
