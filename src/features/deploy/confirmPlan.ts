import * as vscode from 'vscode';
import { CancelledError } from '../../common/errors';
import { SERVICE_ACCOUNT } from '../../common/settingsSchema';
import { isProjectImage, planProblems, type DeployPlan } from '../../serving/deploy/plan';
import type { Review } from '../../serving/deploy/planFor';
import { changeLines, planDetail } from '../../serving/deploy/planText';
import { dedicatedAccountCommands, suggestedServiceAccount } from '../../serving/deploy/serviceAccount';

type Action = 'deploy' | 'resources' | 'public' | 'switch' | 'identity' | 'review';
type Item = vscode.QuickPickItem & { action: Action };

export type { Review };
export { changeLines, planDetail };

export interface ConfirmDeps {
  /** The same model in the other container (re-inspected). */
  switchContainer(p: DeployPlan): Promise<DeployPlan>;
  /** Redeploys: the field-by-field diff of the merged service against the existing one. */
  review(p: DeployPlan): Review | undefined;
}

const kind = (p: DeployPlan) => (p.container === 'native' ? 'native TF Serving' : 'Python server');

/**
 * The confirmation: a quick pick to change resources, access, container or identity, then a modal
 * with everything in full (reasons, image, plan, every changed field old → new, what is kept).
 * A deploy known to fail, and an image from outside the project's ml-serving repository, each
 * need an explicit choice. Returns the confirmed plan.
 */
