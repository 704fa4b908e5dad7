import { NodeKind } from '../../../common/contextValues';
import type { CloudRunService, ModelVersion, RegisteredModel } from '../../../serving/domain';
import { age, labelTable, md } from './format';
import type { ItemView } from './item';

export function modelView(m: RegisteredModel, now = Date.now()): ItemView {
  const type = m.labels.model_type;
  return {
    label: m.displayName,
    description: [type, `updated ${age(m.updateTime ?? m.createTime, now)}`].filter(Boolean).join(' · '),
    icon: { id: 'symbol-class' },
    contextValue: NodeKind.model,
    tooltip: `**${md(m.displayName)}**\n\nResource: \`${m.name}\`\n\n${labelTable(m.labels)}`,
    collapsible: 'collapsed',
  };
}

export function modelVersionView(v: ModelVersion, servedBy: CloudRunService[] = [], now = Date.now(), onEndpoints: string[] = []): ItemView {
  // Cloud Run services by id, then Vertex AI endpoints as "endpoint X 90%".
  const served = [...servedBy.map(s => s.id), ...onEndpoints];
  const desc = [
    v.aliases.length ? v.aliases.map(a => `@${a}`).join(' ') : '',
    v.labels.recall_at_100 ? `recall@100 ${v.labels.recall_at_100.replace('_', '.')}` : '',
    v.labels.is_blessed === 'true' ? 'blessed' : '',
    served.length ? `serving: ${served.join(', ')}` : '',
    age(v.createTime, now),
  ].filter(Boolean);
  return {
    label: `v${v.versionId}`,
    description: desc.join(' · '),
    icon: served.length ? { id: 'cloud', color: 'charts.green' } : { id: 'versions' },
    contextValue: `${NodeKind.modelVersion}${served.length ? '.serving' : ''}`,
    tooltip: [
      `**${md(v.displayName)}** version ${v.versionId}`,
      v.aliases.length ? `Aliases: ${v.aliases.map(a => `\`${a}\``).join(', ')}` : '',
      `Artifact: \`${v.artifactUri || '-'}\``,
      `Serving container: \`${v.containerImage ?? '-'}\``,
      `Created: ${v.createTime?.toISOString() ?? '-'}`,
      served.length ? `Served by: ${served.map(s => `\`${s}\``).join(', ')}` : 'Not deployed by ML Serving',
      labelTable(v.labels),
    ].filter(Boolean).join('\n\n'),
    collapsible: 'none',
  };
}

/** What a user recognises an existing model by, beside its name: its type, default version and age. */
export function existingModelDescription(m: RegisteredModel, now = Date.now()): string {
  const d = m.defaultVersion;
  return [
    'new version',
    m.labels.model_type,
    d?.versionId ? `default v${d.versionId}${d.aliases.length ? ` ${d.aliases.map(a => `@${a}`).join(' ')}` : ''}` : '',
    `updated ${age(m.updateTime ?? m.createTime, now)}`,
  ].filter(Boolean).join(' · ');
}
