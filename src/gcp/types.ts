/**
 * The small interfaces features use. Implementations over the official clients live beside this
 * file; unit tests use in-memory fakes of these interfaces, integration tests the emulator.
 */
import type { CloudRunService, ModelVersion, Page, RegisteredModel, Revision, TrainingRun } from '../serving/domain';

export interface PageRequest {
  pageSize: number;
  pageToken?: string;
  /** Vertex AI list filter (`state="PIPELINE_STATE_FAILED"`, `labels.k="v"`, `display_name="x"`). */
  filter?: string;
}

export interface VertexApi {
  listPipelineRuns(region: string, page: PageRequest): Promise<Page<TrainingRun>>;
  listCustomJobRuns(region: string, page: PageRequest): Promise<Page<TrainingRun>>;
  getPipelineRun(name: string): Promise<TrainingRun>;
  listModels(region: string, page: PageRequest): Promise<Page<RegisteredModel>>;
  listModelVersions(modelName: string): Promise<ModelVersion[]>;
  uploadModel(region: string, req: UploadModelRequest, signal?: AbortSignal): Promise<ModelVersion>;
}

export interface UploadModelRequest {
  displayName: string;
  artifactUri: string;
  labels: Record<string, string>;
  containerImage: string;
  /** A new version of this model (projects/P/locations/R/models/ID) instead of a new model. */
  parentModel?: string;
  description?: string;
}

export interface RunApi {
  listServices(region: string): Promise<CloudRunService[]>;
  getService(name: string): Promise<CloudRunService | undefined>;
  listRevisions(serviceName: string): Promise<Revision[]>;
}
