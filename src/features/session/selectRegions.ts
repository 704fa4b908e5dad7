import * as vscode from 'vscode';
import { CancelledError } from '../../common/errors';
import type { Session } from '../shared/session';
import { writeSetting } from '../../common/settings';
import { CLOUD_RUN_REGIONS } from '../../serving/regions';

/** Multi-select of the regions the trees list (Vertex AI and Cloud Run are regional). */
export function selectRegions(session: Session) {
  return async (): Promise<string[]> => {
    const current = new Set(session.settings.regions);
    const picked = await vscode.window.showQuickPick(
      CLOUD_RUN_REGIONS.map(r => ({ label: r, picked: current.has(r) })),
      { title: 'ML Serving: Select Regions', canPickMany: true, placeHolder: 'Regions to list runs, models and services in' },
    );
    if (!picked) throw new CancelledError();
    if (!picked.length) throw new CancelledError();
    const regions = picked.map(p => p.label);
    await writeSetting('regions', regions);
    return regions;
  };
}
