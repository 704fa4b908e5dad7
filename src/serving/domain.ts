/**
 * The product's own view of Vertex AI and Cloud Run resources: plain data normalised from the
 * clients' messages in src/gcp, so features and tests never see protobuf shapes.
 */

export type RunState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

export interface RunArtifact {
  /** `tfx.PushedModel`, `tfx.ModelBlessing`, `tfx.ModelEvaluation`, `model` (custom job output), ... */
  type: string;
  /** The task that produced it and its output key (`Pusher` / `pushed_model`). */
  task?: string;
  key?: string;
  uri: string;
  metadata: Record<string, unknown>;
}

export interface TrainingRun {
  kind: 'pipeline' | 'custom';
  /** Full resource name: projects/P/locations/R/pipelineJobs/ID. */
  name: string;
  id: string;
  region: string;
  displayName: string;
  pipelineName?: string;
  state: RunState;
  /** The raw state enum name (PIPELINE_STATE_SUCCEEDED, JOB_STATE_FAILED). */
  rawState: string;
  createTime?: Date;
  startTime?: Date;
  endTime?: Date;
  labels: Record<string, string>;
  error?: string;
  /** Output artifacts, when the list call returned job details (pipeline jobs) or they were derived (custom jobs). */
  artifacts: RunArtifact[];
}

export interface ModelVersion {
  /** projects/P/locations/R/models/ID */
  modelName: string;
  displayName: string;
  versionId: string;
  aliases: string[];
  labels: Record<string, string>;
  artifactUri: string;
  containerImage?: string;
  createTime?: Date;
  description?: string;
}

export interface RegisteredModel {
  name: string;
  id: string;
  region: string;
  displayName: string;
  labels: Record<string, string>;
  /** The version the list call returned (the default one). */
  defaultVersion: ModelVersion;
  createTime?: Date;
  updateTime?: Date;
}

export type ServiceState = 'ready' | 'failed' | 'deploying' | 'unknown';

export interface TrafficTarget {
  type: 'LATEST' | 'REVISION';
  revision?: string;
  percent: number;
  tag?: string;
  uri?: string;
}

export interface CloudRunService {
  name: string;
  id: string;
  region: string;
  uri?: string;
  state: ServiceState;
  /** The terminal condition's message when not ready. */
  message?: string;
  labels: Record<string, string>;
  image?: string;
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  traffic: TrafficTarget[];
  /** What traffic really goes where (trafficStatuses). */
  trafficStatuses: TrafficTarget[];
  reconciling: boolean;
  createTime?: Date;
  updateTime?: Date;
  etag?: string;
  /** Env vars of the first container (MODEL_NAME etc.). */
  env: Record<string, string>;
  invokerIamDisabled?: boolean;
}

export interface Revision {
  name: string;
  id: string;
  service: string;
  state: ServiceState;
  message?: string;
  image?: string;
  createTime?: Date;
  generation?: string;
  labels: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

// Said in resourceNames.ts; re-exported for the many importers of domain (they move over time).
export { idOf, regionOf } from './resourceNames';
