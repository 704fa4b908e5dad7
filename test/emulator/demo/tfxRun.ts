/**
 * A Vertex AI PipelineJob as a TFX pipeline (kubeflow_v2 runner) leaves it: task details for
 * ExampleGen … Pusher with their MLMD artifacts (tfx.Examples, tfx.Model, tfx.ModelEvaluation,
 * tfx.ModelBlessing, tfx.PushedModel with pushed / pushed_destination / pushed_version), shaped
 * after shared/fixtures/gcp/vertex (the taxi pipeline job and an executor invocation).
 */
import { toStruct } from '../struct';
import { toTimestamp } from '../time';

export type RunState = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'RUNNING' | 'PENDING';

export interface TfxRunInput {
  parent: string;
  projectNumber: string;
  pipelineName: string;
  runId: string;
  state: RunState;
  createMs: number;
  modelType: 'retrieval' | 'ranking';
  /** Pusher destination (`gs://bucket/model/pushed_model`) and version (timestamp folder). */
  pushBase: string;
  pushVersion: string;
  blessed: boolean;
  metrics: Record<string, number>;
  pipelineRoot: string;
  nextId: () => number;
}

const COMPONENTS = ['BigQueryExampleGen', 'StatisticsGen', 'SchemaGen', 'Transform', 'Trainer', 'Evaluator', 'Pusher'];
const STEP_MS = 7 * 60_000;

