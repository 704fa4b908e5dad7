/** JobService (custom jobs) and PipelineService (pipeline jobs): list with filter/order/paging, get. */
import * as grpc from '@grpc/grpc-js';
import { invalidArgument, notFound } from '../errors';
import { CallContext, unary } from '../grpcServer';
import { orderBy, paginate } from '../paging';
import { compileResourceFilter, ResourceSchema } from '../filter/resource';
import { timestampMs } from '../time';
import { Proto, VertexStore, checkParent } from './store';

const times = {
  create_time: (j: Proto) => timestampMs(j.createTime),
  update_time: (j: Proto) => timestampMs(j.updateTime),
  end_time: (j: Proto) => timestampMs(j.endTime),
  start_time: (j: Proto) => timestampMs(j.startTime),
};
const timeField = (f: (j: Proto) => number) => ({ type: 'time' as const, get: (j: Proto) => (f(j) || undefined) });

const customJobSchema: ResourceSchema<Proto> = {
  fields: {
    display_name: { type: 'string', get: j => j.displayName },
    state: { type: 'string', get: j => j.state },
    create_time: timeField(times.create_time),
  },
  labels: j => j.labels,
};

const pipelineSchema: ResourceSchema<Proto> = {
  fields: {
    pipeline_name: { type: 'string', get: j => j.pipelineSpec?.fields?.pipelineInfo?.structValue?.fields?.name?.stringValue },
    display_name: { type: 'string', get: j => j.displayName },
    pipeline_job_user_id: { type: 'string', get: j => j.name.split('/').pop() },
    state: { type: 'string', get: j => j.state },
    create_time: timeField(times.create_time),
    update_time: timeField(times.update_time),
    end_time: timeField(times.end_time),
    template_uri: { type: 'string', get: j => j.templateUri },
    'template_metadata.version': { type: 'string', get: j => j.templateMetadata?.version },
  },
  labels: j => j.labels,
};

function list(map: Map<string, Proto>, req: any, schema: ResourceSchema<Proto>, keys: Record<string, (j: Proto) => string | number>): { page: Proto[]; nextPageToken: string } {
  const parent = checkParent(req.parent);
  const match = compileResourceFilter(req.filter, schema);
  const all = [...map.values()].filter(j => j.name.startsWith(parent + '/') && match(j));
  const sorted = orderBy(all, req.orderBy, keys, 'create_time desc');
  return paginate(sorted, req, `${parent}|${req.filter ?? ''}|${req.orderBy ?? ''}`);
}

function get(map: Map<string, Proto>, name: string, kind: string, pattern: RegExp): Proto {
  if (!pattern.test(name ?? '')) throw invalidArgument(`name: expected "projects/PROJECT/locations/LOCATION/${kind}/ID", got "${name ?? ''}"`);
  const j = map.get(name);
  if (!j) throw notFound(`The ${kind === 'customJobs' ? 'CustomJob' : 'PipelineJob'} "${name}" does not exist.`);
  return j;
}

export function jobService(ctx: CallContext, store: VertexStore): grpc.UntypedServiceImplementation {
  const M = 'google.cloud.aiplatform.v1.JobService.';
  return {
    listCustomJobs: unary<any, object>(ctx, M + 'ListCustomJobs', req => {
      const { page, nextPageToken } = list(store.customJobs, req, customJobSchema, times);
      return { customJobs: page, nextPageToken };
    }),
    getCustomJob: unary<any, object>(ctx, M + 'GetCustomJob', req => get(store.customJobs, req.name, 'customJobs', /^projects\/[^/]+\/locations\/[^/]+\/customJobs\/[^/]+$/)),
  };
}

export function pipelineService(ctx: CallContext, store: VertexStore): grpc.UntypedServiceImplementation {
  const M = 'google.cloud.aiplatform.v1.PipelineService.';
  return {
    listPipelineJobs: unary<any, object>(ctx, M + 'ListPipelineJobs', req => {
      const { page, nextPageToken } = list(store.pipelineJobs, req, pipelineSchema, times);
      // Task details come only from GetPipelineJob, so code that reads them from a list fails here too.
      return { pipelineJobs: page.map(({ jobDetail: _d, ...rest }) => rest), nextPageToken };
    }),
    getPipelineJob: unary<any, object>(ctx, M + 'GetPipelineJob', req => get(store.pipelineJobs, req.name, 'pipelineJobs', /^projects\/[^/]+\/locations\/[^/]+\/pipelineJobs\/[^/]+$/)),
  };
}
