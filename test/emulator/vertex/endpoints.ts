/**
 * google.cloud.aiplatform.v1.EndpointService: CreateEndpoint, GetEndpoint, ListEndpoints,
 * UpdateEndpoint (traffic split, display name, labels), DeleteEndpoint, DeployModel, UndeployModel,
 * MutateDeployedModel. Mutations are long-running operations; a deploy starts the model's server
 * (endpointsRuntime.ts) and the endpoint changes only when it is up, as on Vertex AI.
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError, failedPrecondition, invalidArgument, notFound } from '../errors';
import { CallContext, unary } from '../grpcServer';
import type { OperationStore } from '../lro';
import { paginate } from '../paging';
import { nowTimestamp } from '../time';
import type { LogStore } from '../logging/store';
import { checkMachine } from '../../../src/serving/endpoints/machineTypes';
import { checkTrafficSplit } from '../../../src/serving/endpoints/traffic';
import { Proto, VertexStore, checkLabels, checkParent } from './store';
import { endpointLogger, startDeployedModel, type ModelRuntimeDeps, type RunningModel } from './endpointsRuntime';

const M = 'google.cloud.aiplatform.v1.EndpointService.';
const V1 = 'google.cloud.aiplatform.v1.';

export interface EndpointRecord {
  proto: Proto;
  /** Running servers by deployed model id. */
  running: Map<string, RunningModel>;
  /** Deployed model id → the registry version it serves (for predict responses). */
  versions: Map<string, Proto>;
}

export class EndpointStore {
  readonly endpoints = new Map<string, EndpointRecord>();

  must(name: string, field = 'name'): EndpointRecord {
    if (!/^projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/]+$/.test(name ?? '')) throw invalidArgument(`${field}: expected "projects/PROJECT/locations/LOCATION/endpoints/ENDPOINT", got "${name ?? ''}"`);
    const rec = this.endpoints.get(name);
    if (!rec) throw notFound(`Endpoint \`${name}\` not found.`);
    return rec;
  }

  async stopAll(): Promise<void> {
    for (const rec of this.endpoints.values()) for (const m of rec.running.values()) await m.close();
  }
}

export interface EndpointServiceOptions extends ModelRuntimeDeps {
  operationMs: number;
  logs: LogStore;
  projectNumber: string;
}

const locationOf = (name: string) => name.split('/')[3];
const projectOf = (name: string) => name.split('/')[1];

