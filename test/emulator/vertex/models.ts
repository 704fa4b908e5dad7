/** google.cloud.aiplatform.v1.ModelService: ListModels, GetModel, ListModelVersions, UploadModel, DeleteModel. */
import * as grpc from '@grpc/grpc-js';
import { failedPrecondition, invalidArgument } from '../errors';
import { CallContext, unary } from '../grpcServer';
import type { OperationStore } from '../lro';
import { orderBy, paginate } from '../paging';
import { compileResourceFilter, ResourceSchema } from '../filter/resource';
import { nowTimestamp, timestampMs } from '../time';
import { Proto, RegisteredModel, VertexStore, checkLabels, checkParent } from './store';

const M = 'google.cloud.aiplatform.v1.ModelService.';
const V1 = 'google.cloud.aiplatform.v1.';

const modelSchema: ResourceSchema<Proto> = {
  fields: {
    model: { type: 'string', get: m => m.name.split('/').pop() },
    display_name: { type: 'string', get: m => m.displayName },
    base_model_name: { type: 'string', get: () => undefined },
    create_time: { type: 'time', get: m => timestampMs(m.createTime) },
    update_time: { type: 'time', get: m => timestampMs(m.updateTime) },
  },
  labels: m => m.labels,
};
const versionSchema: ResourceSchema<Proto> = {
  fields: {
    version_id: { type: 'string', get: m => m.versionId },
    create_time: { type: 'time', get: m => timestampMs(m.versionCreateTime) },
    update_time: { type: 'time', get: m => timestampMs(m.versionUpdateTime) },
  },
  labels: m => m.labels,
};
const timeKeys = {
  create_time: (m: Proto) => timestampMs(m.createTime),
  update_time: (m: Proto) => timestampMs(m.updateTime),
};

/** Alias rules of the Model Registry: `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]`, and not a number. */
function checkAliases(aliases: string[] | undefined): void {
  for (const a of aliases ?? []) {
    if (!/^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/.test(a)) throw invalidArgument(`model.version_aliases: invalid alias "${a}" (start with a lowercase letter, then letters, digits or "-", end with a lowercase letter or digit)`);
  }
}

export interface ModelServiceOptions {
  /** How long UploadModel / DeleteModel operations take. */
  operationMs: number;
}

