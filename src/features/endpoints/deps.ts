import type { Logger } from '../../common/logger';
import type { Session } from '../../common/session';
import type { ExplorerTrees } from '../explorer/register';

/** What every endpoint command receives. */
export interface EndpointDeps {
  session: Session;
  trees: ExplorerTrees;
  logger: Logger;
}

/** Vertex AI's DeploymentStage, by number (LRO metadata) or name, as words. */
const STAGES: Record<string, string> = {
  '5': 'starting deployment', STARTING_DEPLOYMENT: 'starting deployment',
  '6': 'preparing the model', PREPARING_MODEL: 'preparing the model',
  '7': 'creating the serving cluster', CREATING_SERVING_CLUSTER: 'creating the serving cluster',
  '8': 'adding nodes', ADDING_NODES_TO_CLUSTER: 'adding nodes',
  '9': 'getting the container image', GETTING_CONTAINER_IMAGE: 'getting the container image',
  '3': 'starting the model server', STARTING_MODEL_SERVER: 'starting the model server',
  '4': 'finishing up', FINISHING_UP: 'finishing up',
  '11': 'deployed', SUCCESSFULLY_DEPLOYED: 'deployed',
};

export function stageText(stage: string): string {
  return STAGES[stage] ?? stage.toLowerCase().replace(/_/g, ' ');
}
