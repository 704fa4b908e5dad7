import * as vscode from 'vscode';
import { registerCommand } from '../../common/commands';
import type { Services } from '../../services';
import { clearRunsFilter, filterRuns } from './commands/filterRuns';
import { copyGcsUri, copyResourceName } from './commands/copy';
import { keepAgesFresh } from './agesRefresh';
import { openForDemo } from './demoStart';
import { openInConsole, openUrl } from './commands/openInConsole';
import { registerModel } from './commands/registerModel';
import { ModelsTree } from './modelsTree';
import type { Node } from './node';
import { filterDescription } from './runFilter';
import { RunsTree } from './runsTree';
import { ServicesTree } from './servicesTree';
import { CommandIds } from '../../serving/commandIds';
import { BatchJobsNode } from './batchJobsNode';

export interface ExplorerTrees {
  runs: RunsTree;
  models: ModelsTree;
  services: ServicesTree;
  /** The Serving view's Batch Jobs node (Vertex AI batch prediction jobs). */
  batchJobs: BatchJobsNode;
  /** The Training Runs view (its title shows the filter). */
  runsView?: vscode.TreeView<Node>;
}

/** The three tree views, created by the registration shell at activation (src/extension.ts). */
export interface ExplorerViews {
  runs: vscode.TreeView<Node>;
  models: vscode.TreeView<Node>;
  services: vscode.TreeView<Node>;
}

export function register(context: vscode.ExtensionContext, services: Services, views: ExplorerViews): ExplorerTrees {
  const { session, logger, operations } = services;
  const log = logger.child('explorer');
  const runs = new RunsTree(session, log, context.workspaceState);
  const models = new ModelsTree(session, log);
  const svc = new ServicesTree(session, log);
  const runsView = views.runs;
  const batchJobs = new BatchJobsNode(session);
  batchJobs.tree = svc;
  svc.extraRoots.push(batchJobs);
  const trees: ExplorerTrees = { runs, models, services: svc, batchJobs, runsView };
  const modelsView = views.models;
  // The title says when a filter hides runs.
  const showFilter = () => { runsView.description = filterDescription(runs.filter); };
  showFilter();
  // Deploy, traffic moves and undeploy report here (no import of deploy): the row says "Deploying…",
  // and when done the Serving row re-reads and the Models tree's "served by" too.
  for (const [name, text] of operations.inProgress()) svc.setBusy(name, text);
  context.subscriptions.push(
    runs, models, svc, batchJobs,
    operations.onDidChange(e => {
      svc.setBusy(e.service, e.state === 'busy' ? e.text : undefined);
      if (e.state === 'done') models.invalidate();
    }),
    runs.onDidChangeFilter(showFilter),
    // "2m ago" would go stale until a refresh: relabel from the cached items each minute, only while shown.
    keepAgesFresh(runsView, () => runs.refresh()),
    keepAgesFresh(modelsView, () => models.refresh()),
    registerCommand(CommandIds.refresh, () => session.reset(), logger),
    registerCommand(CommandIds.loadMore, async (node: Node) => {
      await runs.loadMore(node);
      await models.loadMore(node);
    }, logger),
    registerCommand(CommandIds.filterRuns, filterRuns(runs), logger),
    registerCommand(CommandIds.clearRunsFilter, clearRunsFilter(runs), logger),
    registerCommand(CommandIds.toggleAllServices, () => svc.toggleAll(), logger),
    registerCommand(CommandIds.copyResourceName, copyResourceName(), logger),
    registerCommand(CommandIds.copyGcsUri, copyGcsUri(), logger),
    registerCommand(CommandIds.openInConsole, openInConsole(session), logger),
    registerCommand(CommandIds.openUrl, openUrl(), logger),
    registerCommand(CommandIds.registerModel, registerModel(session, runs, models), logger),
  );
  void openForDemo().catch(e => log.warn(`demo start: ${(e as Error).message}`));
  return trees;
}
