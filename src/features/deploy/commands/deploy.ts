/**
 * Deploy to Cloud Run: the shared operation (src/operations/deploy.ts) with VS Code's UI around it:
 * the service name asked in an input box, the confirmation pick and modal, progress notifications,
 * the Serving row marked busy, and the outcome with its buttons. Never deletes a service and never
 * moves traffic off a serving revision except as Cloud Run does once the new one is ready
 * (LATEST); a failed revision leaves the previous one serving.
 */
import * as vscode from 'vscode';
import { chatDecision } from '../../../common/chatConfirmation';
import { CancelledError, isCancellation, ValidationError, type ErrorAction } from '../../../common/errors';
import type { Logger } from '../../../common/logger';
import type { CloudContext, Session } from '../../shared/session';
import { reportIgnoredWorkspaceValues } from '../../../common/settings';
import { unattendedAllowed } from '../../../common/unattended';
import { parseAnswers } from '../../../operations/answers';
import { executeDeploy, prepareDeploy, refuseProblems, type DeployHooks, type DeployOutcome, type PreparedDeploy } from '../../../operations/deploy';
import type { DeployAnswers } from '../../../serving/deploy/answers';
import { serviceNameProblem } from '../../../serving/deploy/names';
import { planProblems, type DeployPlan } from '../../../serving/deploy/plan';
import type { CloudRunService } from '../../../serving/domain';
import { imageFor } from '../../../serving/images';
import type { Operations } from '../../shared/operations';
import { trafficSummary } from '../../../serving/deploy/trafficSummary';
import { confirmPlan, planDetail } from '../confirmPlan';
import type { DeployLock } from '../deployLock';
import { deployFailure, forceNewRevision, reportUnchanged } from '../deployOutcome';
import { isRedeployArgs, resolveSource } from '../deploySource';
import { CommandIds } from '../../../serving/commandIds';

export interface DeployResult {
  service: CloudRunService;
  plan: DeployPlan;
  /** A redeploy that changed nothing: Cloud Run made no revision. */
  unchanged?: boolean;
}

/** Everything a deploy command needs, in one object. */
export interface DeployCommandContext {
  session: Session;
  ops: Operations;
  lock: DeployLock;
  logger: Logger;
  /** The extension's deploy/ folder (the Cloud Build command a missing image offers). */
  deployDir: string;
}

export function deploy(ctx: DeployCommandContext) {
  return async (target?: unknown, rawAnswers?: unknown): Promise<DeployResult> => {
    const answers = parseAnswers(rawAnswers);
    // Skipping the confirmation is for the test runner only; anyone else is asked.
    if (answers.yes && !unattendedAllowed()) {
      ctx.logger.warn('deploy: "yes" ignored outside the extension\'s tests; asking for confirmation');
      answers.yes = false;
    }
    // "Redeploy with more memory" from a recognised failure carries the memory with the target.
    if (isRedeployArgs(target) && target.memory !== undefined) {
      if (typeof target.memory !== 'string') throw new ValidationError('memory', 'expected a memory limit such as 8Gi');
      answers.memory ??= target.memory;
    }
    const cloud = await ctx.session.cloud();
    const source = await resolveSource(target, cloud);
    // A workspace cannot choose the image or identity; say so if it tried.
    await reportIgnoredWorkspaceValues();
    const settings = ctx.session.settings;
    const prepared = await prepareDeploy(
      { apis: cloud.apis, imageFor: (c, region) => imageFor(c, settings, cloud.project, region), serviceAccount: settings.deployServiceAccount },
      source, answers, uiHooks(answers),
    );
    // Quota errors offer the same deploy again (through the confirmation unless it was skipped).
    const retry: ErrorAction = { title: 'Retry', command: CommandIds.deploy, args: [target, rawAnswers] };
    const result = await ctx.lock.run(prepared.name, () => run(ctx, cloud, prepared, retry));
    if (result.unchanged) {
      reportUnchanged(result.service, result.plan, () => forceNewRevision({ cloud, ops: ctx.ops, lock: ctx.lock, plan: result.plan, name: prepared.name, logger: ctx.logger, deployDir: ctx.deployDir }));
    }
    return result;
  };
}

/** The questions as VS Code asks them: an input box, the pick and modal, or a chat tool's confirmation. */
function uiHooks(a: DeployAnswers): DeployHooks {
  return {
    askServiceName: a.yes || a.chat !== undefined ? undefined : async suggested => vscode.window.showInputBox({
      title: 'Deploy to Cloud Run: service name', value: suggested,
      prompt: 'An existing service gets a new revision; its current revision keeps serving until the new one is ready.',
      validateInput: v => serviceNameProblem(v.trim()),
    }),
    inspecting: (uri, work) => Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the SavedModel at ${uri}…` }, work)),
    async confirm(plan, c) {
      if (a.yes) {
        refuseProblems(plan);
        return plan;
      }
      // A language model tool: previews the modal's text, or deploys what the user accepted in chat.
      if (a.chat !== undefined) {
        const problems = planProblems(plan);
        const text = [`${plan.willFail.length ? `This deploy of ${plan.serviceName} will fail: ${plan.willFail[0]}` : `Deploy ${plan.serviceName} to Cloud Run?`}`, planDetail(plan, c.review(plan)), ...problems.map(p => `Problem: ${p}`)].join('\n');
        const chat = chatDecision(a.chat, text);
        if (chat === 'preview') throw new CancelledError();
        if (chat === 'confirmed' && !problems.length) return plan;
      }
      return confirmPlan(plan, c);
    },
  };
}

/** The write, under the service's lock, with the row busy and a cancellable notification. */
async function run(ctx: DeployCommandContext, cloud: CloudContext, p: PreparedDeploy, retry: ErrorAction): Promise<DeployResult> {
  const { plan, name } = p;
  ctx.logger.info(`deploy ${name}: ${plan.container} ${plan.image}, model ${plan.modelUri} → /models/${plan.modelName}/${plan.version ?? '1'}`);
  ctx.ops.start(name, plan.update ? 'Deploying new revision…' : 'Deploying…');
  try {
    let outcome: DeployOutcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deploying ${plan.serviceName} to Cloud Run`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return executeDeploy(cloud.apis, p, { progress: message => progress.report({ message }), signal: ac.signal, retry });
        },
      );
    } catch (e) {
      if (!isCancellation(e)) throw e;
      const now = await cloud.run.getService(name).catch(() => undefined);
      const state = now ? `${now.reconciling ? 'still deploying' : 'not changing'}; traffic: ${trafficSummary(now)}` : 'not created';
      void vscode.window.showWarningMessage(`Stopped waiting for ${plan.serviceName}. Cloud Run carries on with the operation: the service is ${state}. The Serving view shows its real state.`);
      throw new CancelledError();
    }
    if (outcome.kind === 'failed') throw await deployFailure(cloud, plan, outcome.message, outcome.revision, ctx.logger, ctx.deployDir);
    if (outcome.kind === 'unchanged') return { service: outcome.service, plan, unchanged: true };
    const service = outcome.service;
    void vscode.window.showInformationMessage(`${plan.serviceName} is serving at ${service.uri}`, 'Test Prediction', 'Tail Logs', 'Copy URL').then(async pick => {
      if (pick === 'Test Prediction') await vscode.commands.executeCommand(CommandIds.testPrediction, { service: name });
      if (pick === 'Tail Logs') await vscode.commands.executeCommand(CommandIds.tailLogs, { service: name });
      if (pick === 'Copy URL' && service.uri) await vscode.env.clipboard.writeText(service.uri);
    });
    return { service, plan };
  } finally {
    ctx.ops.done(name);
  }
}
