/**
 * `ml-serving deploy | traffic | compare`: the extension's own operations (src/operations) with a
 * terminal's UI: the plan and its changes printed on stderr, then `--yes` (pipelines) or a "y"
 * typed at a terminal; anything else is refused and nothing changes. Results on stdout (text, or
 * JSON with --json), progress on stderr.
 */
import type { CloudApis } from '../gcp/apis';
import { CancelledError, UserError, ValidationError } from '../common/errors';
import { readFailureCause, explainFailure } from '../operations/deployFailure';
import { executeDeploy, prepareDeploy, refuseProblems, type DeploySource } from '../operations/deploy';
import { changeTraffic, trafficDetail } from '../operations/traffic';
import { idOf } from '../serving/domain';
import { defaultImage } from '../serving/images';
import { planDetail } from '../serving/deploy/planText';
import { UsageError } from './flags';
import { connect, ConnectError } from './connect';
import type { OperationCommand } from './operationArgs';
import { runCompare } from './compare';
import { isEndpointCommand, type EndpointCommand } from './endpointArgs';
import { EndpointNotFound, runEndpoints } from './endpoints';
import type { OperationIo } from './io';
import { idOrUndefined } from '../serving/resourceNames';

export type { OperationIo };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CONNECT = 3;
export const EXIT_NOT_FOUND = 4;
export const EXIT_REFUSED = 5;


class NotFoundError extends Error {}
class RefusedError extends Error {}

