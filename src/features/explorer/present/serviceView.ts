import { revisionContext, serviceContext } from '../../../common/contextValues';
import type { CloudRunService, Revision, ServiceState } from '../../../serving/domain';
import { age, labelTable, md } from './format';
import type { ItemView } from './item';

export { SERVICE_LABELS } from '../../../serving/deploy/serviceLabels';
import { SERVICE_LABELS } from '../../../serving/deploy/serviceLabels';
import { revisionsWithTraffic } from '../../../serving/deploy/servingRevisions';
import { CANARY_TAG } from '../../../serving/deploy/traffic';
import { idOf } from '../../../serving/resourceNames';
import { trafficSummary } from '../../../serving/deploy/trafficSummary';

export { trafficSummary };

const ICONS: Record<ServiceState, { id: string; color?: string }> = {
  ready: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  deploying: { id: 'loading~spin' },
  unknown: { id: 'question' },
};

export function serviceView(s: CloudRunService, opts: { busy?: string } = {}): ItemView {
  const container = s.labels[SERVICE_LABELS.container];
  const model = s.labels[SERVICE_LABELS.modelDisplayName] ?? s.labels[SERVICE_LABELS.model];
  const version = s.labels[SERVICE_LABELS.modelVersion];
  const state: ServiceState = opts.busy ? 'deploying' : s.state;
  // A failed latest revision with an older one still taking traffic: the service still answers,
  // and its labels describe the failed attempt, not what serves.
  const stillServing = state === 'failed' ? revisionsWithTraffic(s).map(idOf) : [];
  const modelText = model ? `${model}${version ? ` v${version}` : ''}` : '';
  const description = stillServing.length
    ? ['latest revision failed', `serving ${stillServing.join(', ')}`, s.uri ?? '']
    : [opts.busy ?? (state === 'deploying' ? 'Deploying…' : state === 'failed' ? 'failed' : ''), modelText, container, s.uri ?? ''];
  return {
    label: s.id,
    description: description.filter(Boolean).join(' · '),
    icon: stillServing.length ? { id: 'warning', color: 'list.warningForeground' } : ICONS[state],
    contextValue: serviceContext(state),
    tooltip: [
      `**${md(s.id)}** (${s.region})`,
      `URL: ${s.uri ?? '-'}`,
      `State: ${state}${s.message ? ` — ${md(s.message)}` : ''}`,
      stillServing.length ? `Still serving: ${stillServing.join(', ')} (the failed revision got no traffic)` : '',
      `Image: \`${s.image ?? '-'}\``,
      model ? `Model${stillServing.length ? ' of the failed revision' : ''}: \`${model}\`${version ? ` version ${version}` : ''}` : '',
      container ? `Container: ${container === 'python' ? 'Python server (custom ops)' : 'native TF Serving'}` : '',
      `Traffic: ${trafficSummary(s)}`,
      labelTable(s.labels),
    ].filter(Boolean).join('\n\n'),
    collapsible: 'collapsed',
  };
}

/** Percent of traffic a revision receives, and its tags. */
export function revisionTraffic(s: CloudRunService, rev: Revision): { percent: number; tags: string[] } {
  const t = s.trafficStatuses.length ? s.trafficStatuses : s.traffic;
  let percent = 0;
  const tags: string[] = [];
  for (const x of t) {
    const target = x.type === 'LATEST' ? s.latestReadyRevision : x.revision;
    if (!target || idOf(target) !== rev.id) continue;
    percent += x.percent;
    if (x.tag) tags.push(x.tag);
  }
  return { percent, tags };
}

export function revisionView(s: CloudRunService, r: Revision, now = Date.now()): ItemView {
  const { percent, tags } = revisionTraffic(s, r);
  return {
    label: r.id,
    description: [`${percent}%`, ...tags.map(t => `#${t}`), r.state === 'ready' ? '' : r.state, age(r.createTime, now)].filter(Boolean).join(' · '),
    icon: r.state === 'failed' ? { id: 'error', color: 'testing.iconFailed' } : percent > 0 ? { id: 'circle-filled', color: 'charts.green' } : { id: 'circle-outline' },
    contextValue: revisionContext(r.state, percent, tags.includes(CANARY_TAG)),
    tooltip: [`**${md(r.id)}**`, `Traffic: ${percent}%${tags.length ? ` (tags ${tags.join(', ')})` : ''}`, `State: ${r.state}${r.message ? ` — ${md(r.message)}` : ''}`, `Image: \`${r.image ?? '-'}\``, `Created: ${r.createTime?.toISOString() ?? '-'}`].join('\n\n'),
    collapsible: 'none',
  };
}
