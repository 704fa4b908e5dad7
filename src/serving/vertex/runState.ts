import type { RunState } from '../domain';

/** PIPELINE_STATE_* and JOB_STATE_* (names or enum numbers) → the product's run state. */
export function runStateOf(raw: string | number | null | undefined): { state: RunState; rawState: string } {
  const name = typeof raw === 'number' ? (PIPELINE_STATE_NAMES[raw] ?? String(raw)) : String(raw ?? '');
  const s = name.replace(/^(PIPELINE|JOB)_STATE_/, '');
  const map: Record<string, RunState> = {
    QUEUED: 'pending', PENDING: 'pending', PAUSED: 'pending', UPDATING: 'running',
    RUNNING: 'running', CANCELLING: 'running', SUCCEEDED: 'succeeded', PARTIALLY_SUCCEEDED: 'succeeded',
    FAILED: 'failed', EXPIRED: 'failed', CANCELLED: 'cancelled',
  };
  return { state: map[s] ?? 'unknown', rawState: name };
}

// google.cloud.aiplatform.v1.PipelineState enum order (LRO results carry numbers, not names).
const PIPELINE_STATE_NAMES: Record<number, string> = {
  0: 'PIPELINE_STATE_UNSPECIFIED', 1: 'PIPELINE_STATE_QUEUED', 2: 'PIPELINE_STATE_PENDING', 3: 'PIPELINE_STATE_RUNNING',
  4: 'PIPELINE_STATE_SUCCEEDED', 5: 'PIPELINE_STATE_FAILED', 6: 'PIPELINE_STATE_CANCELLING',
  7: 'PIPELINE_STATE_CANCELLED', 8: 'PIPELINE_STATE_PAUSED',
};
