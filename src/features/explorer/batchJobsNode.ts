/**
 * The Serving view's "Batch Jobs" node: the project's batch prediction jobs in every region, newest
 * first. While a job is pending or running the node re-reads its jobs every few seconds (only then,
 * and only while VS Code asks for its children, i.e. while it is expanded).
 */
import type { Session } from '../shared/session';
import { NodeKind } from '../../common/contextValues';
import { isRunning, type BatchJob } from '../../serving/batch/job';
import { MessageNode, Node } from './node';
import type { ItemView } from './present/item';
import { batchJobsView, batchJobView } from './present/batchJobView';
import type { Target, Targeted } from '../shared/targets';

export interface RefreshableTree {
  refresh(node?: Node): void;
}

export class BatchJobNode extends Node implements Targeted {
  get target(): Target {
    return { kind: 'batchJob', job: this.job };
  }
  readonly id: string;
  constructor(readonly job: BatchJob, parent: BatchJobsNode) {
    super();
    this.parent = parent;
    this.id = `batch:${job.name}`;
  }
  view(): ItemView {
    return batchJobView(this.job);
  }
}

export class BatchJobsNode extends Node {
  readonly id = 'batchJobs';
  private last?: BatchJob[];
  private poller?: NodeJS.Timeout;
  tree?: RefreshableTree;

  constructor(private readonly session: Session, private readonly pollMs = 3000) {
    super();
  }

  /** The jobs as last listed (undefined before the node was first expanded). */
  get jobs(): BatchJob[] | undefined {
    return this.last;
  }

  view(): ItemView {
    return batchJobsView(this.last);
  }

  override async children(): Promise<Node[]> {
    const cloud = await this.session.cloud();
    const api = cloud.apis.batch;
    const lists = await Promise.all(cloud.regions.map(r => api.listJobs(r)));
    const jobs = lists.flat().sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
    const wasRunning = (this.last ?? []).filter(isRunning).length;
    this.last = jobs;
    this.schedulePoll(jobs);
    // The node's own description ("2 running") changed: refresh the node itself too.
    if (wasRunning !== jobs.filter(isRunning).length) setTimeout(() => this.tree?.refresh(this), 0);
    if (!jobs.length) return [new MessageNode('batchJobs:none', { label: 'No batch prediction jobs', description: 'right-click a model version → Batch Predict', icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' })];
    return jobs.map(j => new BatchJobNode(j, this));
  }

  /** Re-list now (after a job was created or cancelled). */
  refresh(): void {
    this.tree?.refresh(this);
  }

  private schedulePoll(jobs: BatchJob[]): void {
    clearTimeout(this.poller);
    if (!jobs.some(isRunning)) return;
    this.poller = setTimeout(() => this.tree?.refresh(this), this.pollMs);
  }

  dispose(): void {
    clearTimeout(this.poller);
  }
}
