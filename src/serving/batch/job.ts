/** A Vertex AI batch prediction job as the extension shows it (no vscode, no client types). */

export type BatchJobState = 'queued' | 'pending' | 'running' | 'succeeded' | 'partiallySucceeded' | 'failed' | 'cancelling' | 'cancelled' | 'other';

export interface BatchJob {
  /** projects/P/locations/R/batchPredictionJobs/ID */
  name: string;
  id: string;
  region: string;
  displayName: string;
  /** The Model resource (with @VERSION when one was named). */
  model: string;
  modelVersionId?: string;
  state: BatchJobState;
  /** Vertex's enum name, for tooltips. */
  rawState: string;
  inputUris: string[];
  outputPrefix?: string;
  /** The folder the job writes into (known once the job is created); `bq://PROJECT.DATASET` for BigQuery output. */
  outputDirectory?: string;
  /** The predictions table in that dataset (BigQuery output only). */
  outputTable?: string;
  machineType?: string;
  startingReplicaCount?: number;
  maxReplicaCount?: number;
  successful: number;
  failed: number;
  incomplete: number;
  error?: string;
  partialFailures: string[];
  createTime?: Date;
  startTime?: Date;
  endTime?: Date;
}

const STATES: Record<string, BatchJobState> = {
  JOB_STATE_QUEUED: 'queued', JOB_STATE_PENDING: 'pending', JOB_STATE_RUNNING: 'running',
  JOB_STATE_SUCCEEDED: 'succeeded', JOB_STATE_PARTIALLY_SUCCEEDED: 'partiallySucceeded', JOB_STATE_FAILED: 'failed',
  JOB_STATE_CANCELLING: 'cancelling', JOB_STATE_CANCELLED: 'cancelled',
};

export function batchJobState(raw: unknown): BatchJobState {
  return STATES[String(raw)] ?? 'other';
}

export function isRunning(j: Pick<BatchJob, 'state'>): boolean {
  return j.state === 'queued' || j.state === 'pending' || j.state === 'running' || j.state === 'cancelling';
}

/** Finished with an output folder that may hold predictions. */
export function hasOutput(j: Pick<BatchJob, 'state' | 'outputDirectory'>): boolean {
  return Boolean(j.outputDirectory) && (j.state === 'succeeded' || j.state === 'partiallySucceeded' || j.state === 'failed' || j.state === 'cancelled');
}

const LABELS: Record<BatchJobState, string> = {
  queued: 'Queued', pending: 'Pending', running: 'Running', succeeded: 'Succeeded', partiallySucceeded: 'Partially succeeded',
  failed: 'Failed', cancelling: 'Cancelling', cancelled: 'Cancelled', other: 'Unknown',
};

export function stateLabel(s: BatchJobState): string {
  return LABELS[s];
}

/** "600 done, 2 failed" (and the rest still to do while it runs). */
export function progressText(j: Pick<BatchJob, 'successful' | 'failed' | 'incomplete'>): string {
  const parts = [`${j.successful} done`];
  if (j.failed) parts.push(`${j.failed} failed`);
  if (j.incomplete) parts.push(`${j.incomplete} left`);
  return parts.join(', ');
}
