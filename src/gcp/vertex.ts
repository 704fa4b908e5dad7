/** VertexApi over the official Vertex AI clients. */
import { abortable } from './abortable';
import type { GcpClients } from './clients';
import { isRetryable, waitForOperation, withRetry, type OperationLike } from './retry';
import { toCustomJobRun, toModelVersion, toPipelineRun, toRegisteredModel } from './normalize';
import type { ModelVersion } from '../serving/domain';
import type { PageRequest, UploadModelRequest, VertexApi } from './types';

import type { ApiJson as Json } from '../serving/json';
import { regionOf } from '../serving/resourceNames';
const parentOf = (project: string, region: string) => `projects/${project}/locations/${region}`;

export function vertexApi(clients: GcpClients): VertexApi {
  const project = clients.projectId;
  // autoPaginate:false returns [items, nextRequest, rawResponse]: one page per call.
  const page = (p: PageRequest) => ({ pageSize: p.pageSize, pageToken: p.pageToken || undefined, filter: p.filter || undefined });
  const next = (res: Json | undefined) => (res?.nextPageToken ? String(res.nextPageToken) : undefined);

  /** The versions an upload of `req` would sit among: the model's, or the models of that display name. */
  async function uploadTargets(region: string, req: UploadModelRequest, signal?: AbortSignal): Promise<Json[]> {
    const models = clients.vertex(region).models;
    if (req.parentModel) return (await withRetry(() => models.listModelVersions({ name: req.parentModel }), { signal }))[0] as Json[];
    const filter = `display_name=${JSON.stringify(req.displayName)}`;
    return (await withRetry(() => models.listModels({ parent: parentOf(project, region), filter }, { autoPaginate: false }), { signal }))[0] as Json[];
  }

  const versionKey = (m: Json) => `${m.name}@${m.versionId}`;

  /**
   * The version an earlier attempt of this upload created: one with the same artifact folder that
   * was not there before the first attempt (`before`). Uploads still importing in that scope (the
   * model, or the region for a new model) are waited for first, so a version being made is not
   * made twice.
   */
  async function findUpload(region: string, req: UploadModelRequest, before: Set<string>, signal?: AbortSignal): Promise<ModelVersion | undefined> {
    const models = clients.vertex(region).models;
    const look = async () => {
      const made = (await uploadTargets(region, req, signal)).find(m => m.artifactUri === req.artifactUri && !before.has(versionKey(m)));
      return made && toModelVersion(made);
    };
    const found = await look();
    if (found) return found;
    const operations = (models as unknown as { operationsClient: { listOperations(r: object): Promise<[Json[]]> } }).operationsClient;
    const [ops] = await withRetry(() => operations.listOperations({ name: req.parentModel || parentOf(project, region), filter: '' }), { signal });
    const uploading = (ops ?? []).filter(o => !o.done && String(o.metadata?.typeUrl ?? o.metadata?.type_url ?? '').endsWith('UploadModelOperationMetadata'));
    if (!uploading.length) return undefined;
    for (const o of uploading) {
      const running = await withRetry(() => models.checkUploadModelProgress(String(o.name)), { signal }) as unknown as OperationLike<Json>;
      await waitForOperation(running, { signal }).catch(() => undefined);
    }
    return look();
  }

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
      const region = regionOf(name);
      const [job] = await clients.vertex(region).pipelines.getPipelineJob({ name });
      return toPipelineRun(job as Json);
    },
    async listModels(region, p) {
      const [items, , raw] = await clients.vertex(region).models.listModels({ parent: parentOf(project, region), ...page(p), orderBy: 'create_time desc' }, { autoPaginate: false });
      return { items: (items as Json[]).map(toRegisteredModel), nextPageToken: next(raw as Json) };
    },
    async listModelVersions(modelName) {
      const region = regionOf(modelName);
      const [items] = await clients.vertex(region).models.listModelVersions({ name: modelName });
      return (items as Json[]).map(toModelVersion).sort((a, b) => Number(b.versionId) - Number(a.versionId));
    },
    async uploadModel(region, req: UploadModelRequest, signal) {
      const models = clients.vertex(region).models;
      const parent = parentOf(project, region);
      const request = {
        parent,
        parentModel: req.parentModel || undefined,
        model: {
          displayName: req.displayName, artifactUri: req.artifactUri, labels: req.labels, description: req.description,
          containerSpec: { imageUri: req.containerImage, ports: [{ containerPort: 8501 }], predictRoute: '/v1/models/model:predict', healthRoute: '/v1/models/model' },
        },
      };
      // An upload that failed with UNAVAILABLE may have been carried out (the answer was lost):
      // before sending it again, look for the version it made (waiting for imports in flight).
      let before: Set<string> | undefined;
      let op: OperationLike<Json> | undefined;
      for (let attempt = 1; !op; attempt++) {
        try {
          // What is there already, so a version an earlier attempt made can be told apart.
          before ??= new Set((await uploadTargets(region, req, signal)).map(versionKey));
          [op] = await models.uploadModel(request) as unknown as [OperationLike<Json>];
        } catch (e) {
          if (!isRetryable(e) || attempt >= 4 || signal?.aborted) throw e;
          await abortable(new Promise(r => setTimeout(r, 250 * 2 ** (attempt - 1))), signal);
          const earlier = await findUpload(region, req, before ?? new Set(), signal);
          if (earlier) return earlier;
        }
      }
      const response = await waitForOperation<Json>(op, { signal });
      const name = `${response.model}`;
      const versionId = String(response.modelVersionId || '1');
      const [model] = await withRetry(() => models.getModel({ name: `${name}@${versionId}` }), { signal });
      return toModelVersion(model as Json);
    },
  };
}