export async function runOperation(cmd: OperationCommand | EndpointCommand, io: OperationIo): Promise<number> {
  let apis: CloudApis | undefined;
  try {
    apis = await connect(io, cmd);
    const project = apis.project;
    if (isEndpointCmd(cmd)) return await runEndpoints(cmd, apis, io, confirmer(cmd.yes, io));
    if (cmd.command === 'deploy') return await deploy(cmd, apis, io);
    const service = cmd.service.startsWith('projects/') ? cmd.service : `projects/${project}/locations/${cmd.regions[0]}/services/${cmd.service}`;
    if (!(await apis.run.getService(service))) throw new NotFoundError(`service ${service} does not exist`);
    if (cmd.command === 'traffic') return await traffic(cmd, service, apis, io);
    return await runCompare({ ...cmd, service }, apis, io, confirmer(cmd.yes, io));
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ml-serving: ${e.message}\nRun "ml-serving --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof ConnectError) {
      io.stderr(`ml-serving: ${e.message}\n`);
      return EXIT_CONNECT;
    }
    if (e instanceof NotFoundError || e instanceof EndpointNotFound) {
      io.stderr(`ml-serving: ${e.message}\n`);
      return EXIT_NOT_FOUND;
    }
    if (e instanceof RefusedError || e instanceof CancelledError) {
      io.stderr(`ml-serving: ${e instanceof RefusedError ? e.message : 'not confirmed'}; nothing was changed\n`);
      return EXIT_REFUSED;
    }
    // Bad answers the plan found (memory too small for the Python server, say) name the flag.
    if (e instanceof ValidationError) {
      io.stderr(`ml-serving: ${flagOf(e.field)}: ${e.message.slice(e.field.length + 2)}\nRun "ml-serving --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UserError) {
      io.stderr(`ml-serving: ${e.message}${e.next ? `\n  ${e.next}` : ''}\n`);
      return EXIT_FAILED;
    }
    io.stderr(`ml-serving: ${cmd.command} failed: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT_FAILED;
  } finally {
    await apis?.dispose();
  }
}

const isEndpointCmd = (c: OperationCommand | EndpointCommand): c is EndpointCommand => isEndpointCommand(c.command);

/** The confirmation in a terminal: the text on stderr, then --yes, a typed "y", or a refusal. */
function confirmer(yes: boolean, io: OperationIo) {
  return async (question: string, detail: string): Promise<void> => {
    io.stderr(`\n${question}\n${detail}\n\n`);
    if (yes) return;
    if (!io.ask) throw new RefusedError('not run in a terminal and no --yes: pass --yes to confirm non-interactively');
    if (!(await io.ask(`${question} [y/N] `))) throw new CancelledError();
  };
}

async function deploy(cmd: Extract<OperationCommand, { command: 'deploy' }>, apis: CloudApis, io: OperationIo): Promise<number> {
  const region = cmd.regions[0];
  const source = await sourceOf(cmd, apis, region);
  const confirm = confirmer(cmd.yes, io);
  const prepared = await prepareDeploy(
    { apis, imageFor: (c, r) => cmd.image ?? defaultImage(c, apis.project, r), serviceAccount: cmd.serviceAccount },
    source, cmd.answers,
    {
      inspecting: (uri, work) => { io.stderr(`ml-serving: reading the SavedModel at ${uri}\n`); return work(); },
      async confirm(plan, c) {
        refuseProblems(plan);
        // A container known to fail is deployed only when the user named it.
        if (plan.willFail.length && !cmd.answers.container) throw new ValidationError('container', `${plan.willFail[0]} (pass --container ${plan.container} to deploy it anyway)`);
        await confirm(plan.willFail.length ? `This deploy of ${plan.serviceName} will fail: ${plan.willFail[0]}` : `Deploy ${plan.serviceName} to Cloud Run?`, planDetail(plan, c.review(plan)));
        return plan;
      },
    },
  );
  io.stderr(`ml-serving: deploying ${prepared.name} (${prepared.plan.update ? 'new revision' : 'new service'}); waiting until it is ready\n`);
  const outcome = await executeDeploy(apis, prepared, { progress: m => io.stderr(`ml-serving: ${m}\n`), signal: io.signal });
  if (outcome.kind === 'failed') {
    const rev = idOrUndefined(outcome.revision);
    const cause = rev ? await readFailureCause(apis.logs, prepared.plan.serviceName, rev, line => io.stderr(`ml-serving: ${line}\n`)) : undefined;
    const x = explainFailure(prepared.plan, outcome.message, outcome.revision, cause, 'deploy');
    if (cmd.json) io.stdout(JSON.stringify({ outcome: 'failed', service: prepared.name, revision: x.revision, message: x.message, next: x.next }) + '\n');
    io.stderr(`ml-serving: ${x.message}${x.next ? `\n  ${x.next}` : ''}${x.missingImage?.ours ? `\n  ${x.missingImage.buildCommand}` : ''}\n`);
    return EXIT_FAILED;
  }
  const s = outcome.service;
  const revision = outcome.kind === 'deployed' ? idOrUndefined(outcome.revision) : idOrUndefined(s.latestReadyRevision);
  if (cmd.json) {
    io.stdout(JSON.stringify({ outcome: outcome.kind, service: s.name, uri: s.uri, revision, container: outcome.plan.container, image: outcome.plan.image, modelName: outcome.plan.modelName }) + '\n');
  } else {
    io.stdout(outcome.kind === 'unchanged'
      ? `Nothing changed: ${s.id} already runs this model with these settings (${revision ?? '-'} keeps serving at ${s.uri ?? '-'}).\n`
      : `${s.id} is serving at ${s.uri} (revision ${revision ?? '-'}).\n`);
  }
  return EXIT_OK;
}

async function sourceOf(cmd: Extract<OperationCommand, { command: 'deploy' }>, apis: CloudApis, region: string): Promise<DeploySource> {
  if (cmd.source.kind === 'gcs') {
    const uri = cmd.source.uri;
    // The model's name: the folder above a numeric version folder, else the folder itself.
    const parts = uri.replace(/^gs:\/\//, '').split('/').filter(Boolean);
    const name = parts.filter(p => !/^\d+$/.test(p)).pop() ?? parts[0];
    return { displayName: name === 'pushed_model' && parts.length > 2 ? parts[parts.length - 2] : name, modelUri: uri, region, labels: {}, links: {} };
  }
  const { model, version } = cmd.source;
  const v = (await apis.vertex.listModelVersions(model)).find(x => x.versionId === version);
  if (!v) throw new NotFoundError(`${model} has no version ${version}`);
  if (!v.artifactUri) throw new UserError(`${v.displayName} v${v.versionId} has no artifact URI to deploy.`);
  return { displayName: v.displayName, modelUri: v.artifactUri, region, labels: v.labels,
    links: { model: idOf(model), modelVersion: v.versionId, run: v.labels.training_run_id, modelDisplayName: v.displayName } };
}

async function traffic(cmd: Extract<OperationCommand, { command: 'traffic' }>, service: string, apis: CloudApis, io: OperationIo): Promise<number> {
  const confirm = confirmer(cmd.yes, io);
  const { service: updated, change } = await changeTraffic(apis, service, cmd.action, {
    confirm: async (s, c) => { await confirm(c.question, trafficDetail(s, c)); return true; },
    progress: m => io.stderr(`ml-serving: ${m}\n`),
    signal: io.signal,
  });
  const split = updated.traffic.map(t => ({ revision: t.type === 'LATEST' ? 'LATEST' : idOrUndefined(t.revision), percent: t.percent, ...(t.tag ? { tag: t.tag } : {}) }));
  if (cmd.json) io.stdout(JSON.stringify({ service: updated.name, action: cmd.action.kind, moves: change.moves, traffic: split }) + '\n');
  else io.stdout(`${change.done(updated)}\n`);
  return EXIT_OK;
}

/** The CLI's name for a plan field a ValidationError names (minInstances → --min-instances). */
export function flagOf(field: string): string {
  const named: Record<string, string> = {
    serviceName: '--service', modelUri: '<model>', serviceAccount: '--service-account', isPublic: '--public',
    // endpoint-deploy / endpoint-traffic / endpoint-undeploy
    trafficShare: '--traffic', trafficSplit: '--split', acceleratorType: '--accelerator', model: '<model>', version: '<model>', deployedModelId: '<deployedModelId>',
  };
  return named[field] ?? `--${field.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`;
}
