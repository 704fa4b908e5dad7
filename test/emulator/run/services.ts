/** google.cloud.run.v2.Services: Create/Get/List/Update/Delete (LROs), Get/SetIamPolicy, TestIamPermissions. */
import * as grpc from '@grpc/grpc-js';
import { aborted, alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors';
import { CallContext, unary } from '../grpcServer';
import type { OperationStore } from '../lro';
import { paginate } from '../paging';
import { nowTimestamp } from '../time';
import { Deployer, canonical, withTemplateDefaults } from './deployer';
import { ServiceRouter } from './router';
import { CALLER, LATEST, Proto, REVISION, RUN, RunStore, ServiceRec, condition, newEtag, newUid } from './store';
import { checkLocationParent, checkService, checkServiceId, checkTraffic, parseServiceName } from './validate';

const M = 'google.cloud.run.v2.Services.';
/** Fields a client sets on a Service; everything else is output only. */
const INPUT_FIELDS = ['description', 'labels', 'annotations', 'client', 'clientVersion', 'ingress', 'launchStage', 'binaryAuthorization',
  'template', 'traffic', 'scaling', 'invokerIamDisabled', 'defaultUriDisabled', 'iapEnabled', 'multiRegionSettings', 'customAudiences', 'buildConfig'];
const RUN_PERMISSIONS = ['run.services.get', 'run.services.list', 'run.services.create', 'run.services.update', 'run.services.delete',
  'run.services.getIamPolicy', 'run.services.setIamPolicy', 'run.routes.invoke', 'run.revisions.get', 'run.revisions.list', 'run.revisions.delete'];
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):.+)$/;

export interface RunServiceOptions {
  projectNumber: string;
}

