import * as vscode from 'vscode';
import { CancelledError } from '../../common/errors';
import { planProblems, planSummary, type DeployPlan } from '../../serving/deploy/plan';

type Item = vscode.QuickPickItem & { action: 'deploy' | 'resources' | 'public' | 'switch' };

/**
 * The one confirmation: the summary (container and why) with Deploy first; the user may change
 * resources, access or the container before deploying. Returns the confirmed plan.
 */
export async function confirmPlan(initial: DeployPlan, switchContainer: (p: DeployPlan) => Promise<DeployPlan>): Promise<DeployPlan> {
  let plan = initial;
  for (;;) {
    const problems = planProblems(plan);
    const items: Item[] = [
      { action: 'deploy', label: problems.length ? '$(error) Fix the settings below first' : `$(rocket) Deploy ${plan.serviceName}`, detail: planSummary(plan).split('\n').slice(0, 3).join(' · '), alwaysShow: true },
      { action: 'switch', label: `$(server) Container: ${plan.container === 'native' ? 'native TF Serving' : 'Python server'}`, description: `switch to ${plan.container === 'native' ? 'the Python server' : 'native TF Serving'}`, detail: [...plan.reasons, ...plan.warnings.map(w => `⚠ ${w}`)].join(' ') },
      { action: 'resources', label: `$(dashboard) Resources: ${plan.cpu} CPU, ${plan.memory}, ${plan.minInstances}–${plan.maxInstances} instances, concurrency ${plan.concurrency}`, description: 'change' },
      { action: 'public', label: plan.isPublic ? '$(unlock) Access: PUBLIC' : '$(lock) Access: authenticated', description: plan.isPublic ? 'make it authenticated' : 'make it public…' },
      ...problems.map(p => ({ action: 'resources' as const, label: `$(warning) ${p}` })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Deploy to Cloud Run: ${plan.update ? 'new revision of' : 'new service'} ${plan.serviceName}`, placeHolder: 'Confirm, or change a setting', ignoreFocusOut: true });
    if (!picked) throw new CancelledError();
    if (picked.action === 'deploy' && !problems.length) return plan;
    if (picked.action === 'switch') plan = await switchContainer(plan);
    if (picked.action === 'resources') plan = await editResources(plan);
    if (picked.action === 'public') plan = await togglePublic(plan);
  }
}

async function editResources(p: DeployPlan): Promise<DeployPlan> {
  const ask = async (field: keyof DeployPlan, prompt: string, value: string, check: (v: string) => string | undefined) => {
    const v = await vscode.window.showInputBox({ title: `Deploy: ${String(field)}`, prompt, value, validateInput: check });
    if (v === undefined) throw new CancelledError();
    return v.trim();
  };
  const intCheck = (field: string, min: number, max: number) => (v: string) => /^\d+$/.test(v.trim()) && +v >= min && +v <= max ? undefined : `${field}: a whole number from ${min} to ${max}`;
  const next = { ...p };
  next.cpu = await ask('cpu', 'CPU limit (1, 2, 4, 8 or e.g. 500m)', p.cpu, v => planProblems({ ...p, cpu: v.trim() }).find(x => x.startsWith('cpu:')));
  next.memory = await ask('memory', 'Memory limit (512Mi to 32Gi)', p.memory, v => planProblems({ ...p, memory: v.trim() }).find(x => x.startsWith('memory:')));
  next.minInstances = Number(await ask('minInstances', 'Minimum instances (0 scales to zero; cold starts then apply)', String(p.minInstances), intCheck('minInstances', 0, 1000)));
  next.maxInstances = Number(await ask('maxInstances', 'Maximum instances', String(p.maxInstances), intCheck('maxInstances', 1, 1000)));
  next.concurrency = Number(await ask('concurrency', 'Requests per instance at once', String(p.concurrency), intCheck('concurrency', 1, 1000)));
  return next;
}

async function togglePublic(p: DeployPlan): Promise<DeployPlan> {
  if (p.isPublic) return { ...p, isPublic: false };
  const ok = await vscode.window.showWarningMessage(
    `Make ${p.serviceName} public?`,
    { modal: true, detail: 'Anyone on the internet will be able to call this model without signing in (roles/run.invoker for allUsers). Requests are billed to your project.' },
    'Make Public',
  );
  return ok === 'Make Public' ? { ...p, isPublic: true } : p;
}