export async function confirmPlan(initial: DeployPlan, deps: ConfirmDeps): Promise<DeployPlan> {
  let plan = initial;
  for (;;) {
    const problems = planProblems(plan);
    const review = deps.review(plan);
    const items: Item[] = [
      { action: 'deploy', label: problems.length ? '$(error) Fix the settings below first' : `$(rocket) Deploy ${plan.serviceName}`,
        detail: review ? `${review.changes.length} field${review.changes.length === 1 ? '' : 's'} change; the next step shows every change in full` : 'the next step shows the whole plan', alwaysShow: true },
      { action: 'switch', label: `$(server) Container: ${kind(plan)}`, description: `switch to ${plan.container === 'native' ? 'the Python server' : 'native TF Serving'}`, detail: [...plan.willFail.map(w => `✖ ${w}`), ...plan.reasons, ...plan.warnings.map(w => `⚠ ${w}`)].join(' ') },
      { action: 'review', label: `$(package) Image: ${plan.image}` },
      { action: 'resources', label: `$(dashboard) Resources: ${plan.cpu} CPU, ${plan.memory}, ${plan.minInstances}–${plan.maxInstances} instances, concurrency ${plan.concurrency}`, description: 'change' },
      { action: 'public', label: plan.isPublic ? '$(unlock) Access: PUBLIC' : '$(lock) Access: authenticated', description: plan.isPublic ? 'make it authenticated' : 'make it public…' },
      plan.serviceAccount
        ? { action: 'identity', label: `$(person) Runs as: ${plan.serviceAccount}`, description: 'change…' }
        : { action: 'identity', label: '$(warning) Runs as: the default compute service account (often Editor on the project)', description: 'use a dedicated one…' },
      ...(review?.kept.length ? [{ action: 'review' as const, label: `$(check) Kept: ${review.kept.join('; ')}` }] : []),
      ...(review?.changes ?? []).map(c => ({ action: 'review' as const, label: `$(diff) ${c.field}: ${c.before ?? '(none)'} → ${c.after ?? '(removed)'}` })),
      ...problems.map(p => ({ action: 'resources' as const, label: `$(warning) ${p}` })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Deploy to Cloud Run: ${plan.update ? 'new revision of' : 'new service'} ${plan.serviceName}`, placeHolder: 'Confirm, or change a setting', ignoreFocusOut: true });
    if (!picked) throw new CancelledError();
    if ((picked.action === 'deploy' || picked.action === 'review') && !problems.length) {
      const next = await finalConfirmation(plan, review);
      if (next === 'deploy') return plan;
      if (next === 'identity') plan = await pickIdentity(plan);
    }
    if (picked.action === 'switch') plan = await switchContainer(plan, deps);
    if (picked.action === 'resources') plan = await editResources(plan);
    if (picked.action === 'public') plan = await togglePublic(plan);
    if (picked.action === 'identity') plan = await pickIdentity(plan);
  }
}

/** The modal with the plan in full. Returns what the user chose; undefined goes back to the pick. */
async function finalConfirmation(plan: DeployPlan, review: Review | undefined): Promise<'deploy' | 'identity' | undefined> {
  if (!isProjectImage(plan.image, plan.project)) {
    const use = 'Use This Image';
    const ok = await vscode.window.showWarningMessage(`Deploy the image ${plan.image}?`, {
      modal: true,
      detail: `It is not from your project's Artifact Registry repository (REGION-docker.pkg.dev/${plan.project}/ml-serving/…). It will run with the service's identity, read the model and any secrets the service has. Deploy it only if you trust where it comes from (it was set in mlServing.images.${plan.container}).`,
    }, use);
    if (ok !== use) return undefined;
  }
  const detail = planDetail(plan, review);
  const deploy = plan.willFail.length ? 'Deploy Anyway' : 'Deploy';
  const dedicated = 'Use a Dedicated Service Account…';
  const message = plan.willFail.length
    ? `This deploy of ${plan.serviceName} will fail: ${plan.willFail[0]}`
    : `Deploy ${plan.serviceName} to Cloud Run?`;
  const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...(plan.serviceAccount ? [deploy] : [deploy, dedicated]));
  if (pick === deploy) return 'deploy';
  if (pick === dedicated) return 'identity';
  return undefined;
}

/** Switching the container: when the product knows the other one will fail, a modal says so. */
async function switchContainer(plan: DeployPlan, deps: ConfirmDeps): Promise<DeployPlan> {
  const next = await deps.switchContainer(plan);
  if (!next.willFail.length) return next;
  const anyway = 'Switch Anyway';
  const ok = await vscode.window.showWarningMessage(`${kind(next)} will fail to serve this model`, {
    modal: true,
    detail: `${next.willFail.join('\n')}\n\n${plan.reasons.map(r => `• ${r}`).join('\n')}\n\nSwitch only to see the failure for yourself; the current revision keeps serving.`,
  }, anyway);
  return ok === anyway ? next : plan;
}

/** Run as a dedicated service account: the gcloud commands that create it go to the clipboard. */
async function pickIdentity(plan: DeployPlan): Promise<DeployPlan> {
  const email = await vscode.window.showInputBox({
    title: 'Deploy: run the model as a dedicated service account',
    value: plan.serviceAccount ?? suggestedServiceAccount(plan.project),
    prompt: 'It needs read access to the model bucket and permission to write logs, nothing more. The gcloud commands that create it so are copied to the clipboard.',
    validateInput: v => (SERVICE_ACCOUNT.test(v.trim()) ? undefined : 'serviceAccount: a service account e-mail such as ml-serving@PROJECT.iam.gserviceaccount.com'),
  });
  if (email === undefined) return plan;
  const sa = email.trim();
  await vscode.env.clipboard.writeText(dedicatedAccountCommands(sa, plan.project, plan.modelUri));
  void vscode.window.showInformationMessage(`Copied the gcloud commands that create ${sa} with only what serving needs; run them before deploying (Cloud Run refuses an account that does not exist). To use it for every deploy, set mlServing.deploy.serviceAccount in your user settings.`);
  return { ...plan, serviceAccount: sa };
}

async function editResources(p: DeployPlan): Promise<DeployPlan> {
  const ask = async (field: keyof DeployPlan, title: string, prompt: string, value: string, check: (v: string) => string | undefined) => {
    const v = await vscode.window.showInputBox({ title: `Deploy: ${title}`, prompt, value, validateInput: check });
    if (v === undefined) throw new CancelledError();
    void field;
    return v.trim();
  };
  const intCheck = (field: string, min: number, max: number) => (v: string) => /^\d+$/.test(v.trim()) && +v >= min && +v <= max ? undefined : `${field}: a whole number from ${min} to ${max}`;
  const next = { ...p };
  next.cpu = await ask('cpu', 'CPU per instance', 'CPU limit (1, 2, 4, 8 or e.g. 500m)', p.cpu, v => planProblems({ ...p, cpu: v.trim() }).find(x => x.startsWith('cpu:')));
  next.memory = await ask('memory', 'Memory per instance', 'Memory limit (512Mi to 32Gi)', p.memory, v => planProblems({ ...p, memory: v.trim() }).find(x => x.startsWith('memory:')));
  next.minInstances = Number(await ask('minInstances', 'Minimum instances (0 scales to zero)', 'Minimum instances (0 scales to zero; cold starts then apply)', String(p.minInstances), intCheck('minInstances', 0, 1000)));
  next.maxInstances = Number(await ask('maxInstances', 'Maximum instances', 'Maximum instances', String(p.maxInstances), intCheck('maxInstances', 1, 1000)));
  next.concurrency = Number(await ask('concurrency', 'Requests per instance at once', 'Requests per instance at once', String(p.concurrency), intCheck('concurrency', 1, 1000)));
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