export function modelService(ctx: CallContext, store: VertexStore, ops: OperationStore, opts: ModelServiceOptions): grpc.UntypedServiceImplementation {
  let opSeq = 0;
  const genericMetadata = (createTime: object) => ({ genericMetadata: { createTime, updateTime: nowTimestamp() } });

  return {
    listModels: unary<any, object>(ctx, M + 'ListModels', req => {
      const parent = checkParent(req.parent);
      const match = compileResourceFilter(req.filter, modelSchema);
      const all = [...store.models.values()].filter(m => m.name.startsWith(parent + '/')).map(m => store.defaultVersion(m)).filter(match);
      const sorted = orderBy(all, req.orderBy, { display_name: m => m.displayName ?? '', ...timeKeys }, 'create_time');
      const { page, nextPageToken } = paginate(sorted, req, `${parent}|${req.filter ?? ''}|${req.orderBy ?? ''}`);
      return { models: page, nextPageToken };
    }),

    getModel: unary<any, object>(ctx, M + 'GetModel', req => store.resolve(req.name).version),

    listModelVersions: unary<any, object>(ctx, M + 'ListModelVersions', req => {
      const { model } = store.resolve(String(req.name ?? '').split('@')[0]);
      const match = compileResourceFilter(req.filter, versionSchema);
      const sorted = orderBy(model.versions.filter(match), req.orderBy, {
        create_time: m => timestampMs(m.versionCreateTime), update_time: m => timestampMs(m.versionUpdateTime),
      });
      const { page, nextPageToken } = paginate(sorted, req, `${model.name}|${req.filter ?? ''}|${req.orderBy ?? ''}`);
      return { models: page, nextPageToken };
    }),

    uploadModel: unary<any, object>(ctx, M + 'UploadModel', req => {
      const parent = checkParent(req.parent);
      const m: Proto | undefined = req.model;
      if (!m) throw invalidArgument('model: required');
      if (!m.displayName) throw invalidArgument('model.display_name: required');
      if (m.displayName.length > 128) throw invalidArgument('model.display_name: at most 128 characters');
      if (m.artifactUri && !/^gs:\/\/[a-z0-9][a-z0-9._-]+[a-z0-9](\/.*)?$/.test(m.artifactUri)) throw invalidArgument(`model.artifact_uri: expected a gs:// URI, got "${m.artifactUri}"`);
      checkLabels(m.labels, 'model.labels');
      checkAliases(m.versionAliases);
      let existing: RegisteredModel | undefined;
      if (req.parentModel) {
        existing = store.resolve(req.parentModel).model;
        if (!existing.name.startsWith(parent + '/')) throw invalidArgument(`parent_model: "${req.parentModel}" is not in ${parent}`);
      } else if (req.modelId) {
        if (!/^[a-z_][a-z0-9_-]{0,62}$/.test(req.modelId)) throw invalidArgument(`model_id: invalid "${req.modelId}" (up to 63 of [a-z0-9_-], not starting with a digit or "-")`);
        if (store.models.has(`${parent}/models/${req.modelId}`)) throw failedPrecondition(`model_id: a model with id "${req.modelId}" already exists in ${parent}`);
      }
      const modelName = existing?.name ?? `${parent}/models/${req.modelId || store.newId()}`;
      const versionId = existing ? String(Math.max(...existing.versions.map(v => Number(v.versionId))) + 1) : '1';
      const created = nowTimestamp();
      const op = ops.create(`${modelName}/operations/${store.newId().slice(-10)}${++opSeq}`, [V1 + 'UploadModelOperationMetadata', genericMetadata(created)]);
      const failure = ctx.faults.takeLroFailure(M + 'UploadModel');
      setTimeout(() => {
        if (failure) return op.fail(failure.code, failure.message);
        const now = nowTimestamp();
        const aliases = [...(m.versionAliases ?? [])];
        const model: RegisteredModel = existing ?? { name: modelName, versions: [] };
        if (!existing) { if (!aliases.includes('default')) aliases.unshift('default'); store.models.set(modelName, model); }
        // an alias names one version of a model: moving it takes it off the others
        for (const v of model.versions) v.versionAliases = (v.versionAliases ?? []).filter((a: string) => !aliases.includes(a));
        const first = model.versions[0];
        const version: Proto = {
          ...m, name: modelName, versionId, versionAliases: aliases, versionCreateTime: now, versionUpdateTime: now,
          createTime: first?.createTime ?? now, updateTime: now, etag: `AMEw9yN${Buffer.from(modelName + versionId).toString('base64url').slice(-16)}=`,
          supportedDeploymentResourcesTypes: ['DEDICATED_RESOURCES'], supportedExportFormats: m.artifactUri ? [{ id: 'tf-saved-model', exportableContents: ['ARTIFACT'] }] : [],
          modelSourceInfo: { sourceType: 'CUSTOM' },
        };
        model.versions.push(version);
        for (const v of model.versions) v.updateTime = now;
        op.succeed([V1 + 'UploadModelResponse', { model: modelName, modelVersionId: versionId }], [V1 + 'UploadModelOperationMetadata', genericMetadata(created)]);
      }, opts.operationMs);
      return op.initial;
    }),

    deleteModel: unary<any, object>(ctx, M + 'DeleteModel', req => {
      if (String(req.name ?? '').includes('@')) throw invalidArgument('name: DeleteModel deletes a whole model; use DeleteModelVersion for one version');
      const { model } = store.resolve(req.name);
      const created = nowTimestamp();
      const op = ops.create(`${model.name}/operations/${store.newId().slice(-10)}${++opSeq}`, [V1 + 'DeleteOperationMetadata', genericMetadata(created)]);
      const failure = ctx.faults.takeLroFailure(M + 'DeleteModel');
      setTimeout(() => {
        if (failure) return op.fail(failure.code, failure.message);
        store.models.delete(model.name);
        op.succeed(['google.protobuf.Empty', {}], [V1 + 'DeleteOperationMetadata', genericMetadata(created)]);
      }, opts.operationMs);
      return op.initial;
    }),
  };
}
