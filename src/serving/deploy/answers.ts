import type { DeployPlan } from './plan';

/**
 * Answers given up front (by another command, a test, or automation) instead of asked:
 * validated like any other input. `yes` skips the confirmation.
 */
export interface DeployAnswers {
  serviceName?: string;
  region?: string;
  container?: 'native' | 'python';
  isPublic?: boolean;
  cpu?: string;
  memory?: string;
  minInstances?: number;
  maxInstances?: number;
  concurrency?: number;
  yes?: boolean;
  /** A chat confirmation token (src/common/chatConfirmation); anything else there means "ask". */
  chat?: unknown;
}

export function applyAnswers(plan: DeployPlan, a: DeployAnswers): DeployPlan {
  const p = { ...plan };
  if (a.cpu !== undefined) p.cpu = a.cpu;
  if (a.memory !== undefined) p.memory = a.memory;
  if (a.minInstances !== undefined) p.minInstances = a.minInstances;
  if (a.maxInstances !== undefined) p.maxInstances = a.maxInstances;
  if (a.concurrency !== undefined) p.concurrency = a.concurrency;
  if (a.isPublic !== undefined) p.isPublic = a.isPublic;
  return p;
}
