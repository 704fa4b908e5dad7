/**
 * The deploy plan, assembled in one place from what the deploy read: the model's inspection, the
 * service as it is (a redeploy keeps its resources, scaling and identity), the user's settings and
 * answers. And the proposal: exactly what is sent for a plan (a new service, or the existing one
 * merged with what this product owns) with the field-by-field review the confirmation shows.
 * Pure: no vscode, no clients.
 */
import type { ModelInspection } from '../savedModel/inspection';
import type { ContainerKind } from '../routing/chooseContainer';
import { applyAnswers, type DeployAnswers } from './answers';
import type { ServingSpec } from '../servingSpec';
import { diffService, keptSummary, mergeService, type FieldChange, type Json, type UserChanges } from './mergeService';
import { deriveModelName } from './names';
import { defaultPlan, type DeployPlan } from './plan';
import { maxMemory, PYTHON_MIN_MEMORY } from './quantities';
import { buildService, type DeployOptions } from './serviceSpec';

/** Cloud Run's values when a template leaves them unset: the baseline a redeploy keeps. */
export const RUN_DEFAULTS = { cpu: '1', memory: '512Mi', minInstances: 0, maxInstances: 100, concurrency: 80 } as const;

/** Resources and scaling a service runs with (Cloud Run's defaults where its template is silent). */
export interface Baseline {
  cpu: string;
  memory: string;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
}

/** What the redeploy keeps of the service read once: its resources, model name and identity. */
export interface ExistingFacts {
  baseline: Baseline;
  modelName?: string;
  /** The service's own identity, unless it is the default compute account. */
  serviceAccount?: string;
  rawServiceAccount?: string;
}

/** The service as read once: the raw resource (a merge starts from it) and its ServingSpec. */
export interface ExistingService {
  raw: Json;
  spec: ServingSpec;
}

export function existingFacts(spec: ServingSpec): ExistingFacts {
  return {
    baseline: {
      cpu: spec.resources.cpu || RUN_DEFAULTS.cpu, memory: spec.resources.memory || RUN_DEFAULTS.memory,
      minInstances: spec.scaling.minInstances ?? RUN_DEFAULTS.minInstances, maxInstances: spec.scaling.maxInstances || RUN_DEFAULTS.maxInstances,
      concurrency: spec.scaling.concurrency || RUN_DEFAULTS.concurrency,
    },
    modelName: spec.env.MODEL_NAME,
    serviceAccount: spec.identity.defaultCompute ? undefined : spec.identity.serviceAccount,
    rawServiceAccount: spec.identity.serviceAccount,
  };
}

export interface PlanInputs {
  inspection: ModelInspection;
  serviceName: string;
  region: string;
  project: string;
  /** The image for a container kind (the user's setting or the project's own). */
  imageFor: (container: 'native' | 'python') => string;
  source: { displayName: string; links: DeployOptions['links']; modelName?: string; container?: ContainerKind };
  /** The service as read (once) before the plan, when it exists. */
  existing?: ExistingService;
  /** Whether allUsers may invoke it now (its IAM policy, read once). */
  wasPublic?: boolean;
  /** mlServing.deploy.serviceAccount (user settings only). */
  settingsServiceAccount?: string;
  answers: DeployAnswers;
  warmupData?: boolean;
}

/** The plan the confirmation starts from. */
export function planFor(i: PlanInputs): DeployPlan {
  const facts = i.existing ? existingFacts(i.existing.spec) : undefined;
  const container = i.inspection.container as 'native' | 'python';
  const plan: DeployPlan = {
    ...defaultPlan({
      inspection: i.inspection, serviceName: i.serviceName, region: i.region, project: i.project, container,
      image: i.imageFor(container), modelName: i.source.modelName ?? facts?.modelName ?? deriveModelName(i.source.displayName),
      links: i.source.links, update: Boolean(i.existing),
      // The identity: the user's setting, else the service's own (a redeploy keeps it), else Cloud Run's default.
      serviceAccount: i.settingsServiceAccount || facts?.serviceAccount,
    }),
    warmupData: i.warmupData,
  };
  if (!facts) return applyAnswers(plan, i.answers);
  // A redeploy keeps the service's resources and scaling unless the user changes them; moving to
  // the Python server (a recognised failure's fix) brings at least the memory it needs.
  const b = facts.baseline;
  const memory = i.answers.memory ?? (container === 'python' && i.source.container ? maxMemory(b.memory, PYTHON_MIN_MEMORY) : b.memory);
  return { ...applyAnswers({ ...plan, ...b }, { ...i.answers, memory: undefined }), memory, isPublic: i.answers.isPublic ?? Boolean(i.wasPublic) };
}

/**
 * The plan after the user switched container in the confirmation: the other container's defaults
 * (reasons, image, will-fail) with the resources, access and identity the user had chosen.
 */
export function switchedPlan(i: PlanInputs, current: DeployPlan): DeployPlan {
  const next = planFor(i);
  return {
    ...next,
    cpu: current.cpu, memory: i.inspection.container === 'python' ? maxMemory(current.memory, PYTHON_MIN_MEMORY) : current.memory,
    minInstances: current.minInstances, maxInstances: current.maxInstances, concurrency: current.concurrency,
    isPublic: current.isPublic, serviceAccount: current.serviceAccount,
  };
}

/** What a redeploy changes and keeps, derived from the exact body that will be sent. */
export interface Review {
  changes: FieldChange[];
  kept: string[];
}

/** What is sent: the new service, or the existing one merged with what this product owns. */
export interface Proposal {
  existing?: Json;
  body: Json;
  review?: Review;
}

export function proposalFor(p: DeployPlan, found: ExistingService | undefined): Proposal {
  const desired = buildService(p);
  if (!found) return { body: desired };
  const existing = found.raw;
  const facts = existingFacts(found.spec);
  const changes: UserChanges = {};
  for (const k of ['cpu', 'memory', 'minInstances', 'maxInstances', 'concurrency'] as const) if (p[k] !== facts.baseline[k]) (changes as Record<string, unknown>)[k] = p[k];
  if (p.serviceAccount && p.serviceAccount !== facts.rawServiceAccount) changes.serviceAccount = p.serviceAccount;
  const body = mergeService(existing, desired, changes);
  return { existing, body, review: { changes: diffService(existing, body), kept: keptSummary(body.template) } };
}
