/** VertexApi over the official Vertex AI clients. */
import { abortable } from '../common/abortable';
import type { GcpClients } from './clients';
import { isRetryable, waitForOperation, withRetry, type OperationLike } from './retry';
import { toCustomJobRun, toModelVersion, toPipelineRun, toRegisteredModel } from './normalize';
import type { ModelVersion } from '../serving/domain';
import type { PageRequest, UploadModelRequest, VertexApi } from './types';

type Json = Record<string, any>;
const parentOf = (project: string, region: string) => `projects/${project}/locations/${region}`;
/** A protobuf Timestamp ({seconds, nanos}), a Date or an RFC 3339 string → epoch ms (0 when absent). */
function toMs(t: unknown): number {
  if (!t) return 0;
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'string') return Date.parse(t) || 0;
  const o = t as { seconds?: unknown; nanos?: unknown };
  return Number(String(o.seconds ?? 0)) * 1000 + Number(o.nanos ?? 0) / 1e6;
}

export function vertexApi(clients: GcpClients): VertexApi {
  const project = clients.projectId;
  // autoPaginate:false returns [items, nextRequest, rawResponse]: one page per call.
  const page = (p: PageRequest) => ({ pageSize: p.pageSize, pageToken: p.pageToken || undefined, filter: p.filter || undefined });
  const next = (res: Json | undefined) => (res?.nextPageToken ? String(res.nextPageToken) : undefined);

  /**
   * The version an earlier attempt of this upload created: same artifact folder, created since the
   * first attempt started. Uploads still importing in that scope (the model, or the region for a
   * new model) are waited for first, so a version being made is not made twice.
   */
  async function findUpload(region: string, req: UploadModelRequest, since: number, signal?: AbortSignal): Promise<ModelVersion | undefined> {
    const models = clients.vertex(region).models;
    const parent = parentOf(project, region);
    // Clock skew between this machine and Google's: a minute of slack.
    const after = since - 60_000;
    const look = async () => {
      const candidates: Json[] = req.parentModel
        ? (await withRetry(() => models.listModelVersions({ name: req.parentModel }), { signal }))[0] as Json[]
        : (await withRetry(() => models.listModels({ parent, filter: `display_name=${JSON.stringify(req.displayName)}` }, { autoPaginate: false }), { signal }))[0] as Json[];
      const made = candidates.find(m => m.artifactUri === req.artifactUri && toMs(m.versionCreateTime ?? m.createTime) >= after);
      return made && toModelVersion(made);
    };
    const found = await look();
    if (found) return found;
    const operations = (models as unknown as { operationsClient: { listOperations(r: object): Promise<[Json[]]> } }).operationsClient;
    const [ops] = await withRetry(() => operations.listOperations({ name: req.parentModel || parent, filter: '' }), { signal });
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
      const startedAt = Date.now();
      let op: OperationLike<Json> | undefined;
      for (let attempt = 1; !op; attempt++) {
        try {
          [op] = await models.uploadModel(request) as unknown as [OperationLike<Json>];
        } catch (e) {
          if (!isRetryable(e) || attempt >= 4 || signal?.aborted) throw e;
          await abortable(new Promise(r => setTimeout(r, 250 * 2 ** (attempt - 1))), signal);
          const earlier = await findUpload(region, req, startedAt, signal);
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
