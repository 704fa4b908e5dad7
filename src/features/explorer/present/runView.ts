import { NodeKind, runContext } from '../../../common/contextValues';
import type { RunArtifact, RunState, TrainingRun } from '../../../serving/domain';
import { isBlessed, pushedDestination } from '../../../serving/vertex/artifacts';
import { age, duration, labelTable, md } from './format';
import type { ItemView } from './item';

const ICONS: Record<RunState, { id: string; color?: string }> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  pending: { id: 'clock', color: 'charts.yellow' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  unknown: { id: 'question' },
};

/**
 * What tells runs apart: every run of a pipeline has the pipeline's display name, and its id is
 * `<pipeline>-<yyyymmddhhmmss…>` (TFX on Vertex AI), so the label adds the id's time (or the rest
 * of the id when it is not a time).
 */
export function runLabel(run: TrainingRun): string {
  if (run.id === run.displayName) return run.displayName;
  const suffix = run.id.startsWith(`${run.displayName}-`) ? run.id.slice(run.displayName.length + 1) : '';
  const t = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d*$/.exec(suffix);
  if (t) return `${run.displayName} ${t[1]}-${t[2]}-${t[3]} ${t[4]}:${t[5]}:${t[6]}`;
  if (run.kind === 'pipeline') return `${run.displayName} (${suffix || run.id})`;
  return run.displayName;
}

/** "recsys-ranking 1795949202": the folder above pushed_model (or the last folder) and the version. */
export function pushedSummary(artifacts: RunArtifact[]): string | undefined {
  const a = artifacts.find(x => x.type === 'tfx.PushedModel' || x.type === 'model');
  if (!a) return undefined;
  const parts = pushedDestination(a).replace(/^gs:\/\/[^/]+\/?/, '').split('/').filter(Boolean);
  const version = /^\d+$/.test(parts[parts.length - 1] ?? '') ? parts.pop() : undefined;
  if (parts[parts.length - 1] === 'pushed_model' || parts[parts.length - 1] === 'serving_model_dir') parts.pop();
  const model = parts[parts.length - 1];
  return [model, version].filter(Boolean).join(' ') || undefined;
}

export function runView(run: TrainingRun, now = Date.now()): ItemView {
  const pushed = pushedSummary(run.artifacts);
  // The model type (a run label) tells a ranking run from a retrieval one before it is expanded.
  const parts = [run.kind === 'pipeline' ? 'pipeline' : 'custom job', run.state, pushed ? `pushed ${pushed}` : run.labels.model_type ?? '', age(run.createTime, now)];
  const d = duration(run.startTime, run.endTime, now);
  if (d) parts.push(d);
  const tip = [
    `**${md(run.displayName)}** (${run.kind === 'pipeline' ? 'pipeline job' : 'custom job'})`,
    '',
    `State: \`${run.rawState}\``,
    run.pipelineName ? `Pipeline: \`${run.pipelineName}\`` : '',
    `Created: ${run.createTime?.toISOString() ?? '-'}`,
    d ? `Duration: ${d}` : '',
    `Resource: \`${run.name}\``,
    run.error ? `\n**Error:** ${md(run.error)}` : '',
    '',
    labelTable(run.labels),
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '');
  return {
    label: runLabel(run),
    description: parts.filter(Boolean).join(' · '),
    icon: ICONS[run.state],
    contextValue: runContext(run.kind, run.state),
    tooltip: tip.join('\n\n'),
    // A failed run expands to its error.
    collapsible: run.state === 'succeeded' || run.state === 'failed' || run.artifacts.length ? 'collapsed' : 'none',
  };
}

/** The child rows of a failed run: its error (first line as the label, all of it in the tooltip). */
export function runErrorView(run: TrainingRun): ItemView {
  const text = run.error?.trim() || `the run ended in ${run.rawState} without an error message`;
  const first = text.split('\n')[0];
  return {
    label: first.length > 120 ? `${first.slice(0, 119)}…` : first,
    icon: { id: 'error', color: 'testing.iconFailed' },
    contextValue: NodeKind.info,
    tooltip: `**Error of ${md(run.id)}**\n\n${md(text)}`,
    collapsible: 'none',
  };
}

export function artifactView(a: RunArtifact): ItemView {
  if (a.type === 'tfx.PushedModel' || a.type === 'model') {
    const dest = pushedDestination(a);
    const version = typeof a.metadata.pushed_version === 'string' || typeof a.metadata.pushed_version === 'number' ? String(a.metadata.pushed_version) : versionFromUri(dest);
    return {
      label: 'Pushed model', description: `${dest}${version ? ` (version ${version})` : ''}`, icon: { id: 'package' },
      contextValue: NodeKind.pushedModel, tooltip: `**Pushed model**\n\n\`${dest}\`\n\n${Object.keys(a.metadata).length ? '```json\n' + JSON.stringify(a.metadata, null, 2) + '\n```' : ''}`,
      collapsible: 'none',
    };
  }
  if (a.type === 'tfx.ModelBlessing') {
    const blessed = isBlessed([a]);
    return {
      label: blessed ? 'Blessed' : blessed === false ? 'Not blessed' : 'Blessing', description: a.uri,
      icon: blessed ? { id: 'verified', color: 'testing.iconPassed' } : { id: 'unverified' }, contextValue: NodeKind.artifact, tooltip: `\`${a.uri}\``, collapsible: 'none',
    };
  }
  if (a.type === 'tfx.ModelEvaluation') {
    const metrics = Object.entries(a.metadata).filter(([, v]) => typeof v === 'number');
    return {
      label: 'Evaluation', description: metrics.map(([k, v]) => `${k}=${round(v as number)}`).join(', ') || a.uri,
      icon: { id: 'graph' }, contextValue: NodeKind.artifact, tooltip: `\`${a.uri}\`\n\n${metrics.map(([k, v]) => `- ${md(k)}: ${v}`).join('\n')}`, collapsible: 'none',
    };
  }
  return { label: a.type, description: a.uri, icon: { id: 'file' }, contextValue: NodeKind.artifact, tooltip: `\`${a.uri}\``, collapsible: 'none' };
}

/** The artifacts worth showing under a run, in a fixed order. */
export function visibleArtifacts(artifacts: RunArtifact[]): RunArtifact[] {
  const order = ['tfx.PushedModel', 'model', 'tfx.ModelBlessing', 'tfx.ModelEvaluation'];
  return artifacts.filter(a => order.includes(a.type)).sort((x, y) => order.indexOf(x.type) - order.indexOf(y.type));
}

function versionFromUri(uri: string): string | undefined {
  return /\/(\d+)\/?$/.exec(uri)?.[1];
}

function round(v: number): string {
  return Math.abs(v) < 1000 ? String(Math.round(v * 10000) / 10000) : String(Math.round(v));
}
