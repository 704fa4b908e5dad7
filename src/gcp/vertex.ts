/** VertexApi over the official Vertex AI clients. */
import { abortable } from '../common/abortable';
import type { GcpClients } from './clients';
import { withRetry } from './retry';
import { toCustomJobRun, toModelVersion, toPipelineRun, toRegisteredModel } from './normalize';
import type { PageRequest, UploadModelRequest, VertexApi } from './types';

type Json = Record<string, any>;
const parentOf = (project: string, region: string) => `projects/${project}/locations/${region}`;

export function vertexApi(clients: GcpClients): VertexApi {
  const project = clients.projectId;
  // autoPaginate:false returns [items, nextRequest, rawResponse]: one page per call.
  const page = (p: PageRequest) => ({ pageSize: p.pageSize, pageToken: p.pageToken || undefined, filter: p.filter || undefined });
  const next = (res: Json | undefined) => (res?.nextPageToken ? String(res.nextPageToken) : undefined);

  return {
    async listPipelineRuns(region, p) {
      const [items, , raw] = await clients.vertex(region).pipelines.listPipelineJobs(
        { parent: parentOf(project, region), ...page(p), orderBy: 'create_time desc' }, { autoPaginate: false });
      return { items: (items as Json[]).map(toPipelineRun), nextPageToken: next(raw as Json) };
    },
    async listCustomJobRuns(region, p) {
      const [items, , raw] = await clients.vertex(region).jobs.listCustomJobs({ parent: parentOf(project, region), ...page(p) }, { autoPaginate: false });
      const runs = (items as Json[]).map(toCustomJobRun);
      return { items: runs, nextPageToken: next(raw as Json) };
    },
    async getPipelineRun(name) {
      const region = /\/locations\/([^/]+)/.exec(name)?.[1] ?? 'us-central1';
      const [job] = await clients.vertex(region).pipelines.getPipelineJob({ name });
      return toPipelineRun(job as Json);
    },
    async listModels(region, p) {
      const [items, , raw] = await clients.vertex(region).models.listModels({ parent: parentOf(project, region), ...page(p), orderBy: 'create_time desc' }, { autoPaginate: false });
      return { items: (items as Json[]).map(toRegisteredModel), nextPageToken: next(raw as Json) };
    },
    async listModelVersions(modelName) {
      const region = /\/locations\/([^/]+)/.exec(modelName)?.[1] ?? 'us-central1';
      const [items] = await clients.vertex(region).models.listModelVersions({ name: modelName });
      return (items as Json[]).map(toModelVersion).sort((a, b) => Number(b.versionId) - Number(a.versionId));
    },
    async uploadModel(region, req: UploadModelRequest, signal) {
      const models = clients.vertex(region).models;
      const [op] = await withRetry(() => models.uploadModel({
        parent: parentOf(project, region),
        parentModel: req.parentModel || undefined,
        model: {
          displayName: req.displayName, artifactUri: req.artifactUri, labels: req.labels, description: req.description,
          containerSpec: { imageUri: req.containerImage, ports: [{ containerPort: 8501 }], predictRoute: '/v1/models/model:predict', healthRoute: '/v1/models/model' },
        },
      }), { signal });
      const result = await abortable(op.promise(), signal);
      const response = result[0] as Json;
      const name = `${response.model}`;
      const versionId = String(response.modelVersionId || '1');
      const [model] = await models.getModel({ name: `${name}@${versionId}` });
      return toModelVersion(model as Json);
    },
  };
}