export function tfxPipelineJob(r: TfxRunInput): Record<string, any> {
  const name = `${r.parent}/pipelineJobs/${r.runId}`;
  const store = `projects/${r.projectNumber}/locations/${r.parent.split('/')[3]}/metadataStores/default`;
  const runRoot = `${r.pipelineRoot}/${r.projectNumber}/${r.runId}`;
  const ts = (ms: number) => toTimestamp(ms);
  const artifact = (key: string, schemaTitle: string, uri: string, metadata: Record<string, unknown>, ms: number) => ({
    name: `${store}/artifacts/${r.nextId()}`, displayName: key, uri, etag: String(r.nextId()), createTime: ts(ms), updateTime: ts(ms),
    state: 'LIVE', schemaTitle, schemaVersion: '0.0.1', metadata: toStruct(metadata),
  });
  const start = r.createMs + 30_000;
  // How far the run got: finished components, and the state of the one after them.
  const done = r.state === 'SUCCEEDED' ? COMPONENTS.length : r.state === 'FAILED' ? 4 : r.state === 'CANCELLED' ? 3 : r.state === 'RUNNING' ? 4 : 0;
  const outputs: Record<string, Record<string, ReturnType<typeof artifact>[]>> = {};
  const rootId = r.nextId();
  const tasks: Record<string, any>[] = [];
  const trainerJob = r.nextId();
  for (let i = 0; i < COMPONENTS.length; i++) {
    const comp = COMPONENTS[i];
    const tStart = start + i * STEP_MS, tEnd = tStart + STEP_MS - 20_000;
    const dir = `${runRoot}/${comp}_${r.nextId()}`;
    let state: string;
    if (i < done) state = 'SUCCEEDED';
    else if (i === done && r.state === 'FAILED') state = 'FAILED';
    else if (i === done && r.state === 'CANCELLED') state = 'CANCELLED';
    else if (i === done && r.state === 'RUNNING') state = 'RUNNING';
    else break;
    if (comp === 'Pusher' && !r.blessed) state = 'SKIPPED';
    const finished = state !== 'RUNNING';
    const out: Record<string, ReturnType<typeof artifact>[]> = {};
    if (state === 'SUCCEEDED') {
      switch (comp) {
        case 'BigQueryExampleGen': out.examples = [artifact('examples', 'tfx.Examples', `${dir}/examples`, { span: 0, split_names: '["train", "eval"]', version: 0 }, tEnd)]; break;
        case 'StatisticsGen': out.statistics = [artifact('statistics', 'tfx.ExampleStatistics', `${dir}/statistics`, { span: 0, split_names: '["train", "eval"]' }, tEnd)]; break;
        case 'SchemaGen': out.schema = [artifact('schema', 'tfx.Schema', `${dir}/schema`, {}, tEnd)]; break;
        case 'Transform':
          out.transform_graph = [artifact('transform_graph', 'tfx.TransformGraph', `${dir}/transform_graph`, {}, tEnd)];
          out.transformed_examples = [artifact('transformed_examples', 'tfx.Examples', `${dir}/transformed_examples`, { split_names: '["train", "eval"]' }, tEnd)];
          break;
        case 'Trainer':
          out.model = [artifact('model', 'tfx.Model', `${dir}/model`, { framework: 'tensorflow', model_type: r.modelType }, tEnd)];
          out.model_run = [artifact('model_run', 'tfx.ModelRun', `${dir}/model_run`, {}, tEnd)];
          break;
        case 'Evaluator':
          out.evaluation = [artifact('evaluation', 'tfx.ModelEvaluation', `${dir}/evaluation`, { ...r.metrics, validated: r.blessed ? 1 : 0 }, tEnd)];
          out.blessing = [artifact('blessing', 'tfx.ModelBlessing', `${dir}/blessing`, r.blessed
            ? { blessed: 1, current_model: outputs.Trainer?.model?.[0]?.uri ?? '', current_model_id: Number(outputs.Trainer?.model?.[0]?.name.split('/').pop() ?? 0) }
            : { blessed: 0, current_model: outputs.Trainer?.model?.[0]?.uri ?? '' }, tEnd)];
          break;
        case 'Pusher': {
          const dest = `${r.pushBase}/${r.pushVersion}`;
          out.pushed_model = [artifact('pushed_model', 'tfx.PushedModel', dest, { pushed: 1, pushed_destination: dest, pushed_version: r.pushVersion }, tEnd)];
          break;
        }
      }
    }
    outputs[comp] = out;
    const task: Record<string, any> = {
      taskId: String(r.nextId()), parentTaskId: String(rootId), taskName: comp, createTime: ts(tStart - 5000), startTime: ts(tStart),
      state, execution: { name: `${store}/executions/${r.nextId()}`, displayName: comp, state: finished ? (state === 'SUCCEEDED' ? 'COMPLETE' : state === 'SKIPPED' ? 'CACHED' : state === 'FAILED' ? 'FAILED' : 'CANCELLED') : 'RUNNING', schemaTitle: 'system.ContainerExecution' },
      executorDetail: { containerDetail: { mainJob: `projects/${r.projectNumber}/locations/${r.parent.split('/')[3]}/customJobs/${comp === 'Trainer' ? trainerJob : r.nextId()}` } },
      outputs: Object.fromEntries(Object.entries(out).map(([k, a]) => [k, { artifacts: a }])),
    };
    if (finished) task.endTime = ts(tEnd);
    if (state === 'FAILED') {
      task.error = { code: 9, message: `The replica workerpool0-0 exited with a non-zero status of 1. Termination reason: Error. To find out more about why your job exited please check the logs: https://console.cloud.google.com/logs/viewer?project=${r.projectNumber}&resource=ml_job%2Fjob_id%2F${trainerJob}&advancedFilter=resource.type%3D%22ml_job%22%0Aresource.labels.job_id%3D%22${trainerJob}%22` };
    }
    tasks.push(task);
  }
  const lastEnd = start + Math.max(1, tasks.length) * STEP_MS;
  const terminal = r.state === 'SUCCEEDED' || r.state === 'FAILED' || r.state === 'CANCELLED';
  const jobNumber = String(r.nextId());
  const job: Record<string, any> = {
    name, displayName: r.pipelineName, createTime: ts(r.createMs), updateTime: ts(terminal ? lastEnd : r.createMs + 60_000),
    state: `PIPELINE_STATE_${r.state}`,
    pipelineSpec: toStruct({ pipelineInfo: { name: r.pipelineName }, schemaVersion: '2.1.0', sdkVersion: 'tfx-1.14.0', root: { dag: { tasks: Object.fromEntries(COMPONENTS.map(c => [c, { taskInfo: { name: c }, componentRef: { name: c } }])) } } }),
    labels: { tfx_version: '1-14-0', tfx_runner: 'kubeflow_v2', tfx_py_version: '3-10', model_type: r.modelType },
    runtimeConfig: { gcsOutputDirectory: r.pipelineRoot, parameterValues: { push_destination: { stringValue: r.pushBase } } },
    serviceAccount: `${r.projectNumber}-compute@developer.gserviceaccount.com`,
  };
  if (r.state !== 'PENDING') {
    job.startTime = ts(start);
    job.jobDetail = {
      pipelineContext: { name: `${store}/contexts/${r.pipelineName}`, displayName: r.pipelineName, schemaTitle: 'system.Pipeline' },
      pipelineRunContext: { name: `${store}/contexts/${r.runId}`, displayName: r.runId, schemaTitle: 'system.PipelineRun' },
      taskDetails: [
        { taskId: String(rootId), taskName: r.pipelineName, createTime: ts(r.createMs), startTime: ts(start), state: terminal ? r.state : 'RUNNING', ...(terminal ? { endTime: ts(lastEnd) } : {}) },
        ...tasks,
      ],
    };
  }
  if (terminal) job.endTime = ts(lastEnd);
  if (r.state === 'FAILED') {
    job.error = { code: 9, message: `The DAG failed because some tasks failed. The failed tasks are: [Trainer].; Job (project_id = ${r.parent.split('/')[1]}, job_id = ${jobNumber}) is failed due to the above error.; Failed to handle the job: {project_number = ${r.projectNumber}, job_id = ${jobNumber}}` };
  }
  return job;
}
