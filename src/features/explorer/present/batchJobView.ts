/** A batch job as a tree row: state, progress, duration, errors (no vscode import: unit-tested). */
import { batchJobContext, BatchNodeKind } from '../../../common/contextValues';
import { isRunning, progressText, stateLabel, type BatchJob } from '../../../serving/batch/job';
import { duration, md } from './format';
import type { ItemView } from './item';

const ICONS: Record<BatchJob['state'], { id: string; color?: string }> = {
  queued: { id: 'clock' }, pending: { id: 'clock' }, running: { id: 'sync~spin' }, cancelling: { id: 'sync~spin' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' }, partiallySucceeded: { id: 'warning', color: 'list.warningForeground' },
  failed: { id: 'error', color: 'list.errorForeground' }, cancelled: { id: 'circle-slash' }, other: { id: 'question' },
};

export function batchJobView(j: BatchJob, now = Date.now()): ItemView {
  const started = j.startTime ?? (isRunning(j) ? undefined : j.createTime);
  const took = duration(started, j.endTime, now);
  const description = [stateLabel(j.state), progressText(j), took].filter(Boolean).join(' · ');
  const tip = [
    `**${md(j.displayName)}** — ${stateLabel(j.state)} (\`${j.rawState}\`)`, '',
    `- model: \`${j.model}\``,
    `- input: ${j.inputUris.map(u => `\`${u}\``).join(', ')}`,
    `- output: \`${j.outputDirectory ?? j.outputPrefix ?? ''}\``,
    `- machine: ${j.machineType ?? '?'}, replicas ${j.startingReplicaCount ?? '?'}–${j.maxReplicaCount ?? '?'}`,
    `- predictions: ${j.successful} done, ${j.failed} failed, ${j.incomplete} not done`,
    took ? `- duration: ${took}` : '',
    j.error ? `\n**Error:** ${md(j.error)}` : '',
    ...j.partialFailures.slice(0, 5).map(p => `- partial failure: ${md(p)}`),
  ].filter(Boolean);
  return { label: j.displayName, description, icon: ICONS[j.state], contextValue: batchJobContext(j.state), tooltip: tip.join('\n'), collapsible: 'none' };
}

export function batchJobsView(jobs: BatchJob[] | undefined): ItemView {
  const running = (jobs ?? []).filter(isRunning).length;
  return {
    label: 'Batch Jobs', description: running ? `${running} running` : jobs ? String(jobs.length) : '',
    icon: { id: 'layers' }, contextValue: BatchNodeKind.jobs, collapsible: 'collapsed',
    tooltip: 'Vertex AI batch prediction jobs. Right-click a model version → **Batch Predict** to start one.',
  };
}
