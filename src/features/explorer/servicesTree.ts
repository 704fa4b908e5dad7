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
  override async children(): Promise<Node[]> {
    const cloud = await this.tree.cloud();
    const revisions = await cloud.run.listRevisions(this.service.name);
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

  /** Marks a service as having an operation in progress ("Deploying…"), or clears it. */
  setBusy(name: string, text: string | undefined): void {
    if (text) this.busy.set(name, text);
    else this.busy.delete(name);
    this.reset();
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
    const cloud = await this.session.cloud();
    const all = this.session.settings.showAllServices;
    const lists = await Promise.all(cloud.regions.map(r => cloud.run.listServices(r)));
    return lists.flat()
      .filter(s => all || s.labels[SERVICE_LABELS.managedBy] === SERVICE_LABELS.managedByValue)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(s => new ServiceNode(s, this));
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
        if (fresh) {
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
