import * as vscode from 'vscode';
import { ContextKeys, NodeKind } from '../../common/contextValues';
import type { Logger } from '../../common/logger';
import type { Session } from '../shared/session';
import type { RunArtifact, TrainingRun } from '../../serving/domain';
import { artifactView, runErrorView, runView, visibleArtifacts } from './present/runView';
import { MessageNode, Node } from './node';
import { RunsPager, type RunFilter } from './runsPager';
import { errorNode, ExplorerTree } from './tree';
import { sanitizeLabelValue } from '../../serving/labels';
import type { ItemView } from './present/item';
import { CommandIds } from '../../serving/commandIds';
import type { Target, Targeted } from '../shared/targets';

export class RunNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'run', run: this.run };
  }
  constructor(readonly run: TrainingRun, private readonly tree: RunsTree) {
    super();
    this.id = `run:${run.name}`;
  }
  view(): ItemView {
    // Once read in full (expanded), the run's row also names the model it pushed.
    return runView(this.tree.loaded(this.run.name) ?? this.run);
  }
  override async children(): Promise<Node[]> {
    let run = this.run;
    if (run.state === 'failed') {
      // List calls may leave the error out; the run itself has it.
      if (!run.error && run.kind === 'pipeline') run = await this.tree.details(run.name);
      const error = new MessageNode(`${this.id}/error`, runErrorView(run));
      return [error, ...visibleArtifacts(run.artifacts).map(a => new ArtifactNode(this, a))];
    }
    // List calls may omit job details; fetch the run to read its Pusher outputs.
    if (run.kind === 'pipeline' && !run.artifacts.length && run.state === 'succeeded') {
      const first = !this.tree.loaded(run.name);
      run = await this.tree.details(run.name);
      if (first && run.artifacts.length) this.tree.refresh(this);
    }
    const kids: Node[] = visibleArtifacts(run.artifacts).map(a => new ArtifactNode(this, a));
    try {
      const registered = await this.tree.registeredAs(run);
      kids.push(...registered.map(r => new MessageNode(`${this.id}/registered/${r.name}`, {
        label: `Registered as ${r.displayName} v${r.versionId}`, icon: { id: 'library' }, contextValue: NodeKind.registeredAs,
        tooltip: `\`${r.name}\``, collapsible: 'none',
      })));
    } catch (e) {
      kids.push(errorNode(`${this.id}/registered/error`, 'registered models', e, this));
    }
    if (!kids.length) kids.push(new MessageNode(`${this.id}/none`, { label: 'No model artifacts', icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' }));
    return kids;
  }
}

export class ArtifactNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'artifact', run: this.runNode.run, artifact: this.artifact };
  }
  constructor(readonly runNode: RunNode, readonly artifact: RunArtifact) {
    super();
    this.parent = runNode;
    this.id = `${runNode.id}/artifact/${artifact.task ?? ''}/${artifact.key ?? ''}/${artifact.uri}`;
  }
  view(): ItemView {
    return artifactView(this.artifact);
  }
}

class LoadMoreNode extends Node {
  readonly id: string;
  constructor(readonly pager: RunsPager, private readonly owner: Node | undefined) {
    super();
    this.id = `loadMore:${pager.region}:${pager.items.length}`;
    this.command = { command: CommandIds.loadMore, title: 'Load more', arguments: [this] };
    this.parent = owner;
  }
  view(): ItemView {
    return { label: 'Load more…', icon: { id: 'ellipsis' }, contextValue: NodeKind.loadMore, collapsible: 'none', tooltip: 'Load the next page of runs' };
  }
  get target(): Node | undefined {
    return this.owner;
  }
}

class RegionNode extends Node {
  readonly id: string;
  constructor(readonly region: string, private readonly tree: RunsTree) {
    super();
    this.id = `region:${region}`;
  }
  view(): ItemView {
    return { label: this.region, icon: { id: 'globe' }, contextValue: 'mlServing.region', collapsible: 'expanded' };
  }
  override children(): Promise<Node[]> {
    return this.tree.regionChildren(this.region, this);
  }
}

export class RunsTree extends ExplorerTree {
  private pagers = new Map<string, RunsPager>();
  private filterValue: RunFilter = {};
  private detailed = new Map<string, Promise<TrainingRun>>();
  private resolved = new Map<string, TrainingRun>();
  private registered = new Map<string, Promise<Array<{ name: string; displayName: string; versionId: string }>>>();
  // Versions registered from this workspace are remembered: the label lookup finds a model only
  // through its default version's labels, so a new non-default version would not show otherwise.
  private static readonly MEMORY_KEY = 'mlServing.registeredFromRuns';

