import * as vscode from 'vscode';
import type { Services } from '../../services';
import { compareTool, COMPARE_TOOL } from './compare';
import { deployTool, DEPLOY_TOOL } from './deployModel';
import { inspectModelTool, INSPECT_TOOL } from './inspectModel';
import { listResourcesTool, LIST_TOOL } from './listResources';
import { predictTool, PREDICT_TOOL } from './predict';
import { serviceErrorsTool, ERRORS_TOOL } from './serviceErrors';
import { trafficTool, TRAFFIC_TOOL } from './traffic';

/**
 * Language model tools (Copilot agent mode and other chat participants). Read-only tools answer
 * directly; changing tools confirm in prepareInvocation and run the Serving view's commands.
 * The registration shell registers them with vscode.lm (activation/table.ts lists them) and
 * passes each call on to these objects.
 */
export function register(context: vscode.ExtensionContext, { session }: Services) {
  const tools: Record<string, vscode.LanguageModelTool<unknown>> = {
    [INSPECT_TOOL]: inspectModelTool(session),
    [LIST_TOOL]: listResourcesTool(session),
    [ERRORS_TOOL]: serviceErrorsTool(session),
    [DEPLOY_TOOL]: deployTool(),
    [TRAFFIC_TOOL]: trafficTool(session),
    [PREDICT_TOOL]: predictTool(session),
    [COMPARE_TOOL]: compareTool(session, context),
  };
  // For the in-host tests: the same tool objects VS Code calls.
  return { tools };
}
