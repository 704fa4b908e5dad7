import type { Logger } from '../../common/logger';
import type { Operations } from '../shared/operations';
import type { Session } from '../shared/session';

/** What every endpoint command receives. */
export interface EndpointDeps {
  session: Session;
  /** Busy/done on the endpoint's row; the Serving and Models views refresh when it is done. */
  ops: Operations;
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
