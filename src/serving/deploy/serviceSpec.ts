/**
 * The Cloud Run v2 Service this product deploys for a model. The model folder is mounted from
 * Cloud Storage (gen2, `gcs` volume with only-dir) exactly where TF Serving looks for it:
 * /models/<MODEL_NAME>/<VERSION>/saved_model.pb. Nothing is downloaded at container start.
 */
import type { ContainerKind } from '../routing/chooseContainer';
import { SERVICE_LABELS } from './serviceLabels';
import { sanitizeLabels } from '../labels';

export interface DeployOptions {
  serviceName: string;
  region: string;
  project: string;
  image: string;
  container: ContainerKind;
  /** TF Serving model name (URL path). */
  modelName: string;
  /** gs://bucket/path/to/VERSION/ (the folder holding saved_model.pb). */
  modelUri: string;
  /** The version folder's name; unversioned exports are mounted as version 1. */
  version: string | null;
  cpu: string;
  memory: string;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  timeoutSeconds: number;
  /** Labels linking the service to its model: model id, version, run. */
  links: { model?: string; modelVersion?: string; run?: string; modelDisplayName?: string };
  serviceAccount?: string;
}

export const DEFAULT_DEPLOY = { cpu: '2', memory: '4Gi', minInstances: 0, maxInstances: 10, concurrency: 16, timeoutSeconds: 300 } as const;

export const PORT = 8501;
const VOLUME = 'model';

export function splitGcsFolder(uri: string): { bucket: string; path: string } {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`model uri: expected gs://BUCKET/PATH, got "${uri}"`);
  return { bucket: m[1], path: m[2].replace(/\/+$/, '') };
}

/** The Service message for create (`service`) and update (same object plus `name`). */
export function buildService(o: DeployOptions): Record<string, any> {
  const { bucket, path } = splitGcsFolder(o.modelUri);
  const version = o.version ?? '1';
  const mountPath = `/models/${o.modelName}/${version}`;
  const labels = sanitizeLabels({
    [SERVICE_LABELS.managedBy]: SERVICE_LABELS.managedByValue,
    [SERVICE_LABELS.model]: o.links.model,
    [SERVICE_LABELS.modelDisplayName]: o.links.modelDisplayName,
    [SERVICE_LABELS.modelVersion]: o.links.modelVersion,
    [SERVICE_LABELS.run]: o.links.run,
    [SERVICE_LABELS.container]: o.container,
  });
  const args = o.container === 'native'
    ? [`--rest_api_port=${PORT}`, `--model_name=${o.modelName}`, `--model_base_path=/models/${o.modelName}`,
       '--enable_batching=true', '--batching_parameters_file=/etc/tf_serving/batching.config']
    : [];
  return {
    labels,
    template: {
      labels,
      executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
      scaling: { minInstanceCount: o.minInstances, maxInstanceCount: o.maxInstances },
      maxInstanceRequestConcurrency: o.concurrency,
      timeout: { seconds: o.timeoutSeconds },
      ...(o.serviceAccount ? { serviceAccount: o.serviceAccount } : {}),
      containers: [{
        name: 'serving',
        image: o.image,
        ...(args.length ? { args } : {}),
        ports: [{ name: 'http1', containerPort: PORT }],
        env: [
          { name: 'MODEL_NAME', value: o.modelName },
          { name: 'MODEL_BASE_PATH', value: '/models' },
          { name: 'MODEL_VERSION', value: version },
        ],
        resources: { limits: { cpu: o.cpu, memory: o.memory }, startupCpuBoost: true },
        // Ready when TF Serving reports the model AVAILABLE, not merely when the port opens.
        startupProbe: {
          httpGet: { path: `/v1/models/${o.modelName}`, port: PORT },
          initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: o.container === 'python' ? 120 : 60,
        },
        volumeMounts: [{ name: VOLUME, mountPath }],
      }],
      volumes: [{ name: VOLUME, gcs: { bucket, readOnly: true, mountOptions: path ? [`only-dir=${path}`] : [] } }],
    },
  };
}
