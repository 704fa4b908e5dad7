/**
 * Every tree item contextValue and context key, in one place, matched exactly in package.json
 * `when` clauses. A contextValue is a fixed kind plus state: `mlServing.run.pipeline.succeeded`.
 */
export const ContextKeys = {
  projectSelected: 'mlServing.projectSelected',
  authState: 'mlServing.authState',
  emulator: 'mlServing.emulator',
  showAllServices: 'mlServing.showAllServices',
  /** The Training Runs tree has a filter (its Clear Filter button shows). */
  runsFiltered: 'mlServing.runsFiltered',
} as const;

export type AuthState = 'unknown' | 'signedIn' | 'signedOut';

export const NodeKind = {
  run: 'mlServing.run',
  pushedModel: 'mlServing.pushedModel',
  artifact: 'mlServing.artifact',
  registeredAs: 'mlServing.registeredAs',
  model: 'mlServing.model',
  modelVersion: 'mlServing.modelVersion',
  service: 'mlServing.service',
  revision: 'mlServing.revision',
  loadMore: 'mlServing.loadMore',
  endpointsGroup: 'mlServing.endpointsGroup',
  endpoint: 'mlServing.endpoint',
  deployedModel: 'mlServing.deployedModel',
  error: 'mlServing.error',
  info: 'mlServing.info',
} as const;

export function runContext(kind: 'pipeline' | 'custom', state: string): string {
  return `${NodeKind.run}.${kind}.${state}`;
}
export function serviceContext(state: 'ready' | 'failed' | 'deploying' | 'unknown'): string {
  return `${NodeKind.service}.${state}`;
}
/**
 * `mlServing.revision.ready` (no traffic), `….serving` (a share), `….serving.canary` (the share of
 * the revision tagged canary), `….serving.all` (100%): the traffic commands each revision offers.
 */
export function revisionContext(state: string, percent: number, canary: boolean): string {
  const traffic = percent >= 100 ? '.serving.all' : percent > 0 ? `.serving${canary ? '.canary' : ''}` : '';
  return `${NodeKind.revision}.${state}${traffic}`;
}

/** `mlServing.endpoint.empty` (deletable) or `mlServing.endpoint.serving`. */
export function endpointContext(deployedCount: number): string {
  return `${NodeKind.endpoint}.${deployedCount ? 'serving' : 'empty'}`;
}
/** `mlServing.deployedModel.idle` (0%), `….serving` (a share), `….serving.last` (the only one with traffic). */
export function deployedModelContext(percent: number, onlyOneWithTraffic: boolean): string {
  return `${NodeKind.deployedModel}.${percent > 0 ? (onlyOneWithTraffic ? 'serving.last' : 'serving') : 'idle'}`;
}

/** Batch prediction (issue 17): the Batch Jobs node, and each job by state (`mlServing.batchJob.running`). */
export const BatchNodeKind = {
  jobs: 'mlServing.batchJobs',
  job: 'mlServing.batchJob',
} as const;
export function batchJobContext(state: string): string {
  return `${BatchNodeKind.job}.${state}`;
}
