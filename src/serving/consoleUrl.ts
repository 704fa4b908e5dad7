/** Cloud Console addresses of the resources the trees show. */
import { idOf, regionOf } from './domain';

const BASE = 'https://console.cloud.google.com';
const q = (project: string) => `?project=${encodeURIComponent(project)}`;

export function consoleUrl(kind: 'pipelineJob' | 'customJob' | 'model' | 'modelVersion' | 'service' | 'revision', name: string, project: string, extra?: { versionId?: string }): string {
  const region = regionOf(name);
  switch (kind) {
    case 'pipelineJob':
      return `${BASE}/vertex-ai/locations/${region}/pipelines/runs/${idOf(name)}${q(project)}`;
    case 'customJob':
      return `${BASE}/vertex-ai/locations/${region}/training/${idOf(name)}/cpu${q(project)}`;
    case 'model':
      return `${BASE}/vertex-ai/models/locations/${region}/models/${idOf(name.split('@')[0])}${q(project)}`;
    case 'modelVersion':
      return `${BASE}/vertex-ai/models/locations/${region}/models/${idOf(name.split('@')[0])}/versions/${extra?.versionId ?? name.split('@')[1] ?? '1'}${q(project)}`;
    case 'service':
      return `${BASE}/run/detail/${region}/${idOf(name)}/metrics${q(project)}`;
    case 'revision': {
      const service = /\/services\/([^/]+)/.exec(name)?.[1] ?? '';
      return `${BASE}/run/detail/${region}/${service}/revisions${q(project)}`;
    }
  }
}
