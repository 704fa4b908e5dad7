import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../common/errors';
import type { CloudContext } from '../../common/session';
import type { CloudRunService } from '../../serving/domain';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import { ServiceNode } from '../explorer/servicesTree';

/** The service a command acts on: the tree node, `{service: name}`, or a quick pick. */
export async function resolveService(arg: unknown, cloud: CloudContext, title: string): Promise<CloudRunService> {
  if (arg instanceof ServiceNode) return arg.service;
  if (arg && typeof arg === 'object' && 'service' in arg) {
    const name = (arg as { service: unknown }).service;
    if (typeof name !== 'string' || !/^projects\/[^/]+\/locations\/[^/]+\/services\/[a-z][a-z0-9-]{0,48}$/.test(name)) throw new ValidationError('service', 'expected projects/P/locations/R/services/NAME');
    const s = await cloud.run.getService(name);
    if (!s) throw new UserError(`Service ${name} does not exist.`);
    return s;
  }
  if (arg !== undefined) throw new ValidationError('service', 'run this on a service in the Serving view');
  const lists = await Promise.all(cloud.regions.map(r => cloud.run.listServices(r)));
  const mine = lists.flat().filter(s => s.labels[SERVICE_LABELS.managedBy] === SERVICE_LABELS.managedByValue);
  if (!mine.length) throw new UserError('No services deployed by ML Serving.', 'Deploy a model first: right-click a model version → Deploy to Cloud Run.');
  const order = { ready: 0, deploying: 1, unknown: 2, failed: 3 } as const;
  mine.sort((a, b) => order[a.state] - order[b.state] || a.id.localeCompare(b.id));
  const pick = await vscode.window.showQuickPick(mine.map(s => ({ label: s.id, description: `${s.region} · ${s.state}`, detail: s.uri, s })), { title });
  if (!pick) throw new CancelledError();
  return pick.s;
}

