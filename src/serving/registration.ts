/**
 * Labels for a model registered from a training run: what ML teams filter on in the registry
 * (training_run_id, model_type, is_blessed, metrics such as recall_at_100), made valid labels.
 */
import type { TrainingRun } from './domain';
import { sanitizeLabels, sanitizeLabelValue } from './labels';
import { isBlessed } from './vertex/artifacts';

export function registrationLabels(run: TrainingRun): Record<string, string> {
  const raw: Record<string, string | number | boolean | undefined> = {};
  // Run labels first, so the derived ones below win.
  for (const [k, v] of Object.entries(run.labels)) raw[k] = v;
  raw.training_run_id = run.id;
  if (run.labels.model_type) raw.model_type = run.labels.model_type;
  const blessed = isBlessed(run.artifacts);
  if (blessed !== undefined) raw.is_blessed = blessed;
  for (const a of run.artifacts) {
    if (a.type !== 'tfx.ModelEvaluation') continue;
    for (const [k, v] of Object.entries(a.metadata)) if (typeof v === 'number') raw[k] = formatMetric(v);
  }
  raw['registered-by'] = 'ml-serving';
  return sanitizeLabels(raw);
}

/** 0.4213 → "0_4213" (dots are not allowed in label values). */
export function formatMetric(v: number): string {
  return sanitizeLabelValue(String(Math.round(v * 10000) / 10000));
}

/** A display name for a new model: the pipeline's name, else the run's. */
export function defaultModelName(run: TrainingRun): string {
  return (run.pipelineName || run.displayName).slice(0, 128);
}
