/**
 * What a Cloud Run service runs, in the product's terms: the serving container's image and
 * resources, scaling, where the model is mounted from, its env and the identity it runs as.
 * src/gcp/runSpec.ts maps Cloud Run v2 Service JSON to and from it, so features and src/serving
 * never walk `template.containers[0].resources…`. Absent fields mean "not set": Cloud Run's default
 * applies. Pure data: no vscode, no clients.
 */

export interface ServingResources {
  /** `limits.cpu`: "1", "2", "1000m". */
  cpu?: string;
  /** `limits.memory`: "512Mi", "4Gi". */
  memory?: string;
  startupCpuBoost?: boolean;
  /** CPU only during requests (`cpuIdle`). */
  cpuIdle?: boolean;
}

export interface ServingScaling {
  minInstances?: number;
  maxInstances?: number;
  /** Requests one instance takes at once (`maxInstanceRequestConcurrency`). */
  concurrency?: number;
  /** Request timeout in whole seconds. */
  timeoutSeconds?: number;
}

/** The Cloud Storage folder mounted into the serving container (a `gcs` volume). */
export interface ServingMount {
  /** The volume's name in the template. */
  volume: string;
  bucket: string;
  /** The folder inside the bucket (`only-dir=`), '' for the whole bucket. */
  folder: string;
  /** Where the container sees it: `/models/NAME/VERSION`. */
  mountPath: string;
  readOnly: boolean;
}

export interface ServingIdentity {
  /** The runtime service account; undefined when the template names none (Cloud Run's default). */
  serviceAccount?: string;
  /** The account is (or, unset, will be) the Compute Engine default one, often Editor on the project. */
  defaultCompute: boolean;
}

export interface ServingSpec {
  /** Index of the serving container in the template; -1 when none can be told apart. */
  containerIndex: number;
  containerName?: string;
  image?: string;
  args: string[];
  port?: number;
  resources: ServingResources;
  scaling: ServingScaling;
  mount?: ServingMount;
  /** Plain env values of the serving container (MODEL_NAME…). */
  env: Record<string, string>;
  /** Env vars taken from Secret Manager: names only, a value never leaves Cloud Run. */
  secretEnv: string[];
  identity: ServingIdentity;
}
