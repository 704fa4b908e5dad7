import { NodeKind } from '../../common/contextValues';
import type { Logger } from '../../common/logger';
import type { Session } from '../shared/session';
import { servedBy, withServingLabels, type ServingService } from '../../serving/deploy/servingRevisions';
import type { CloudRunService, ModelVersion, RegisteredModel } from '../../serving/domain';
import { describeEndpointServing, endpointsServing, type VertexEndpoint } from '../../serving/endpoints/types';
import { modelVersionView, modelView } from './present/modelView';
import type { ItemView } from './present/item';
import { MessageNode, Node } from './node';
import { ExplorerTree } from './tree';
import { CommandIds } from '../../serving/commandIds';
import type { Target, Targeted } from '../shared/targets';

export class ModelNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'model', model: this.model };
  }
  constructor(readonly model: RegisteredModel, private readonly tree: ModelsTree) {
    super();
    this.id = `model:${model.name}`;
  }
  view(): ItemView {
    return modelView(this.model);
  }
  override async children(): Promise<Node[]> {
    const [versions, services, endpoints] = await Promise.all([this.tree.versions(this.model.name), this.tree.services(this.model.region), this.tree.endpoints(this.model.region)]);
    return versions.map(v => new ModelVersionNode(this, v, servedBy(services, v), describeEndpointServing(endpointsServing(endpoints, this.model.name, v.versionId))));
  }
}

export class ModelVersionNode extends Node implements Targeted {
  readonly id: string;
  get target(): Target {
    return { kind: 'modelVersion', model: this.modelNode.model, version: this.version };
  }
  constructor(readonly modelNode: ModelNode, readonly version: ModelVersion, readonly servedBy: CloudRunService[], readonly onEndpoints: string[] = []) {
    super();
    this.parent = modelNode;
    this.id = `${modelNode.id}@${version.versionId}`;
  }
  view(): ItemView {
    return modelVersionView(this.version, this.servedBy, Date.now(), this.onEndpoints);
  }
}

class LoadMoreModels extends Node {
  readonly id: string;
  constructor(readonly region: string, count: number) {
    super();
    this.id = `models:loadMore:${region}:${count}`;
    this.command = { command: CommandIds.loadMore, title: 'Load more', arguments: [this] };
  }
  view(): ItemView {
    return { label: 'Load more…', icon: { id: 'ellipsis' }, contextValue: NodeKind.loadMore, collapsible: 'none' };
  }
}

export class ModelsTree extends ExplorerTree {
  private pages = new Map<string, { items: RegisteredModel[]; token?: string; done: boolean }>();
  private servicesByRegion = new Map<string, Promise<ServingService[]>>();
  private versionsByModel = new Map<string, Promise<ModelVersion[]>>();
  private endpointsByRegion = new Map<string, Promise<VertexEndpoint[]>>();

  constructor(session: Session, logger: Logger) {
    super(session, logger, 'models');
  }

  cloud() {
    return this.session.cloud();
  }

  services(region: string): Promise<ServingService[]> {
    let p = this.servicesByRegion.get(region);
    if (!p) {
      p = this.session.cloud().then(async c => withServingLabels(await c.run.listServices(region), name => c.run.listRevisions(name)));
      p.catch(() => this.servicesByRegion.delete(region));
      this.servicesByRegion.set(region, p);
    }
    return p;
  }

  /** Vertex AI endpoints of a region; a failure to list them only hides "serving: endpoint …". */
  endpoints(region: string): Promise<VertexEndpoint[]> {
    let p = this.endpointsByRegion.get(region);
    if (!p) {
      p = this.session.cloud().then(c => c.apis.endpoints.listEndpoints(region)).catch(e => {
        this.logger.warn(`endpoints of ${region}: ${(e as Error).message}`);
        this.endpointsByRegion.delete(region);
        return [];
      });
      this.endpointsByRegion.set(region, p);
    }
    return p;
  }

  /** A model's versions, read once until the next reset (the minute relabel reuses them). */
  versions(modelName: string): Promise<ModelVersion[]> {
    let p = this.versionsByModel.get(modelName);
    if (!p) {
      p = this.session.cloud().then(c => c.vertex.listModelVersions(modelName));
      p.catch(() => this.versionsByModel.delete(modelName));
      this.versionsByModel.set(modelName, p);
    }
    return p;
  }

  protected clear(): void {
    this.pages.clear();
    this.servicesByRegion.clear();
    this.versionsByModel.clear();
    this.endpointsByRegion.clear();
  }

  protected async rootChildren(): Promise<Node[]> {
    const cloud = await this.session.cloud();
    const nodes: Node[] = [];
    for (const region of cloud.regions) {
      let page = this.pages.get(region);
      if (!page) {
        page = { items: [], done: false };
        this.pages.set(region, page);
        await this.loadPage(region);
      }
      nodes.push(...page.items.map(m => new ModelNode(m, this)));
      if (!page.done) nodes.push(new LoadMoreModels(region, page.items.length));
    }
    if (!nodes.length) nodes.push(new MessageNode('models:empty', { label: `No models in the Model Registry (${cloud.regions.join(', ')})`, icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' }));
    return nodes;
  }

  private async loadPage(region: string): Promise<void> {
    const cloud = await this.session.cloud();
    const page = this.pages.get(region)!;
    const res = await cloud.vertex.listModels(region, { pageSize: 100, pageToken: page.token });
    page.items.push(...res.items);
    page.token = res.nextPageToken;
    page.done = !res.nextPageToken;
  }

  async loadMore(node: Node): Promise<void> {
    if (!(node instanceof LoadMoreModels)) return;
    await this.loadPage(node.region);
    this.refresh();
  }

  /** Models or versions changed (a registration, a deploy): reload. */
  invalidate(): void {
    this.reset();
  }
}