/** `{key: "90"}` from proto-loader (int32 map values arrive as numbers) → numbers. */
function splitOf(map: Record<string, unknown> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** The Cloud Console link to an endpoint's logs, as Vertex AI's deploy errors give it. */
export function endpointLogsUrl(endpointName: string): string {
  const id = endpointName.split('/').pop();
  const filter = `resource.type="aiplatform.googleapis.com/Endpoint"\nresource.labels.endpoint_id="${id}"\nresource.labels.location="${locationOf(endpointName)}"`;
  return `https://console.cloud.google.com/logs/viewer?project=${projectOf(endpointName)}&resource=aiplatform.googleapis.com%2FEndpoint&advancedFilter=${encodeURIComponent(filter)}`;
}

export function endpointService(ctx: CallContext, vertex: VertexStore, store: EndpointStore, ops: OperationStore, opts: EndpointServiceOptions): grpc.UntypedServiceImplementation {
  let opSeq = 0;
  const meta = (type: string, created: object, extra: object = {}): [string, object] => [V1 + type, { genericMetadata: { createTime: created, updateTime: nowTimestamp() }, ...extra }];
  const opName = (endpoint: string) => `${endpoint}/operations/${vertex.newId().slice(-10)}${++opSeq}`;
  const touch = (rec: EndpointRecord) => { rec.proto.updateTime = nowTimestamp(); rec.proto.etag = `AMEw9yP${Buffer.from(rec.proto.name + Date.now()).toString('base64url').slice(-16)}=`; };

  return {
    createEndpoint: unary<any, object>(ctx, M + 'CreateEndpoint', req => {
      const parent = checkParent(req.parent);
      const e: Proto | undefined = req.endpoint;
      if (!e) throw invalidArgument('endpoint: required');
      if (!e.displayName) throw invalidArgument('endpoint.display_name: required');
      if (e.displayName.length > 128) throw invalidArgument('endpoint.display_name: at most 128 characters');
      if (e.deployedModels?.length) throw invalidArgument('endpoint.deployed_models: output only; deploy models with DeployModel');
      checkLabels(e.labels, 'endpoint.labels');
      if (req.endpointId && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(req.endpointId)) throw invalidArgument(`endpoint_id: invalid "${req.endpointId}" (up to 63 lowercase letters, digits and "-")`);
      const name = `${parent}/endpoints/${req.endpointId || vertex.newId()}`;
      if (store.endpoints.has(name)) throw new ApiError(grpc.status.ALREADY_EXISTS, `Endpoint ${name} already exists.`);
      const created = nowTimestamp();
      const op = ops.create(opName(name), meta('CreateEndpointOperationMetadata', created));
      const failure = ctx.faults.takeLroFailure(M + 'CreateEndpoint');
      setTimeout(() => {
        if (failure) return op.fail(failure.code, failure.message);
        const now = nowTimestamp();
        const proto: Proto = { displayName: e.displayName, description: e.description ?? '', labels: e.labels ?? {}, name, deployedModels: [], trafficSplit: {}, createTime: now, updateTime: now, etag: '' };
        const rec: EndpointRecord = { proto, running: new Map(), versions: new Map() };
        touch(rec);
        store.endpoints.set(name, rec);
        op.succeed([V1 + 'Endpoint', proto], meta('CreateEndpointOperationMetadata', created, { deploymentStage: 'SUCCESSFULLY_DEPLOYED' }));
      }, opts.operationMs);
      return op.initial;
    }),

    getEndpoint: unary<any, object>(ctx, M + 'GetEndpoint', req => store.must(req.name).proto),

    listEndpoints: unary<any, object>(ctx, M + 'ListEndpoints', req => {
      const parent = checkParent(req.parent);
      let all = [...store.endpoints.values()].map(r => r.proto).filter(p => p.name.startsWith(parent + '/endpoints/'));
      const f = String(req.filter ?? '').trim();
      if (f) {
        // the filters the extension uses: display_name="X" and labels.K="V"
        const m = /^(display_name|labels\.([a-z][a-z0-9_-]*))\s*=\s*"([^"]*)"$/.exec(f);
        if (!m) throw invalidArgument(`filter: unsupported filter "${f}" (the emulator supports display_name="X" and labels.KEY="V")`);
        all = all.filter(p => (m[2] ? p.labels?.[m[2]] === m[3] : p.displayName === m[3]));
      }
      all.sort((a, b) => Number(b.createTime.seconds) - Number(a.createTime.seconds) || (a.name < b.name ? -1 : 1));
      const { page, nextPageToken } = paginate(all, req, `${parent}|${f}`);
      return { endpoints: page, nextPageToken };
    }),

    updateEndpoint: unary<any, object>(ctx, M + 'UpdateEndpoint', req => {
      const e: Proto | undefined = req.endpoint;
      if (!e) throw invalidArgument('endpoint: required');
      const rec = store.must(e.name, 'endpoint.name');
      const paths: string[] = req.updateMask?.paths ?? [];
      if (!paths.length) throw invalidArgument('update_mask: required (e.g. "traffic_split")');
      const allowed = ['display_name', 'description', 'labels', 'traffic_split'];
      for (const p of paths) if (!allowed.includes(p)) throw invalidArgument(`update_mask: field "${p}" cannot be updated (updatable: ${allowed.join(', ')})`);
      if (e.etag && e.etag !== rec.proto.etag) throw new ApiError(grpc.status.ABORTED, `endpoint.etag: the endpoint changed since it was read (etag "${e.etag}" is not current)`);
      if (paths.includes('traffic_split')) {
        const split = splitOf(e.trafficSplit);
        const errors = checkTrafficSplit(split, rec.proto.deployedModels.map((d: Proto) => d.id), 'endpoint.traffic_split');
        if (errors.length) throw invalidArgument(errors.join('; '));
      }
      if (paths.includes('display_name') && !e.displayName) throw invalidArgument('endpoint.display_name: required');
      if (paths.includes('labels')) checkLabels(e.labels, 'endpoint.labels');
      if (paths.includes('display_name')) rec.proto.displayName = e.displayName;
      if (paths.includes('description')) rec.proto.description = e.description ?? '';
      if (paths.includes('labels')) rec.proto.labels = e.labels ?? {};
      if (paths.includes('traffic_split')) rec.proto.trafficSplit = Object.fromEntries(Object.entries(splitOf(e.trafficSplit)).filter(([, v]) => v > 0));
      touch(rec);
      return rec.proto;
    }),

    deleteEndpoint: unary<any, object>(ctx, M + 'DeleteEndpoint', req => {
      const rec = store.must(req.name);
      if (rec.proto.deployedModels.length) {
        throw failedPrecondition(`Endpoint ${rec.proto.name} has deployed models (${rec.proto.deployedModels.map((d: Proto) => d.id).join(', ')}). Undeploy them before deleting the endpoint.`);
      }
      const created = nowTimestamp();
      const op = ops.create(opName(rec.proto.name), meta('DeleteOperationMetadata', created));
      const failure = ctx.faults.takeLroFailure(M + 'DeleteEndpoint');
      setTimeout(() => {
        if (failure) return op.fail(failure.code, failure.message);
        store.endpoints.delete(rec.proto.name);
        op.succeed(['google.protobuf.Empty', {}], meta('DeleteOperationMetadata', created));
      }, opts.operationMs);
      return op.initial;
    }),

    deployModel: unary<any, object>(ctx, M + 'DeployModel', req => {
      const rec = store.must(req.endpoint, 'endpoint');
      const d: Proto | undefined = req.deployedModel;
      if (!d) throw invalidArgument('deployed_model: required');
      if (!d.model) throw invalidArgument('deployed_model.model: required');
      const { model, version } = vertex.resolve(d.model);
      const region = locationOf(rec.proto.name);
      if (locationOf(model.name) !== region) throw invalidArgument(`deployed_model.model: the model is in ${locationOf(model.name)}, the endpoint in ${region}`);
      const res = d.dedicatedResources;
      if (!res) throw invalidArgument('deployed_model.dedicated_resources: required (this model supports DEDICATED_RESOURCES only)');
      const ms = res.machineSpec ?? {};
      if (!ms.machineType) throw invalidArgument('deployed_model.dedicated_resources.machine_spec.machine_type: required');
      const machine = checkMachine(region, ms.machineType, ms.acceleratorType ? { type: ms.acceleratorType, count: Number(ms.acceleratorCount ?? 1) } : undefined);
      if (machine) throw invalidArgument(`deployed_model.dedicated_resources.machine_spec.${machine.message.replace(/^(\w+): /, (_m, f: string) => `${f.replace(/[A-Z]/g, c => '_' + c.toLowerCase())}: `)}`);
      const minR = Number(res.minReplicaCount ?? 0);
      const maxR = Number(res.maxReplicaCount ?? 0) || minR;
      if (!Number.isInteger(minR) || minR < 1) throw invalidArgument(`deployed_model.dedicated_resources.min_replica_count: must be at least 1, got ${res.minReplicaCount ?? 0}`);
      if (maxR < minR) throw invalidArgument(`deployed_model.dedicated_resources.max_replica_count: must be at least min_replica_count (${minR}), got ${maxR}`);
      if (d.id && !/^[0-9]{1,19}$/.test(d.id)) throw invalidArgument(`deployed_model.id: must be numeric, at most 19 digits, got "${d.id}"`);
      if (d.id && rec.proto.deployedModels.some((x: Proto) => x.id === d.id)) throw new ApiError(grpc.status.ALREADY_EXISTS, `deployed_model.id: ${d.id} is already deployed to ${rec.proto.name}`);
      const id = d.id || vertex.newId().slice(-19);
      const existing: string[] = rec.proto.deployedModels.map((x: Proto) => x.id);
      // traffic_split: "0" is the model being deployed; absent on an empty endpoint = 100 to it.
      let split = splitOf(req.trafficSplit);
      if (!Object.keys(split).length) {
        if (Object.values(splitOf(rec.proto.trafficSplit)).some(v => v > 0)) split = { ...splitOf(rec.proto.trafficSplit) };
        else split = { '0': 100 };
      }
      const errors = checkTrafficSplit(split, [...existing, '0'], 'traffic_split');
      if (errors.length) throw invalidArgument(errors.join('; '));
      const created = nowTimestamp();
      const op = ops.create(opName(rec.proto.name), meta('DeployModelOperationMetadata', created, { deploymentStage: 'STARTING_DEPLOYMENT' }));
      const failure = ctx.faults.takeLroFailure(M + 'DeployModel');
      const quota = ctx.faults.takeMachineQuota(ms.machineType);
      const startFault = ctx.faults.takeModelStartFailure();
      const log = endpointLogger(opts.logs, { project: projectOf(rec.proto.name), location: region, endpointId: rec.proto.name.split('/').pop()!, deployedModelId: id }, opts.projectNumber);
      (async () => {
        await new Promise(r => setTimeout(r, opts.operationMs));
        if (failure) return op.fail(failure.code, failure.message);
        if (quota) {
          const metric = ms.acceleratorType ? `custom_model_serving_${String(ms.acceleratorType).toLowerCase().replace(/^nvidia_(tesla_)?/, 'nvidia_')}_gpus` : `custom_model_serving_cpus_per_machine_type`;
          return op.fail(grpc.status.RESOURCE_EXHAUSTED, `The following quota metrics exceed quota limits: aiplatform.googleapis.com/${metric} (machine type ${ms.machineType}) in region ${region}.`);
        }
        op.setMetadata(meta('DeployModelOperationMetadata', created, { deploymentStage: 'STARTING_MODEL_SERVER' }));
        let started;
        if (startFault) {
          log('prediction_container', 'ERROR', { textPayload: startFault });
          started = { ok: false as const, reason: startFault };
        } else {
          started = await startDeployedModel(version, opts, log, { endpointId: rec.proto.name.split('/').pop()!, deployedModelId: id });
        }
        // Cancelled meanwhile (CancelOperation), or the endpoint is gone: nothing changes.
        const cancelled = (ops.get(op.name) as { done?: boolean } | undefined)?.done;
        if (!store.endpoints.has(rec.proto.name) || cancelled) { if (started.ok) await started.model.close(); return; }
        if (!started.ok) {
          return op.fail(grpc.status.FAILED_PRECONDITION, `Model server exited unexpectedly. Model server logs can be found at ${endpointLogsUrl(rec.proto.name)}. Reason: ${started.reason}`);
        }
        const now = nowTimestamp();
        const deployed: Proto = {
          id, model: model.name, modelVersionId: version.versionId, displayName: d.displayName || version.displayName, createTime: now,
          dedicatedResources: { machineSpec: { machineType: ms.machineType, ...(ms.acceleratorType ? { acceleratorType: ms.acceleratorType, acceleratorCount: Number(ms.acceleratorCount ?? 1) } : {}) }, minReplicaCount: minR, maxReplicaCount: maxR },
          ...(d.serviceAccount ? { serviceAccount: d.serviceAccount } : {}),
          enableAccessLogging: !!d.enableAccessLogging, disableContainerLogging: !!d.disableContainerLogging,
          status: { message: '', lastUpdateTime: now, availableReplicaCount: minR },
        };
        rec.proto.deployedModels.push(deployed);
        rec.running.set(id, started.model);
        rec.versions.set(id, version);
        const next: Record<string, number> = {};
        for (const [k, v] of Object.entries(split)) if (v > 0) next[k === '0' ? id : k] = v;
        rec.proto.trafficSplit = next;
        touch(rec);
        op.succeed([V1 + 'DeployModelResponse', { deployedModel: deployed }], meta('DeployModelOperationMetadata', created, { deploymentStage: 'SUCCESSFULLY_DEPLOYED' }));
      })().catch(e => op.fail(grpc.status.INTERNAL, `Internal error: ${e instanceof Error ? e.message : String(e)}`));
      return op.initial;
    }),

    undeployModel: unary<any, object>(ctx, M + 'UndeployModel', req => {
      const rec = store.must(req.endpoint, 'endpoint');
      const id = String(req.deployedModelId ?? '');
      if (!id) throw invalidArgument('deployed_model_id: required');
      if (!rec.proto.deployedModels.some((x: Proto) => x.id === id)) throw notFound(`Deployed model ${id} not found on endpoint ${rec.proto.name}.`);
      const current = splitOf(rec.proto.trafficSplit);
      const remaining: string[] = rec.proto.deployedModels.map((x: Proto) => x.id).filter((x: string) => x !== id);
      let split = splitOf(req.trafficSplit);
      if (!Object.keys(split).length) {
        if ((current[id] ?? 0) > 0 && remaining.length) {
          // Vertex AI refuses to guess where a serving model's traffic goes.
          throw invalidArgument(`traffic_split: deployed model ${id} takes ${current[id]}% of the traffic; give the split of the remaining deployed models (${remaining.join(', ')}) summing to 100`);
        }
        split = Object.fromEntries(Object.entries(current).filter(([k]) => k !== id));
      } else {
        const errors = checkTrafficSplit(split, remaining, 'traffic_split');
        if (errors.length) throw invalidArgument(errors.join('; '));
      }
      const created = nowTimestamp();
      const op = ops.create(opName(rec.proto.name), meta('UndeployModelOperationMetadata', created));
      const failure = ctx.faults.takeLroFailure(M + 'UndeployModel');
      setTimeout(async () => {
        if (failure) return op.fail(failure.code, failure.message);
        rec.proto.deployedModels = rec.proto.deployedModels.filter((x: Proto) => x.id !== id);
        rec.proto.trafficSplit = Object.fromEntries(Object.entries(split).filter(([, v]) => v > 0));
        const running = rec.running.get(id);
        rec.running.delete(id);
        rec.versions.delete(id);
        touch(rec);
        await running?.close().catch(() => undefined);
        op.succeed([V1 + 'UndeployModelResponse', {}], meta('UndeployModelOperationMetadata', created));
      }, opts.operationMs);
      return op.initial;
    }),

    mutateDeployedModel: unary<any, object>(ctx, M + 'MutateDeployedModel', req => {
      const rec = store.must(req.endpoint, 'endpoint');
      const d: Proto | undefined = req.deployedModel;
      if (!d?.id) throw invalidArgument('deployed_model.id: required');
      const target = rec.proto.deployedModels.find((x: Proto) => x.id === d.id);
      if (!target) throw notFound(`Deployed model ${d.id} not found on endpoint ${rec.proto.name}.`);
      const paths: string[] = req.updateMask?.paths ?? [];
      const allowed = ['dedicated_resources.min_replica_count', 'dedicated_resources.max_replica_count', 'display_name'];
      if (!paths.length) throw invalidArgument('update_mask: required');
      for (const p of paths) if (!allowed.includes(p)) throw invalidArgument(`update_mask: field "${p}" cannot be mutated (mutable: ${allowed.join(', ')})`);
      const minR = paths.includes('dedicated_resources.min_replica_count') ? Number(d.dedicatedResources?.minReplicaCount) : target.dedicatedResources.minReplicaCount;
      const maxR = paths.includes('dedicated_resources.max_replica_count') ? Number(d.dedicatedResources?.maxReplicaCount) : target.dedicatedResources.maxReplicaCount;
      if (!Number.isInteger(minR) || minR < 1) throw invalidArgument(`deployed_model.dedicated_resources.min_replica_count: must be at least 1, got ${minR}`);
      if (maxR < minR) throw invalidArgument(`deployed_model.dedicated_resources.max_replica_count: must be at least min_replica_count (${minR}), got ${maxR}`);
      const created = nowTimestamp();
      const op = ops.create(opName(rec.proto.name), meta('MutateDeployedModelOperationMetadata', created));
      setTimeout(() => {
        target.dedicatedResources.minReplicaCount = minR;
        target.dedicatedResources.maxReplicaCount = maxR;
        if (paths.includes('display_name') && d.displayName) target.displayName = d.displayName;
        touch(rec);
        op.succeed([V1 + 'MutateDeployedModelResponse', { deployedModel: target }], meta('MutateDeployedModelOperationMetadata', created));
      }, opts.operationMs);
      return op.initial;
    }),
  };
}
