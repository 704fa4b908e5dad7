/**
 * What a "Deploy to Vertex AI Endpoint" does, decided before any call: the serving container (from
 * the same routing as Cloud Run), the machine, replicas and the endpoint's traffic after it.
 * Bad input is rejected here, each problem naming its field.
 */
import type { ContainerKind } from '../routing/chooseContainer';
import { checkMachine } from './machineTypes';
import { checkTrafficSplit, splitAfterCanary, type TrafficSplit } from './traffic';

/** Vertex AI's prebuilt TensorFlow serving container (CPU); plain SavedModels use it. */
export const PREBUILT_TF_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-15:latest';
/** The GPU variant of the same prebuilt container. */
export const PREBUILT_TF_GPU_IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/tf2-gpu.2-15:latest';

export function isPrebuiltTfImage(image: string): boolean {
  return /^[a-z-]*-?docker\.pkg\.dev\/vertex-ai\/prediction\/tf2-(cpu|gpu)\./.test(image);
}

export interface EndpointDeployInput {
  region: string;
  machineType: string;
  acceleratorType?: string;
  acceleratorCount?: number;
  minReplicas: number;
  maxReplicas: number;
  /** Share for the new deployed model (ignored on an endpoint with no traffic: it takes 100). */
  trafficShare: number;
  /** The endpoint's current split (empty for a new endpoint). */
  currentSplit: TrafficSplit;
}

export interface ContainerSpecChoice {
  kind: ContainerKind;
  imageUri: string;
  /** Set for the custom (Python) container: where Vertex sends predictions and health checks. */
  predictRoute?: string;
  healthRoute?: string;
  ports?: Array<{ containerPort: number }>;
  env?: Array<{ name: string; value: string }>;
  why: string;
}

/**
 * The model's serving container on Vertex AI. Native → the prebuilt TF serving image; python →
 * the project's Python image as a custom container, on TF Serving's REST routes.
 */
export function endpointContainer(kind: ContainerKind, pythonImage: string, opts: { gpu?: boolean; modelName?: string } = {}): ContainerSpecChoice {
  if (kind === 'native') {
    return { kind, imageUri: opts.gpu ? PREBUILT_TF_GPU_IMAGE : PREBUILT_TF_IMAGE, why: 'no custom ops: Vertex AI\'s prebuilt TensorFlow serving container runs it' };
  }
  if (!pythonImage) throw new Error('mlServing.images.python: required for a model with custom ops');
  const name = opts.modelName ?? 'model';
  return {
    kind, imageUri: pythonImage,
    predictRoute: `/v1/models/${name}:predict`, healthRoute: `/v1/models/${name}`,
    ports: [{ containerPort: 8501 }], env: [{ name: 'MODEL_NAME', value: name }],
    why: 'custom ops the prebuilt container lacks: the project\'s Python server image, registered as the model\'s custom container',
  };
}

export interface EndpointDeployCheck {
  errors: string[];
  /** The endpoint's split once the new model is deployed; `NEW` stands for its id (unknown yet). */
  splitAfter: TrafficSplit;
}

/** The key Vertex AI's DeployModelRequest.traffic_split uses for the model being deployed. */
export const NEW_MODEL_KEY = '0';

export function checkEndpointDeploy(input: EndpointDeployInput): EndpointDeployCheck {
  const errors: string[] = [];
  const machine = checkMachine(input.region, input.machineType, input.acceleratorType ? { type: input.acceleratorType, count: input.acceleratorCount ?? 1 } : undefined);
  if (machine) errors.push(machine.message);
  const intIn = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(input.minReplicas, 1, 1000)) errors.push(`minReplicas: expected an integer from 1 to 1000, got ${input.minReplicas}`);
  if (!intIn(input.maxReplicas, 1, 1000)) errors.push(`maxReplicas: expected an integer from 1 to 1000, got ${input.maxReplicas}`);
  else if (intIn(input.minReplicas, 1, 1000) && input.maxReplicas < input.minReplicas) errors.push(`maxReplicas: must be at least minReplicas (${input.minReplicas}), got ${input.maxReplicas}`);
  const ids = Object.keys(input.currentSplit);
  const empty = !Object.values(input.currentSplit).some(v => v > 0);
  if (!intIn(input.trafficShare, 0, 100)) errors.push(`trafficShare: expected an integer from 0 to 100, got ${input.trafficShare}`);
  const current = checkTrafficSplit(input.currentSplit, ids, 'currentSplit');
  if (ids.length && current.length) errors.push(...current);
  let splitAfter: TrafficSplit = {};
  if (!errors.length) splitAfter = splitAfterCanary(input.currentSplit, NEW_MODEL_KEY, empty ? 100 : input.trafficShare);
  return { errors, splitAfter };
}
