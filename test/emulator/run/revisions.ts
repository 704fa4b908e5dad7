/** google.cloud.run.v2.Revisions: GetRevision, ListRevisions (newest first), DeleteRevision (LRO). */
import * as grpc from '@grpc/grpc-js';
import { failedPrecondition, invalidArgument, notFound } from '../errors';
import { CallContext, unary } from '../grpcServer';
import type { OperationStore } from '../lro';
import { paginate } from '../paging';
import { nowTimestamp } from '../time';
import type { Deployer } from './deployer';
import { LATEST, REVISION, RUN, RunStore, newUid } from './store';

const M = 'google.cloud.run.v2.Revisions.';
const REVISION_NAME = /^(projects\/[^/]+\/locations\/[^/]+)\/services\/([^/]+)\/revisions\/([^/]+)$/;

export function revisionsService(ctx: CallContext, store: RunStore, deployer: Deployer, ops: OperationStore): grpc.UntypedServiceImplementation {
  const must = (name: string) => {
    const m = REVISION_NAME.exec(name ?? '');
    if (!m) throw invalidArgument(`name: expected "projects/PROJECT/locations/LOCATION/services/SERVICE/revisions/REVISION", got "${name ?? ''}"`);
    const rev = store.revisions.get(name);
    if (!rev) throw notFound(`Resource '${m[3]}' of kind 'REVISION' in region '${m[1].split('/')[3]}' in project '${m[1].split('/')[1]}' does not exist.`);
    return { rev, parent: m[1] };
  };
  return {
    getRevision: unary<any, object>(ctx, M + 'GetRevision', req => must(req.name).rev.proto),

    listRevisions: unary<any, object>(ctx, M + 'ListRevisions', req => {
      const m = /^(projects\/[^/]+\/locations\/[^/]+)\/services\/([^/]+)$/.exec(req.parent ?? '');
      if (!m) throw invalidArgument(`parent: expected "projects/PROJECT/locations/LOCATION/services/SERVICE" (SERVICE may be "-"), got "${req.parent ?? ''}"`);
      // "-" lists the revisions of every service in the location
      const all = m[2] === '-'
        ? [...store.revisions.values()].filter(r => r.proto.service.startsWith(m[1] + '/services/')).sort((a, b) => b.seq - a.seq || (a.proto.name < b.proto.name ? -1 : 1))
        : (() => {
          const svc = store.services.get(req.parent);
          if (!svc || svc.deleted) throw notFound(`Resource '${m[2]}' of kind 'SERVICE' in region '${m[1].split('/')[3]}' in project '${m[1].split('/')[1]}' does not exist.`);
          return store.revisionsOf(req.parent);
        })();
      const { page, nextPageToken } = paginate(all.map(r => r.proto), req, req.parent);
      return { revisions: page, nextPageToken };
    }),

    deleteRevision: unary<any, object>(ctx, M + 'DeleteRevision', req => {
      const { rev, parent } = must(req.name);
      if (req.etag && req.etag !== rev.proto.etag) throw failedPrecondition(`etag: the etag ${req.etag} does not match the current etag of ${req.name}`);
      const svc = store.services.get(rev.proto.service)!;
      const short = rev.proto.name.split('/').pop();
      const serving = (svc.proto.traffic ?? []).some((t: any) => (t.percent ?? 0) > 0 && (
        (t.type === REVISION && t.revision.split('/').pop() === short) || (t.type === LATEST && svc.proto.latestReadyRevision === rev.proto.name)));
      if (serving) throw failedPrecondition(`Revision ${short} is receiving traffic and cannot be deleted. Move its traffic to another revision first.`);
      if (svc.proto.latestCreatedRevision === rev.proto.name) throw failedPrecondition(`Revision ${short} is the latest created revision of service ${svc.proto.name.split('/').pop()} and cannot be deleted.`);
      const op = ops.create(`${parent}/operations/${newUid()}`, [RUN + 'Revision', structuredClone(rev.proto)]);
      const fault = ctx.faults.takeLroFailure(M + 'DeleteRevision');
      if (fault) { setTimeout(() => op.fail(fault.code, fault.message), 20); return op.initial; }
      if (req.validateOnly) { op.succeed([RUN + 'Revision', structuredClone(rev.proto)]); return op.initial; }
      void (async () => {
        await deployer.stopRevision(rev);
        store.revisions.delete(rev.proto.name);
        rev.proto.deleteTime = nowTimestamp();
        op.succeed([RUN + 'Revision', structuredClone(rev.proto)]);
      })();
      return op.initial;
    }),
  };
}
