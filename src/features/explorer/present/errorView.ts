import { NodeKind } from '../../../common/contextValues';
import { classifyGcpError, roleFor } from '../../../gcp/errors';
import { UserError } from '../../../common/errors';
import type { ItemView } from './item';
import { CommandIds } from '../../../serving/commandIds';

export interface ErrorNodeView extends ItemView {
  /** What clicking the node does. */
  action: { command: string; args?: unknown[]; title: string };
}

/** A failed tree load as a node: what went wrong and the one thing to do about it. */
export function errorView(what: string, e: unknown): ErrorNodeView {
  if (e instanceof UserError) {
    return {
      label: e.message, description: e.next, icon: { id: 'warning', color: 'list.warningForeground' },
      contextValue: `${NodeKind.error}.user`, tooltip: [e.message, e.next].filter(Boolean).join('\n\n'), collapsible: 'none',
      action: { command: CommandIds.refresh, title: 'Retry' },
    };
  }
  const c = classifyGcpError(e);
  const base = { icon: { id: 'error', color: 'list.errorForeground' }, collapsible: 'none' as const, tooltip: c.message };
  switch (c.kind) {
    case 'unauthenticated':
      return { ...base, label: 'Not signed in to Google Cloud', description: 'run gcloud auth application-default login', contextValue: `${NodeKind.error}.auth`, action: { command: CommandIds.signIn, title: 'Sign In' } };
    case 'apiDisabled':
      return { ...base, label: `${c.api ?? 'An API'} is not enabled`, description: 'click to enable it in the Cloud Console', contextValue: `${NodeKind.error}.api`, action: { command: CommandIds.openUrl, args: [`https://console.cloud.google.com/apis/library/${c.api ?? ''}`], title: 'Enable API' } };
    case 'permission':
      return { ...base, label: `Permission denied listing ${what}`, description: c.permission ? `needs ${c.permission} (${roleFor(c.permission)})` : 'ask for a viewer role', contextValue: `${NodeKind.error}.permission`, action: { command: CommandIds.refresh, title: 'Retry' } };
    case 'unavailable':
      return { ...base, label: `Could not reach the service listing ${what}`, description: 'click to retry', contextValue: `${NodeKind.error}.unavailable`, action: { command: CommandIds.refresh, title: 'Retry' } };
    case 'quota':
      return { ...base, label: `Quota exceeded listing ${what}`, description: 'wait a minute, then click to retry', contextValue: `${NodeKind.error}.quota`, action: { command: CommandIds.refresh, title: 'Retry' } };
    default:
      return { ...base, label: `Failed to list ${what}`, description: c.message.slice(0, 120), contextValue: `${NodeKind.error}.other`, action: { command: CommandIds.refresh, title: 'Retry' } };
  }
}
