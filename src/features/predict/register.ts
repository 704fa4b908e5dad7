/**
 * The Test Prediction flow: the command, the panels (one per service) and their serializer, and
 * the payload store. Saved payloads go to `.vscode/ml-serving/requests.json` in the first
 * workspace folder (meant to be committed), or to workspace state when no folder is open.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import { PREDICT_VIEW_TYPE } from '../../protocol/predict';
import type { Services } from '../../services';
import { testPrediction } from './commands/testPrediction';
import { generateWarmup } from './commands/generateWarmup';
import { loadTest } from './commands/loadTest';
import { compareReports } from './commands/compareReports';
import { testEndpointPrediction } from './commands/testEndpoint';
import { PredictPanels } from './panels';
import { fileStore, PayloadStore, REQUESTS_FILE, stateStore } from '../shared/payloadStore';
import { CommandIds } from '../../serving/commandIds';

export function payloadStoreFor(context: vscode.ExtensionContext): PayloadStore {
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  const store = folder ? fileStore(path.join(folder.uri.fsPath, REQUESTS_FILE)) : stateStore(context.workspaceState);
  return new PayloadStore(store, context.workspaceState);
}

export function register(context: vscode.ExtensionContext, services: Services): { serializer: vscode.WebviewPanelSerializer; panels: PredictPanels } {
  const { session, logger } = services;
  const log = logger.child('predict');
  const panels = new PredictPanels(session, log, payloadStoreFor(context), context.extensionUri);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(PREDICT_VIEW_TYPE, panels.serializer),
    registerCommand(CommandIds.testPrediction, testPrediction(session, panels), logger),
    registerCommand(CommandIds.generateWarmup, generateWarmup(session, context), logger),
    registerCommand(CommandIds.loadTest, loadTest(session, context), logger),
    registerCommand(CommandIds.compareReports, compareReports(), logger),
    registerCommand(CommandIds.testEndpointPrediction, testEndpointPrediction(session, panels), logger),
  );
  return { serializer: panels.serializer, panels };
}
