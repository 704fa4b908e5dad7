import * as vscode from 'vscode';
import { formatReport } from '../../serving/savedModel/report';
import type { Session } from '../shared/session';
import { inputObject, oneOf, str, text } from './tool';

export const INSPECT_TOOL = 'mlServing_inspectModel';

/** Read-only: the SavedModel as TF Serving will read it, and the container the deploy would pick, with why. */
export function inspectModelTool(session: Session): vscode.LanguageModelTool<unknown> {
  return {
    async invoke(options) {
      const o = inputObject(options.input, ['modelUri', 'container']);
      const uri = str(o, 'modelUri', /^gs:\/\/[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](\/[^\s]*)?$/, 'a gs://bucket/path model folder', true);
      const container = oneOf(o, 'container', ['native', 'python'] as const);
      const cloud = await session.cloud();
      // The deploy flow's inspector and routing (labels none: a bare folder has no registry hints).
      const ins = await cloud.apis.models.inspect(uri, container ? { override: container } : {});
      return text(formatReport(ins).trimEnd());
    },
  };
}