  /** `memory` keeps registrations made here across reloads (workspace state). */
  constructor(session: Session, logger: Logger, private readonly memory?: vscode.Memento) {
    super(session, logger, 'training runs');
    this.disposables.push(this.filterEmitter);
  }

  private registeredHere(runName: string): Array<{ name: string; displayName: string; versionId: string }> {
    return this.memory?.get<Record<string, Array<{ name: string; displayName: string; versionId: string }>>>(RunsTree.MEMORY_KEY)?.[runName] ?? [];
  }

  get filter(): RunFilter {
    return this.filterValue;
  }

  private readonly filterEmitter = new vscode.EventEmitter<RunFilter>();
  /** Fires after the filter changed (the view shows it in its title). */
  readonly onDidChangeFilter = this.filterEmitter.event;

  setFilter(f: RunFilter): void {
    this.filterValue = f;
    void vscode.commands.executeCommand('setContext', ContextKeys.runsFiltered, Boolean(f.text || f.state || f.label));
    this.reset();
    this.filterEmitter.fire(f);
  }

  cloud() {
    return this.session.cloud();
  }

  /** The run read in full, if it was. */
  loaded(name: string): TrainingRun | undefined {
    return this.resolved.get(name);
  }

  /** A pipeline run read in full, once until the next reset (the minute relabel reuses it). */
  details(name: string): Promise<TrainingRun> {
    let p = this.detailed.get(name);
    if (!p) {
      p = this.session.cloud().then(c => c.vertex.getPipelineRun(name)).then(r => { this.resolved.set(name, r); return r; });
      p.catch(() => this.detailed.delete(name));
      this.detailed.set(name, p);
    }
    return p;
  }

  protected clear(): void {
    this.pagers.clear();
    this.registered.clear();
    this.detailed.clear();
    this.resolved.clear();
  }

  protected async rootChildren(): Promise<Node[]> {
    const cloud = await this.session.cloud();
    if (cloud.regions.length === 1) return this.regionChildren(cloud.regions[0], undefined);
    return cloud.regions.map(r => new RegionNode(r, this));
  }

  async regionChildren(region: string, owner: Node | undefined): Promise<Node[]> {
    const cloud = await this.session.cloud();
    let pager = this.pagers.get(region);
    if (!pager) {
      pager = new RunsPager(cloud.vertex, region, this.session.settings.runsPageSize, this.filterValue);
      this.pagers.set(region, pager);
    }
    if (!pager.started) await pager.loadMore();
    const nodes: Node[] = pager.items.map(r => new RunNode(r, this));
    if (pager.hasMore) nodes.push(new LoadMoreNode(pager, owner));
    if (!nodes.length) {
      const filtered = this.filterValue.text || this.filterValue.state || this.filterValue.label;
      nodes.push(new MessageNode(`empty:${region}`, { label: filtered ? 'No runs match the filter' : `No training runs in ${region}`, icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' }));
    }
    return nodes;
  }

  async loadMore(node: Node): Promise<void> {
    if (!(node instanceof LoadMoreNode)) return;
    await node.pager.loadMore();
    this.refresh(node.target);
  }

  /** Registered models whose training_run_id label names this run. */
  registeredAs(run: TrainingRun): Promise<Array<{ name: string; displayName: string; versionId: string }>> {
    let p = this.registered.get(run.name);
    if (!p) {
      p = (async () => {
        const cloud = await this.session.cloud();
        const page = await cloud.vertex.listModels(run.region, { pageSize: 100, filter: `labels.training_run_id="${sanitizeLabelValue(run.id)}"` });
        const out: Array<{ name: string; displayName: string; versionId: string }> = [];
        for (const m of page.items) {
          const versions = await cloud.vertex.listModelVersions(m.name);
          for (const v of versions) if (v.labels.training_run_id === sanitizeLabelValue(run.id)) out.push({ name: `${m.name}@${v.versionId}`, displayName: m.displayName, versionId: v.versionId });
        }
        for (const r of this.registeredHere(run.name)) if (!out.some(o => o.name === r.name)) out.push(r);
        return out;
      })();
      p.catch(() => this.registered.delete(run.name));
      this.registered.set(run.name, p);
    }
    return p;
  }

  /** After a registration: remember it, forget the cached lookup and refresh the run. */
  invalidateRun(runName: string, registered?: { name: string; displayName: string; versionId: string }): void {
    if (registered && this.memory) {
      const all = { ...(this.memory.get<Record<string, Array<{ name: string; displayName: string; versionId: string }>>>(RunsTree.MEMORY_KEY) ?? {}) };
      all[runName] = [...(all[runName] ?? []), registered];
      void this.memory.update(RunsTree.MEMORY_KEY, all);
    }
    this.registered.delete(runName);
    this.refresh();
  }
}
