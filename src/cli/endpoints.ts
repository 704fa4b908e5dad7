/**
 * `ml-serving endpoints | endpoint-deploy | endpoint-traffic | endpoint-undeploy`: the extension's
 * own endpoint operations (src/operations/endpoints.ts) with a terminal's UI: the plan and its
 * traffic diff on stderr, then --yes or a typed "y"; results on stdout (text, or JSON with --json).
 */
import type { CloudApis } from '../gcp/apis';
import { classifyGcpError } from '../gcp/errors';
import { UserError } from '../common/errors';
import { changeEndpointTraffic, describeSplit, executeEndpointDeploy, prepareEndpointDeploy, undeployFromEndpoint, versionFromAnswers } from '../operations/endpoints';
import { defaultImage } from '../serving/images';
import { endpointLogsUrl, type VertexEndpoint } from '../serving/endpoints/types';
import type { EndpointCommand } from './endpointArgs';
import type { OperationIo } from './io';

export type Confirm = (question: string, detail: string) => Promise<void>;

/** Not found (exit code 4). */
export class EndpointNotFound extends Error {}

const endpointJson = (e: VertexEndpoint) => ({
  name: e.name, displayName: e.displayName, region: e.region,
  deployedModels: e.deployedModels.map(d => ({ id: d.id, model: d.model, version: d.modelVersionId, displayName: d.displayName, machineType: d.machineType, minReplicas: d.minReplicas, maxReplicas: d.maxReplicas, traffic: e.trafficSplit[d.id] ?? 0 })),
});

function endpointText(e: VertexEndpoint): string {
  const lines = [`${e.displayName}  ${e.name}`];
  if (!e.deployedModels.length) lines.push('  (no deployed models)');
  for (const d of e.deployedModels) {
    lines.push(`  ${d.id}  ${d.displayName} v${d.modelVersionId}  ${String(e.trafficSplit[d.id] ?? 0).padStart(3)}%  ${d.machineType}${d.acceleratorType ? ` + ${d.acceleratorCount ?? 1}× ${d.acceleratorType}` : ''}  replicas ${d.minReplicas}–${d.maxReplicas}`);
  }
  return lines.join('\n');
}

async function getOrNotFound(apis: CloudApis, name: string): Promise<void> {
  try {
    await apis.endpoints.getEndpoint(name);
  } catch (e) {
    if (classifyGcpError(e).code === 5) throw new EndpointNotFound(`endpoint ${name} does not exist`);
    throw e;
  }
}

export async function runEndpoints(cmd: EndpointCommand, apis: CloudApis, io: OperationIo, confirm: Confirm): Promise<number> {
  const full = (e: string) => (e.startsWith('projects/') ? e : `projects/${apis.project}/locations/${cmd.regions[0]}/endpoints/${e}`);
  const progress = (m: string) => io.stderr(`ml-serving: ${m}\n`);

  if (cmd.command === 'endpoints') {
    const all: VertexEndpoint[] = [];
    for (const region of cmd.regions) all.push(...await apis.endpoints.listEndpoints(region));
    io.stdout(cmd.json ? JSON.stringify(all.map(endpointJson), null, 2) + '\n' : all.length ? all.map(endpointText).join('\n') + '\n' : `No Vertex AI endpoints in ${cmd.regions.join(', ')}.\n`);
    return 0;
  }

  if (cmd.command === 'endpoint-deploy') {
    let source;
    try {
      source = await versionFromAnswers(apis, cmd.answers);
    } catch (e) {
      if (e instanceof UserError || classifyGcpError(e).code === 5) throw new EndpointNotFound(e instanceof UserError ? e.message : `${cmd.model} does not exist`);
      throw e;
    }
    const plan = await prepareEndpointDeploy(
      { apis, pythonImage: region => defaultImage('python', apis.project, region) },
      source, cmd.answers,
      {
        inspecting: (uri, work) => { progress(`reading the SavedModel at ${uri}`); return work(); },
        async confirm(p) { await confirm(p.question, p.detail); return true; },
      },
    );
    progress(`deploying ${plan.version.displayName} v${plan.version.versionId} to ${plan.target}; waiting until it serves`);
    const outcome = await executeEndpointDeploy(apis, plan, { progress, stage: s => progress(`stage ${s}`), signal: io.signal });
    if (outcome.kind === 'failed') {
      const logs = outcome.endpoint ? endpointLogsUrl(outcome.endpoint, apis.project) : undefined;
      if (cmd.json) io.stdout(JSON.stringify({ outcome: 'failed', endpoint: outcome.endpoint?.name, message: outcome.message, logs }) + '\n');
      io.stderr(`ml-serving: deploying to ${plan.target} failed: ${outcome.message}\n  The endpoint's traffic is unchanged.${logs ? ` Logs: ${logs}` : ''}\n`);
      return 1;
    }
    if (cmd.json) io.stdout(JSON.stringify({ outcome: 'deployed', deployedModelId: outcome.deployedModelId, endpoint: endpointJson(outcome.endpoint) }) + '\n');
    else io.stdout(`Deployed ${plan.version.displayName} v${plan.version.versionId} to endpoint ${outcome.endpoint.displayName} (${outcome.endpoint.name}) as deployed model ${outcome.deployedModelId}: ${describeSplit(outcome)}.\n`);
    return 0;
  }

  const name = full(cmd.endpoint);
  await getOrNotFound(apis, name);
  if (cmd.command === 'endpoint-traffic') {
    const out = await changeEndpointTraffic(apis, name, cmd.split, { async confirm(c) { await confirm(c.question, c.detail); return true; } });
    if (cmd.json) io.stdout(JSON.stringify({ changed: out.changed, endpoint: endpointJson(out.endpoint) }) + '\n');
    else io.stdout(out.changed ? `Traffic of ${out.endpoint.displayName}: ${out.change.diff.join(', ')}.\n` : `The traffic split of ${out.endpoint.displayName} is already that; nothing changed.\n`);
    return 0;
  }
  const plan = await undeployFromEndpoint(apis, name, cmd.deployedModelId, {
    async confirm(p) { await confirm(p.question, p.detail); return true; },
    signal: io.signal,
    running: (p, work) => { progress(`undeploying ${p.deployed.id}; waiting for Vertex AI`); return work(); },
  });
  const after = await apis.endpoints.getEndpoint(name);
  if (cmd.json) io.stdout(JSON.stringify({ undeployed: plan.deployed.id, endpoint: endpointJson(after) }) + '\n');
  else io.stdout(`Undeployed ${plan.deployed.displayName} v${plan.deployed.modelVersionId} (${plan.deployed.id}) from ${after.displayName}.\n`);
  return 0;
}
