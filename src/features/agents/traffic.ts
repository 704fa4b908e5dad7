import * as vscode from 'vscode';
import { confirmedToken, previewToken } from '../../common/chatConfirmation';
import type { Session } from '../shared/session';
import type { CloudRunService } from '../../serving/domain';
import { trafficLine } from '../../serving/inventory/listing';
import { inputObject, int, oneOf, SERVICE_HINT, Shown, str, text, ToolInputError } from './tool';
import { CommandIds } from '../../serving/commandIds';
import { SERVICE_NAME, REVISION_ID, ENDPOINT_NAME, idOf } from '../../serving/resourceNames';
import type { VertexEndpoint } from '../../serving/endpoints/types';

export const TRAFFIC_TOOL = 'mlServing_moveTraffic';

const ACTIONS = ['canary', 'promote', 'endCanary', 'rollback', 'endpointSplit'] as const;
type Action = (typeof ACTIONS)[number];
/** The commands the Serving view runs: the tool goes through them, their locks and checks. */
const COMMAND: Record<Action, string> = {
  canary: CommandIds.canary,
  promote: CommandIds.promote,
  endCanary: CommandIds.endCanary,
  rollback: CommandIds.rollback,
  endpointSplit: CommandIds.changeEndpointTraffic,
};

interface Move {
  action: Action;
  service: string;
  revision?: string;
  percent?: number;
  /** endpointSplit: a Vertex AI endpoint's new split {deployedModelId: percent}. */
  split?: Record<string, number>;
}

function parseSplit(o: Record<string, unknown>): Move {
  for (const k of ['service', 'revision', 'percent']) if (o[k] !== undefined) throw new ToolInputError(k, 'not used by endpointSplit (give endpoint and split)');
  const endpoint = str(o, 'endpoint', ENDPOINT_NAME, 'a Vertex AI endpoint projects/P/locations/R/endpoints/ID', true);
  const split = o.split;
  if (!split || typeof split !== 'object' || Array.isArray(split)) throw new ToolInputError('split', 'required: {deployedModelId: percent}, summing to 100');
  for (const [id, p] of Object.entries(split)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ToolInputError('split', `${JSON.stringify(id)} is not a deployed model id`);
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) throw new ToolInputError(`split.${id}`, `expected a whole number from 0 to 100, got ${JSON.stringify(p)}`);
  }
  const sum = Object.values(split as Record<string, number>).reduce((a, b) => a + b, 0);
  if (sum !== 100) throw new ToolInputError('split', `the shares sum to ${sum}, not 100`);
  return { action: 'endpointSplit', service: endpoint, split: split as Record<string, number> };
}

function parse(input: unknown): Move {
  const o = inputObject(input, ['service', 'action', 'revision', 'percent', 'endpoint', 'split']);
  const action = oneOf(o, 'action', ACTIONS, true)!;
  if (action === 'endpointSplit') return parseSplit(o);
  if (o.endpoint !== undefined || o.split !== undefined) throw new ToolInputError(o.endpoint !== undefined ? 'endpoint' : 'split', 'only with action endpointSplit');
  const service = str(o, 'service', SERVICE_NAME, SERVICE_HINT, true);
  const needsRevision = action === 'canary' || action === 'rollback';
  const revision = str(o, 'revision', REVISION_ID, 'a revision id such as my-model-00002-abc', needsRevision);
  if (!needsRevision && revision !== undefined) throw new ToolInputError('revision', `not used by ${action} (it acts on the running canary)`);
  const percent = int(o, 'percent', 1, 99);
  if (action === 'canary' && percent === undefined) throw new ToolInputError('percent', 'required for a canary (1 to 99)');
  if (action !== 'canary' && percent !== undefined) throw new ToolInputError('percent', `only a canary takes a percent, not ${action}`);
  return { action, service, revision, percent };
}

function run(m: Move, confirmed: unknown): Thenable<CloudRunService | undefined> {
  if (m.action === 'endpointSplit') return vscode.commands.executeCommand<CloudRunService | undefined>(COMMAND.endpointSplit, { endpoint: m.service }, { split: m.split, confirmed });
  const opts: Record<string, unknown> = { confirmed };
  if (m.revision !== undefined) opts.revision = m.revision;
  if (m.percent !== undefined) opts.percent = m.percent;
  return vscode.commands.executeCommand<CloudRunService | undefined>(COMMAND[m.action], { service: m.service }, opts);
}

/**
 * Changes traffic: canary, promote, end canary, rollback. prepareInvocation runs the command in
 * preview (it stops at its confirmation and reports the modal's text: which revisions gain and
 * lose traffic); invoke runs it with a token for exactly that text, so a service that changed in
 * between gets the command's own modal.
 */
export function trafficTool(session: Session, shown = new Shown()): vscode.LanguageModelTool<unknown> {
  return {
    async prepareInvocation(options) {
      const m = parse(options.input);
      const preview = previewToken();
      await run(m, preview.token);
      const t = preview.text();
      if (t === undefined) {
        // The command refused before asking (its notification says why); nothing to confirm.
        const s = m.action === 'endpointSplit' ? await (await session.cloud()).apis.endpoints.getEndpoint(m.service).catch(() => undefined) : await (await session.cloud()).run.getService(m.service);
        shown.remember(options.input, `refused:${s ? '' : 'missing'}`);
        return { invocationMessage: `ML Serving refused ${m.action} on ${m.service}` };
      }
      shown.remember(options.input, t);
      const [question, ...detail] = t.split('\n');
      return {
        invocationMessage: `${m.action} on ${idOf(m.service)}`,
        confirmationMessages: { title: question, message: detail.join('\n') },
      };
    },
    async invoke(options) {
      const m = parse(options.input);
      const t = shown.take(options.input);
      if (t?.startsWith('refused:')) {
        return text(t === 'refused:missing' ? `Service ${m.service} does not exist; nothing was changed.` : `ML Serving refused ${m.action} on ${m.service} before asking (the notification in VS Code says why, e.g. no canary running, or the revision already has all the traffic); nothing was changed.`);
      }
      // No confirmation shown for this input: no token, so the command asks with its own modal.
      const updated = await run(m, t === undefined ? undefined : confirmedToken(t));
      if (!updated) return text(`Traffic of ${m.service} was not changed (declined, or refused: see the notification in VS Code).`);
      if (m.action === 'endpointSplit') {
        const e = updated as unknown as VertexEndpoint;
        return text(`Traffic of endpoint ${e.displayName} now: ${e.deployedModels.map(d => `${d.displayName} v${d.modelVersionId} (deployed model ${d.id}) ${e.trafficSplit[d.id] ?? 0}%`).join(', ')}.`);
      }
      return text(`${m.action} done on ${updated.id}. Traffic now: ${trafficLine(updated)}.`);
    },
  };
}
