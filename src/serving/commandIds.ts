/**
 * Every command id the extension contributes, said once: registrations, menus' `command` fields in
 * code, error actions and notifications use these names. package.json `contributes.commands` must
 * list exactly these (test/unit/commandIds.test.ts; the in-host commands test checks what is
 * registered). Pure data in src/serving, so every layer can name a command without importing vscode.
 */
export const CommandIds = {
  // session
  selectProject: 'mlServing.selectProject',
  selectRegions: 'mlServing.selectRegions',
  signIn: 'mlServing.signIn',
  showLogs: 'mlServing.showLogs',
  // explorer
  refresh: 'mlServing.explorer.refresh',
  loadMore: 'mlServing.explorer.loadMore',
  filterRuns: 'mlServing.runs.filter',
  clearRunsFilter: 'mlServing.runs.clearFilter',
  toggleAllServices: 'mlServing.services.toggleAll',
  copyResourceName: 'mlServing.copyResourceName',
  copyGcsUri: 'mlServing.copyGcsUri',
  openInConsole: 'mlServing.openInConsole',
  openUrl: 'mlServing.openUrl',
  registerModel: 'mlServing.registerModel',
  // deploy
  deploy: 'mlServing.deploy',
  canary: 'mlServing.canary',
  promote: 'mlServing.deploy.promote',
  endCanary: 'mlServing.deploy.endCanary',
  rollback: 'mlServing.rollback',
  undeploy: 'mlServing.undeploy',
  compare: 'mlServing.deploy.compare',
  // logs
  tailLogs: 'mlServing.logs.tail',
  stopLogs: 'mlServing.logs.stop',
  openLogsPanel: 'mlServing.logs.openPanel',
  // predict
  testPrediction: 'mlServing.testPrediction',
  generateWarmup: 'mlServing.predict.generateWarmup',
  loadTest: 'mlServing.predict.loadTest',
  compareReports: 'mlServing.predict.compareReports',
  testEndpointPrediction: 'mlServing.endpoints.testPrediction',
  // endpoints (Vertex AI)
  deployToEndpoint: 'mlServing.endpoints.deploy',
  changeEndpointTraffic: 'mlServing.endpoints.changeTraffic',
  undeployFromEndpoint: 'mlServing.endpoints.undeploy',
  deleteEndpoint: 'mlServing.endpoints.delete',
  openEndpointLogs: 'mlServing.endpoints.openLogs',
  tailEndpointLogs: 'mlServing.endpoints.tailLogs',
  // batch prediction (Vertex AI)
  batchPredict: 'mlServing.batch.predict',
  openBatchOutput: 'mlServing.batch.openOutput',
  cancelBatchJob: 'mlServing.batch.cancel',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/**
 * Ids that predate the `mlServing.<area>.<verb>` form, with the id each should get. Not renamed
 * yet: a rename changes users' keybindings and every test and chat tool that runs the command,
 * and is done in one step with package.json (the ids listed here are the only exceptions the
 * test allows).
 */
export const OLD_STYLE_IDS: Readonly<Partial<Record<CommandId, string>>> = {
  'mlServing.selectProject': 'mlServing.session.selectProject',
  'mlServing.selectRegions': 'mlServing.session.selectRegions',
  'mlServing.signIn': 'mlServing.session.signIn',
  'mlServing.showLogs': 'mlServing.session.showLogs',
  'mlServing.copyResourceName': 'mlServing.explorer.copyResourceName',
  'mlServing.copyGcsUri': 'mlServing.explorer.copyGcsUri',
  'mlServing.openInConsole': 'mlServing.explorer.openInConsole',
  'mlServing.openUrl': 'mlServing.explorer.openUrl',
  'mlServing.registerModel': 'mlServing.explorer.registerModel',
  'mlServing.deploy': 'mlServing.deploy.deploy',
  'mlServing.canary': 'mlServing.deploy.canary',
  'mlServing.rollback': 'mlServing.deploy.rollback',
  'mlServing.undeploy': 'mlServing.deploy.undeploy',
  'mlServing.testPrediction': 'mlServing.predict.test',
};
