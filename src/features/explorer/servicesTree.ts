import * as vscode from 'vscode';
import type { Logger } from '../../common/logger';
import type { Session } from '../shared/session';
import { writeSetting } from '../../common/settings';
import type { CloudRunService, Revision } from '../../serving/domain';
import { revisionView, serviceView, SERVICE_LABELS } from './present/serviceView';
import type { ItemView } from './present/item';
import { MessageNode, Node } from './node';
import { ExplorerTree } from './tree';
import { NodeKind } from '../../common/contextValues';
import type { Target, Targeted } from '../shared/targets';
import { EndpointsGroupNode } from './endpointNodes';

/** How long revisions read ahead of a row's refresh stay good for VS Code's re-read of it. */
const PREFETCH_MS = 5000;

export class ServiceNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'service', service: this.service };
  }
  constructor(public service: CloudRunService, private readonly tree: ServicesTree) {
    super();
    this.id = `service:${service.name}`;
  }
  view(): ItemView {
    return serviceView(this.service, { busy: this.tree.busyText(this.service.name) });
  }
  /**
   * Revisions read just before this row was refreshed (ServicesTree.reload), used once and only
   * soon after: a collapsed row is not re-read by the refresh, and expanding it later reads afresh.
   */
  private prefetched?: { revisions: Revision[]; until: number };
  prefetch(revisions: Revision[] | undefined): void {
    this.prefetched = revisions && { revisions, until: Date.now() + PREFETCH_MS };
  }
  override async children(): Promise<Node[]> {
    const p = this.prefetched;
    this.prefetched = undefined;
    const revisions = p && Date.now() < p.until ? p.revisions : await (await this.tree.cloud()).run.listRevisions(this.service.name);
    if (!revisions.length) return [new MessageNode(`${this.id}/none`, { label: 'No revisions yet', icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' })];
    return revisions.map(r => new RevisionNode(this, r));
  }
}

export class RevisionNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'revision', service: this.serviceNode.service, revision: this.revision };
  }
  constructor(readonly serviceNode: ServiceNode, readonly revision: Revision) {
    super();
    this.parent = serviceNode;
    this.id = `${serviceNode.id}/rev/${revision.id}`;
  }
  view(): ItemView {
    return revisionView(this.serviceNode.service, this.revision);
  }
}

/**
 * Cloud Run services the extension deployed (label managed-by=ml-serving), or all of them behind
 * the toggle. Only services with work in progress are polled.
 */
export class ServicesTree extends ExplorerTree {
  private cache?: Promise<ServiceNode[]>;
  private readonly busy = new Map<string, string>();
  private poller?: NodeJS.Timeout;
  /** Nodes other flows add below the services (Batch Jobs), kept across reloads. */
  readonly extraRoots: Node[] = [];

  constructor(session: Session, logger: Logger, private readonly pollMs = 3000) {
    super(session, logger, 'Cloud Run services');
    this.disposables.push({ dispose: () => clearTimeout(this.poller) });
  }

  cloud() {
    return this.session.cloud();
  }

  busyText(name: string): string | undefined {
    return this.busy.get(name);
  }

  /**
   * Marks a service as having an operation in progress ("Deploying…"), or clears it. A service the
   * view shows gets only its row refreshed, and re-read when done (reload): a root refresh makes
   * VS Code forget every row's handle until it has re-read the tree, and a row right-clicked in
   * that window reaches its command without its node. Anything else (a new service, an endpoint,
   * batch jobs) reloads the whole view.
   */
  setBusy(name: string, text: string | undefined): void {
    if (text) this.busy.set(name, text);
    else this.busy.delete(name);
    void this.shown().then(nodes => {
      const node = nodes?.find(n => n.service.name === name);
      if (!node) return this.reset();
      if (text) {
        this.refresh(node);
        this.schedulePoll(nodes!);
      } else {
        return this.reload();
      }
    });
  }

  /** The service rows loaded, if a load finished (undefined while loading or after a failure). */
  private async shown(): Promise<ServiceNode[] | undefined> {
    return this.cache?.catch(() => undefined);
  }

  /**
   * Re-reads the services and refreshes only what changed: a changed service's row keeps its node
   * and gets its revisions read before the refresh (VS Code re-reads the children with no wait
   * in between); the root refreshes only when services came or went.
   */
  async reload(): Promise<void> {
    const nodes = await this.shown();
    if (!nodes) return this.reset();
    let fresh: CloudRunService[];
    try {
      fresh = await this.fetch();
    } catch {
      return this.reset(); // the root shows the error
    }
    if (fresh.map(s => s.name).join('\n') !== nodes.map(n => n.service.name).join('\n')) return this.reset();
    const cloud = await this.session.cloud();
    for (const [i, n] of nodes.entries()) {
      if (JSON.stringify(fresh[i]) === JSON.stringify(n.service)) continue;
      n.prefetch(await cloud.run.listRevisions(fresh[i].name).catch(() => undefined));
      n.service = fresh[i];
      this.refresh(n);
    }
    this.schedulePoll(nodes);
  }

  protected clear(): void {
    this.cache = undefined;
  }

  protected async rootChildren(): Promise<Node[]> {
    this.cache ??= this.load();
    let nodes: ServiceNode[];
    try {
      nodes = await this.cache;
    } catch (e) {
      this.cache = undefined;
      throw e;
    }
    this.schedulePoll(nodes);
    // Vertex AI endpoints are the second place models serve: one group node after the services.
    const endpoints = new EndpointsGroupNode(this.session, name => this.busyText(name));
    if (!nodes.length) {
      const all = this.session.settings.showAllServices;
      return [new MessageNode('services:empty', { label: all ? 'No Cloud Run services' : 'No services deployed by ML Serving yet', description: all ? '' : 'right-click a model version → Deploy to Cloud Run', icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' }), endpoints, ...this.extraRoots];
    }
    return [...nodes, endpoints, ...this.extraRoots];
  }

  private async load(): Promise<ServiceNode[]> {
    return (await this.fetch()).map(s => new ServiceNode(s, this));
  }

  private async fetch(): Promise<CloudRunService[]> {
    const cloud = await this.session.cloud();
    const all = this.session.settings.showAllServices;
    const lists = await Promise.all(cloud.regions.map(r => cloud.run.listServices(r)));
    return lists.flat()
      .filter(s => all || s.labels[SERVICE_LABELS.managedBy] === SERVICE_LABELS.managedByValue)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Poll only while a service is reconciling or marked busy; re-read just those services. */
  private schedulePoll(nodes: ServiceNode[]): void {
    clearTimeout(this.poller);
    const active = nodes.filter(n => n.service.state === 'deploying' || this.busy.has(n.service.name));
    if (!active.length) return;
    this.poller = setTimeout(async () => {
      const cloud = await this.session.cloud().catch(() => undefined);
      if (!cloud) return;
      for (const n of active) {
        const fresh = await cloud.run.getService(n.service.name).catch(() => undefined);
        // Unchanged: no refresh (each one makes VS Code re-read the row's revisions).
        if (fresh && JSON.stringify(fresh) !== JSON.stringify(n.service)) {
          n.prefetch(await cloud.run.listRevisions(fresh.name).catch(() => undefined));
          n.service = fresh;
          this.refresh(n);
        }
      }
      this.schedulePoll(nodes);
    }, this.pollMs);
  }

  async toggleAll(): Promise<void> {
    await writeSetting('showAllServices', !this.session.settings.showAllServices);
  }
}