export function servicesService(ctx: CallContext, store: RunStore, deployer: Deployer, ops: OperationStore, opts: RunServiceOptions): grpc.UntypedServiceImplementation {
  let opSeq = 0;
  const snapshot = (svc: ServiceRec): [string, object] => [RUN + 'Service', structuredClone(svc.proto)];
  const opName = (parent: string) => `${parent}/operations/${newUid()}-${++opSeq}`;
  const must = (name: string): ServiceRec => {
    const { id } = parseServiceName(name);
    const svc = store.services.get(name);
    if (!svc || svc.deleted) throw notFound(`Resource '${id}' of kind 'SERVICE' in region '${parseServiceName(name).location}' in project '${parseServiceName(name).project}' does not exist.`);
    return svc;
  };

  /** Start a revision for the current template and settle the service; completes the operation. */
  function rollout(svc: ServiceRec, op: ReturnType<OperationStore['create']>, newRevision: boolean): void {
    const rev = newRevision ? deployer.createRevision(svc) : undefined;
    if (rev) svc.proto.latestCreatedRevision = rev.proto.name;
    svc.proto.reconciling = true;
    svc.proto.terminalCondition = condition('Ready', 'CONDITION_RECONCILING');
    op.setMetadata(snapshot(svc));
    void (async () => {
      const failure = rev ? await deployer.start(svc, rev) : undefined;
      if (svc.deleted) return op.fail(grpc.status.ABORTED, 'The service was deleted while the operation was running.');
      await deployer.settle(svc, failure);
      if (failure) op.fail(grpc.status.FAILED_PRECONDITION, failure, snapshot(svc));
      else op.succeed(snapshot(svc), snapshot(svc));
    })().catch(e => op.fail(grpc.status.INTERNAL, `Internal error: ${(e as Error).message}`));
  }

  /** Traffic may only point at ready revisions (Cloud Run never routes to a failed one). */
  function checkTrafficTargets(svc: ServiceRec | undefined, serviceName: string, traffic: Proto[] | undefined, pendingRevision?: string): void {
    checkTraffic(traffic, short => short === pendingRevision || !!store.findRevision(serviceName, short));
    (traffic ?? []).forEach((t, i) => {
      if (t.type !== REVISION || t.revision.split('/').pop() === pendingRevision) return;
      const rev = store.findRevision(serviceName, t.revision)!;
      if (!rev.ready) throw failedPrecondition(`service.traffic[${i}].revision: Revision '${t.revision.split('/').pop()}' is not ready and cannot serve traffic.`);
    });
    void svc;
  }

  async function create(req: any): Promise<object> {
    const { project } = checkLocationParent(req.parent);
    const id = checkServiceId(req.serviceId);
    checkService(req.service, id);
    const name = `${req.parent}/services/${id}`;
    if (store.services.has(name) && !store.services.get(name)!.deleted) throw alreadyExists(`Resource '${id}' already exists.`);
    if (req.service.name && req.service.name !== name && req.service.name !== '') throw invalidArgument(`service.name: must be empty or "${name}" on create`);
    const traffic = req.service.traffic?.length ? req.service.traffic : [{ type: LATEST, percent: 100 }];
    checkTrafficTargets(undefined, name, traffic, req.service.template.revision);
    const now = nowTimestamp();
    const proto: Proto = {};
    for (const k of INPUT_FIELDS) if (req.service[k] !== undefined) proto[k] = structuredClone(req.service[k]);
    Object.assign(proto, {
      name, uid: newUid(), generation: '1', createTime: now, updateTime: now, creator: CALLER, lastModifier: CALLER,
      ingress: proto.ingress ?? 'INGRESS_TRAFFIC_ALL', launchStage: proto.launchStage ?? 'GA',
      template: withTemplateDefaults(req.service.template, opts.projectNumber), traffic, etag: newEtag(),
      terminalCondition: condition('Ready', 'CONDITION_RECONCILING'), reconciling: true,
    });
    const op = ops.create(opName(req.parent), [RUN + 'Service', proto]);
    const fault = ctx.faults.takeLroFailure(M + 'CreateService');
    if (fault) { setTimeout(() => op.fail(fault.code, fault.message), 20); return op.initial; }
    if (req.validateOnly) { op.succeed([RUN + 'Service', proto]); return op.initial; }
    const router = new ServiceRouter();
    proto.uri = await router.start();
    proto.urls = [proto.uri];
    const svc: ServiceRec = { proto, router, policy: { version: 1, bindings: [], etag: Buffer.from('ACAB', 'base64') }, revisionSeq: 0 };
    store.services.set(name, svc);
    void project;
    rollout(svc, op, true);
    return op.initial;
  }

  return {
    createService: unary<any, object>(ctx, M + 'CreateService', create),

    getService: unary<any, object>(ctx, M + 'GetService', req => must(req.name).proto),

    listServices: unary<any, object>(ctx, M + 'ListServices', req => {
      checkLocationParent(req.parent);
      const all = [...store.services.values()].filter(s => !s.deleted && s.proto.name.startsWith(req.parent + '/services/'))
        .sort((a, b) => (a.proto.name < b.proto.name ? -1 : 1)).map(s => s.proto);
      const { page, nextPageToken } = paginate(all, req, req.parent);
      return { services: page, nextPageToken };
    }),

    updateService: unary<any, object>(ctx, M + 'UpdateService', async req => {
      const incoming = req.service;
      if (!incoming?.name) throw invalidArgument('service.name: required');
      const { parent, id } = parseServiceName(incoming.name, 'service.name');
      const existing = store.services.get(incoming.name);
      if (!existing || existing.deleted) {
        if (!req.allowMissing) must(incoming.name);
        return create({ parent, serviceId: id, service: { ...incoming, name: '' }, validateOnly: req.validateOnly });
      }
      if (incoming.etag && incoming.etag !== existing.proto.etag) throw aborted(`service.etag: the etag ${incoming.etag} does not match the current etag of ${incoming.name}; read the service again and retry.`);
      const paths: string[] = (req.updateMask?.paths ?? []).map((p: string) => p.replace(/_([a-z])/g, (_m: string, c: string) => c.toUpperCase()));
      for (const p of paths) if (!INPUT_FIELDS.includes(p.split('.')[0])) throw invalidArgument(`update_mask: field "${p}" cannot be updated`);
      const fields = paths.length ? [...new Set(paths.map(p => p.split('.')[0]))] : INPUT_FIELDS;
      const next: Proto = structuredClone(existing.proto);
      for (const k of fields) {
        if (incoming[k] !== undefined) next[k] = structuredClone(incoming[k]);
        else if (!paths.length && k !== 'template' && k !== 'traffic') delete next[k];
      }
      checkService(next, id);
      next.template = withTemplateDefaults(next.template, existing.proto.template.serviceAccount?.split('-')[0] || opts.projectNumber);
      if (!next.traffic?.length) next.traffic = [{ type: LATEST, percent: 100 }];
      const templateChanged = canonical({ ...next.template, revision: undefined }) !== canonical({ ...existing.proto.template, revision: undefined })
        || (next.template.revision && next.template.revision !== existing.proto.template.revision);
      if (templateChanged && next.template.revision && store.findRevision(incoming.name, next.template.revision)) {
        throw alreadyExists(`service.template.revision: revision "${next.template.revision}" already exists`);
      }
      checkTrafficTargets(existing, incoming.name, next.traffic, templateChanged ? next.template.revision : undefined);
      const op = ops.create(opName(parent), [RUN + 'Service', next]);
      const fault = ctx.faults.takeLroFailure(M + 'UpdateService');
      if (fault) { setTimeout(() => op.fail(fault.code, fault.message), 20); return op.initial; }
      if (req.validateOnly) { op.succeed([RUN + 'Service', next]); return op.initial; }
      Object.assign(next, { generation: String(Number(existing.proto.generation) + 1), updateTime: nowTimestamp(), lastModifier: CALLER, etag: newEtag() });
      existing.proto = next;
      rollout(existing, op, Boolean(templateChanged));
      return op.initial;
    }),

    deleteService: unary<any, object>(ctx, M + 'DeleteService', req => {
      const svc = must(req.name);
      if (req.etag && req.etag !== svc.proto.etag) throw aborted(`etag: the etag ${req.etag} does not match the current etag of ${req.name}`);
      const { parent } = parseServiceName(req.name);
      const op = ops.create(opName(parent), snapshot(svc));
      const fault = ctx.faults.takeLroFailure(M + 'DeleteService');
      if (fault) { setTimeout(() => op.fail(fault.code, fault.message), 20); return op.initial; }
      if (req.validateOnly) { op.succeed(snapshot(svc)); return op.initial; }
      svc.deleted = true;
      svc.proto.deleteTime = nowTimestamp();
      svc.proto.reconciling = true;
      void (async () => {
        for (const r of store.revisionsOf(svc.proto.name)) { await deployer.stopRevision(r); store.revisions.delete(r.proto.name); }
        await svc.router.close();
        store.services.delete(svc.proto.name);
        svc.proto.reconciling = false;
        op.succeed(snapshot(svc), snapshot(svc));
      })();
      return op.initial;
    }),

    getIamPolicy: unary<any, object>(ctx, M + 'GetIamPolicy', req => must(req.resource).policy),

    setIamPolicy: unary<any, object>(ctx, M + 'SetIamPolicy', req => {
      const svc = must(req.resource);
      const policy = req.policy;
      if (!policy) throw invalidArgument('policy: required');
      if (policy.etag?.length && !Buffer.from(policy.etag).equals(svc.policy.etag)) {
        throw aborted('There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
      }
      const bindings: Proto[] = (policy.bindings ?? []).map((b: Proto, i: number) => {
        if (!/^roles\/[A-Za-z0-9_.]+$/.test(b.role ?? '')) throw invalidArgument(`policy.bindings[${i}].role: invalid role "${b.role ?? ''}"`);
        (b.members ?? []).forEach((m: string, j: number) => {
          if (!MEMBER.test(m)) throw invalidArgument(`policy.bindings[${i}].members[${j}]: invalid member "${m}" (e.g. "allUsers", "user:EMAIL", "serviceAccount:EMAIL")`);
        });
        return { role: b.role, members: [...new Set<string>(b.members ?? [])], ...(b.condition ? { condition: b.condition } : {}) };
      }).filter((b: Proto) => b.members.length);
      svc.policy = { version: policy.version || 1, bindings, etag: Buffer.from(newEtag().slice(1, 13), 'base64url') };
      deployer.applyPublic(svc);
      return svc.policy;
    }),

    testIamPermissions: unary<any, object>(ctx, M + 'TestIamPermissions', req => {
      must(req.resource);
      const denied = ctx.faults.deniedPermissions();
      return { permissions: (req.permissions ?? []).filter((p: string) => RUN_PERMISSIONS.includes(p) && !denied.has(p)) };
    }),
  };
}

