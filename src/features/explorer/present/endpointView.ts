import { deployedModelContext, endpointContext, NodeKind } from '../../../common/contextValues';
import { endpointConsoleUrl, type DeployedModelInfo, type VertexEndpoint } from '../../../serving/endpoints/types';
import { labelTable, md } from './format';
import type { ItemView } from './item';
import { idOf } from '../../../serving/resourceNames';

export function endpointsGroupView(count?: number): ItemView {
  return {
    label: 'Vertex AI endpoints', description: count === undefined ? '' : `${count}`, icon: { id: 'server-environment' },
    contextValue: NodeKind.endpointsGroup, tooltip: 'Vertex AI online prediction endpoints in the selected regions', collapsible: 'collapsed',
  };
}

const ready = (d: DeployedModelInfo) => d.availableReplicas > 0;

export function acceleratorText(d: Pick<DeployedModelInfo, 'acceleratorType' | 'acceleratorCount'>): string {
  if (!d.acceleratorType) return '';
  const name = d.acceleratorType.replace(/^NVIDIA_(TESLA_)?/, 'NVIDIA ').replace(/_/g, ' ');
  return `${d.acceleratorCount ?? 1}× ${name}`;
}

export function endpointView(e: VertexEndpoint, project: string, opts: { busy?: string } = {}): ItemView {
  const n = e.deployedModels.length;
  const allReady = e.deployedModels.every(ready);
  const state = opts.busy ? opts.busy : n === 0 ? 'no models deployed' : allReady ? `${n} deployed model${n === 1 ? '' : 's'}` : 'not ready';
  return {
    label: e.displayName || e.id,
    description: [state, e.region].join(' · '),
    icon: opts.busy ? { id: 'loading~spin' } : n === 0 ? { id: 'circle-outline' } : allReady ? { id: 'pass-filled', color: 'testing.iconPassed' } : { id: 'warning', color: 'list.warningForeground' },
    contextValue: endpointContext(n),
    tooltip: [
      `**${md(e.displayName)}** (Vertex AI endpoint)`,
      `Resource: \`${e.name}\``,
      `Traffic: ${Object.entries(e.trafficSplit).map(([id, p]) => `${md(e.deployedModels.find(d => d.id === id)?.displayName ?? id)} ${p}%`).join(', ') || 'none'}`,
      `[Open in Cloud Console](${endpointConsoleUrl(e, project)})`,
      labelTable(e.labels),
    ].join('\n\n'),
    collapsible: n ? 'collapsed' : 'none',
  };
}

export function deployedModelView(e: VertexEndpoint, d: DeployedModelInfo): ItemView {
  const percent = e.trafficSplit[d.id] ?? 0;
  const withTraffic = Object.values(e.trafficSplit).filter(p => p > 0).length;
  const machine = [d.machineType, acceleratorText(d)].filter(Boolean).join(' + ');
  const replicas = d.minReplicas === d.maxReplicas ? `${d.minReplicas} replica${d.minReplicas === 1 ? '' : 's'}` : `${d.minReplicas}–${d.maxReplicas} replicas`;
  return {
    label: `${d.displayName || idOf(d.model)} v${d.modelVersionId}`,
    description: [`${percent}%`, machine, replicas, ready(d) ? '' : 'not ready'].filter(Boolean).join(' · '),
    icon: !ready(d) ? { id: 'warning', color: 'list.warningForeground' } : percent > 0 ? { id: 'cloud', color: 'charts.green' } : { id: 'cloud' },
    contextValue: deployedModelContext(percent, percent > 0 && withTraffic === 1),
    tooltip: [
      `**${md(d.displayName)}** deployed to ${md(e.displayName)}`,
      `Model: \`${d.model}\` version ${d.modelVersionId}`,
      `Deployed model id: \`${d.id}\``,
      `Traffic: ${percent}%`,
      `Machine: ${machine}; replicas ${d.minReplicas}–${d.maxReplicas} (${d.availableReplicas} available)`,
    ].join('\n\n'),
    collapsible: 'none',
  };
}
