/**
 * The "Vertex AI endpoints" group of the Serving view: each endpoint, then its deployed models with
 * their share of traffic. Load failures become error nodes (the tree's getChildren does that).
 */
import type { Session } from '../shared/session';
import { NodeKind } from '../../common/contextValues';
import type { VertexEndpoint } from '../../serving/endpoints/types';
import { deployedModelView, endpointsGroupView, endpointView } from './present/endpointView';
import type { ItemView } from './present/item';
import { MessageNode, Node } from './node';
import type { Target, Targeted } from '../shared/targets';

export class EndpointsGroupNode extends Node {
  readonly id = 'endpoints:group';
  private count?: number;
  constructor(private readonly session: Session, private readonly busy: (name: string) => string | undefined) {
    super();
  }
  view(): ItemView {
    return endpointsGroupView(this.count);
  }
  override async children(): Promise<Node[]> {
    const cloud = await this.session.cloud();
    const api = cloud.apis.endpoints;
    const lists = await Promise.all(cloud.regions.map(r => api.listEndpoints(r)));
    const endpoints = lists.flat().sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
    this.count = endpoints.length;
    if (!endpoints.length) {
      return [new MessageNode('endpoints:empty', { label: 'No Vertex AI endpoints', description: 'right-click a model version → Deploy to Vertex AI Endpoint', icon: { id: 'info' }, contextValue: NodeKind.info, collapsible: 'none' })];
    }
    return endpoints.map(e => new EndpointNode(e, cloud.project, this.busy));
  }
}

export class EndpointNode extends Node implements Targeted {
  get target(): Target {
    return { kind: 'endpoint', endpoint: this.endpoint };
  }
  readonly id: string;
  constructor(public endpoint: VertexEndpoint, readonly project: string, private readonly busy: (name: string) => string | undefined) {
    super();
    this.id = `endpoint:${endpoint.name}`;
  }
  view(): ItemView {
    return endpointView(this.endpoint, this.project, { busy: this.busy(this.endpoint.name) });
  }
  override async children(): Promise<Node[]> {
    return this.endpoint.deployedModels.map(d => new DeployedModelNode(this, d.id));
  }
}

export class DeployedModelNode extends Node implements Targeted {
  get target(): Target {
    return { kind: 'deployedModel', endpoint: this.endpoint, deployedModelId: this.deployedModelId };
  }
  readonly id: string;
  constructor(readonly endpointNode: EndpointNode, readonly deployedModelId: string) {
    super();
    this.parent = endpointNode;
    this.id = `${endpointNode.id}/deployed/${deployedModelId}`;
  }
  get endpoint(): VertexEndpoint {
    return this.endpointNode.endpoint;
  }
  get deployed() {
    return this.endpoint.deployedModels.find(d => d.id === this.deployedModelId)!;
  }
  view(): ItemView {
    return deployedModelView(this.endpoint, this.deployed);
  }
}
