/** The one quick pick of Cloud Run services (palette entries of Test Prediction, deploy traffic commands, logs): ready ones first. */
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../../common/errors';
import type { Session } from './session';
import { SERVICE_LABELS } from '../../serving/deploy/serviceLabels';
import type { CloudRunService } from '../../serving/domain';

const STATE_ORDER: Record<string, number> = { ready: 0, deploying: 1, unknown: 2, failed: 3 };

/** Ready first, then by name. */
export function orderServices(list: CloudRunService[]): CloudRunService[] {
  return [...list].sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.id.localeCompare(b.id));
}

export async function pickService(session: Session, title: string): Promise<CloudRunService> {
  const cloud = await session.cloud();
  const all = session.settings.showAllServices;
  const lists = await Promise.all(cloud.regions.map(r => cloud.run.listServices(r)));
  const services = orderServices(lists.flat().filter(s => all || s.labels[SERVICE_LABELS.managedBy] === SERVICE_LABELS.managedByValue));
  if (!services.length) {
    throw new UserError(`No Cloud Run services deployed by ML Serving in ${cloud.regions.join(', ')}.`, 'Deploy a model version first (right-click it → Deploy to Cloud Run), or turn on mlServing.services.showAll.');
  }
  const icon = (s: CloudRunService) => ({ ready: '$(pass-filled)', failed: '$(error)', deploying: '$(sync~spin)', unknown: '$(question)' }[s.state]);
  const picked = await vscode.window.showQuickPick(services.map(s => ({
    label: `${icon(s)} ${s.id}`,
    description: `${s.region}${s.env.MODEL_NAME ? ` · model ${s.env.MODEL_NAME}` : ''}`,
    detail: s.state === 'ready' ? s.uri : `${s.state}${s.message ? `: ${s.message}` : ''}`,
    service: s,
  })), { title, placeHolder: 'Pick a deployed service', matchOnDescription: true });
  if (!picked) throw new CancelledError();
  return picked.service;
}
