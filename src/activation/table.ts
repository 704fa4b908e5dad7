/**
 * The one list of what the extension contributes, by the feature whose bundle implements it.
 * The registration shell registers all of it at activation (commands, tree views, panel
 * serializers, language model tools) and loads a feature's bundle on first use. Plain data: the
 * shell imports nothing else, so activation compiles only the shell. test/unit/activation.test.ts
 * checks it against package.json and against what each feature registers.
 */
import { CommandIds } from '../serving/commandIds';

export type FeatureName = 'session' | 'explorer' | 'deploy' | 'logs' | 'predict' | 'agents' | 'endpoints' | 'batch';

export const FEATURES: readonly FeatureName[] = ['session', 'explorer', 'deploy', 'logs', 'predict', 'agents', 'endpoints', 'batch'];

/** Command id → the feature that registers its handler. */
export const COMMANDS: Readonly<Record<string, FeatureName>> = {
  [CommandIds.selectProject]: 'session',
  [CommandIds.selectRegions]: 'session',
  [CommandIds.signIn]: 'session',
  [CommandIds.showLogs]: 'session',
  [CommandIds.refresh]: 'explorer',
  [CommandIds.loadMore]: 'explorer',
  [CommandIds.filterRuns]: 'explorer',
  [CommandIds.clearRunsFilter]: 'explorer',
  [CommandIds.toggleAllServices]: 'explorer',
  [CommandIds.copyResourceName]: 'explorer',
  [CommandIds.copyGcsUri]: 'explorer',
  [CommandIds.openInConsole]: 'explorer',
  [CommandIds.openUrl]: 'explorer',
  [CommandIds.registerModel]: 'explorer',
  [CommandIds.deploy]: 'deploy',
  [CommandIds.canary]: 'deploy',
  [CommandIds.promote]: 'deploy',
  [CommandIds.endCanary]: 'deploy',
  [CommandIds.rollback]: 'deploy',
  [CommandIds.compare]: 'deploy',
  [CommandIds.undeploy]: 'deploy',
  [CommandIds.tailLogs]: 'logs',
  [CommandIds.stopLogs]: 'logs',
  [CommandIds.openLogsPanel]: 'logs',
  [CommandIds.testPrediction]: 'predict',
  [CommandIds.generateWarmup]: 'predict',
  [CommandIds.loadTest]: 'predict',
  [CommandIds.compareReports]: 'predict',
  [CommandIds.testEndpointPrediction]: 'predict',
  [CommandIds.deployToEndpoint]: 'endpoints',
  [CommandIds.changeEndpointTraffic]: 'endpoints',
  [CommandIds.undeployFromEndpoint]: 'endpoints',
  [CommandIds.deleteEndpoint]: 'endpoints',
  [CommandIds.openEndpointLogs]: 'endpoints',
  // The tail, its channel and the registry live in the logs feature, whatever the target.
  [CommandIds.tailEndpointLogs]: 'logs',
  [CommandIds.batchPredict]: 'batch',
  [CommandIds.openBatchOutput]: 'batch',
  [CommandIds.cancelBatchJob]: 'batch',
};

/** The explorer's tree views (package.json `views`): created by the shell, filled by the explorer. */
export const TREE_VIEWS = { runs: 'mlServing.runs', models: 'mlServing.models', services: 'mlServing.services' } as const;

/** Webview panel types restored after a reload (`onWebviewPanel:` activation events). */
export const PANELS: Readonly<Record<string, 'logs' | 'predict'>> = {
  'mlServing.logs': 'logs',
  'mlServing.predict': 'predict',
};

/** Language model tools (package.json `languageModelTools`), all implemented by the agents feature. */
export const TOOLS: readonly string[] = [
  'mlServing_inspectModel',
  'mlServing_list',
  'mlServing_serviceErrors',
  'mlServing_deploy',
  'mlServing_moveTraffic',
  'mlServing_predict',
  'mlServing_compare',
];

/** `npm run demo` marks its workspace with this file; the explorer opens the view for it. */
export const DEMO_MARKER = '.vscode/ml-serving-demo.json';
